// Permutation composition (state tracking, Merrill et al. 2024): each token is an element of S_n
// (n = 5 by default, 3 for S₃); the target at t is the product g_t ∘ … ∘ g_1 of every element so
// far. Tokens index the n! permutations in lexicographic order.
import type { TaskDef } from './task';
import { doublings } from './task';

/** Every permutation of 0..n-1, in lexicographic order. */
export function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const rest of permutations(n - 1)) {
    for (let i = 0; i <= rest.length; i++) out.push([...rest.slice(0, i), n - 1, ...rest.slice(i)]);
  }
  return out.sort((a, b) => {
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  });
}

/** (a ∘ b)(i) = a[b[i]]: apply b first, then a. */
export function compose(a: readonly number[], b: readonly number[]): number[] {
  return b.map((x) => a[x]);
}

/** The table of a ∘ b by index: table[a·n! + b]. */
function compositionTable(perms: number[][]): Int32Array {
  const index = new Map(perms.map((p, i) => [p.join(','), i]));
  const m = perms.length;
  const table = new Int32Array(m * m);
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++) table[a * m + b] = index.get(compose(perms[a], perms[b]).join(','))!;
  return table;
}

export const permutation: TaskDef = {
  name: 's5',
  description: 'permutation composition: the product of every permutation so far (S₅; n=3 for S₃)',
  defaults: { n: 5 },
  trainLength: 32,
  make({ n }) {
    if (n > 6) throw new Error(`s5: n = ${n} gives ${n}! tokens; use n ≤ 6.`);
    const perms = permutations(n);
    const m = perms.length;
    const table = compositionTable(perms);
    return {
      name: 's5',
      vocab: m,
      evalLengths: (T) => doublings(T, Math.max(T, 128)),
      checkLength: (T) => (T >= 1 ? null : `length ${T} must be positive.`),
      fill(rng, inputs, targets) {
        let state = 0; // the identity is first in lexicographic order
        for (let t = 0; t < inputs.length; t++) {
          inputs[t] = rng.int(m);
          state = table[inputs[t] * m + state];
          targets[t] = state;
        }
      },
    };
  },
};
