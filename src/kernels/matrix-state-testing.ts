// Test harness shared by the matrix-state recurrences (retention, Gated DeltaNet): random shapes and
// cases, the forward the backward tests start from, the CPU backward against finite differences, and
// decode steps against the parallel forward.
import { expect } from 'vitest';
import type { Rng } from '../data/rng';
import type { KernelDef } from './backend';
import type { Floats } from './elementwise';
import { fixedChunking, type MatrixStateSizes } from './recurrent';
import type { Tensor } from './tensor';
import { backends, checkGradient, expectClose, randn, throwGpuErrors, toF32, type Case } from './testing';

export interface MatrixStateCase extends MatrixStateSizes {
  withState: boolean;
}

/** A recurrence's per-token inputs (B, T, H, ·) and its initial state (B, H, Dk, Dv). */
export type MatrixInputs = Record<string, Float32Array> & { state: Float32Array };
type Arrays<X> = { [K in keyof X]: Floats };
type Grads<X> = { [K in keyof X as `d${string & K}`]: Float64Array };

/** What the harness needs of a recurrence: its random inputs and CPU references. */
export interface MatrixRecurrence<X extends MatrixInputs> {
  inputs(rng: Rng, s: MatrixStateSizes): X;
  /** The forward reference: o (B, T, H, Dv), the chunk-start states, the state updated in place. */
  ref(x: Arrays<X> & { o: Floats; chunkStates: Floats }, s: MatrixStateSizes): void;
  /** The backward reference: one gradient per input, `d` + its name. */
  backwardRef(g: Grads<X>, x: Arrays<X> & { chunkStates: Floats; dout: Floats }, s: MatrixStateSizes): void;
}

/** (Dk, Dv) pairs: few pipelines to compile, odd sizes and a vector of more than 16 vec4s among them. */
const HEADS = [
  [4, 8],
  [6, 3],
  [16, 16],
  [8, 33],
  [72, 12],
] as const;

/** Case c: T = 1 every 7th, T not a multiple of the chunk, Dk ≠ Dv, B ≤ 2, H ≤ maxHeads, a state every other. */
export function matrixStateCase(rng: Rng, c: number, maxHeads: number): MatrixStateCase {
  const chunk = [undefined, 4, 5][Math.floor(c / 5) % 3];
  const T = c % 7 === 0 ? 1 : 1 + rng.int(chunk ? 20 : 40);
  const [Dk, Dv] = HEADS[c % HEADS.length];
  return { B: 1 + rng.int(2), T, H: 1 + rng.int(maxHeads), Dk, Dv, chunk, withState: c % 2 === 1 };
}

/** A kernel's args: the sizes and every tensor of the case under its own name. */
function tensorArgs<A>(s: object): (t: Record<string, Tensor>) => A {
  return (t) => ({ ...s, ...t }) as unknown as A;
}

/** A forward case: outputs start at 7 (every element must be written), chunk states saved when T % 3 ≠ 0. */
export function forwardCase<X extends MatrixInputs, A>(
  rec: MatrixRecurrence<X>,
  rng: Rng,
  s: MatrixStateCase,
  label: string,
): Case<A> {
  const { B, T, H, Dk, Dv } = s;
  const { state, ...inputs } = rec.inputs(rng, s);
  const saveChunks = T % 3 !== 0;
  return {
    label,
    inputs,
    outputs: {
      o: new Float32Array(B * T * H * Dv).fill(7),
      ...(saveChunks
        ? {
            chunkStates: new Float32Array(
              B * H * fixedChunking('matrix-state case', s).nChunks * Dk * Dv,
            ).fill(7),
          }
        : {}),
      ...(s.withState ? { state } : {}),
    },
    args: tensorArgs(s),
  };
}

/** A decode-step case: case c at T = 1, the state updated in place. */
export function stepCase<X extends MatrixInputs, A>(
  rec: MatrixRecurrence<X>,
  rng: Rng,
  c: MatrixStateCase,
): Case<A> {
  const s = { ...c, T: 1 };
  const { state, ...inputs } = rec.inputs(rng, s);
  return {
    label: JSON.stringify(s),
    inputs,
    outputs: { o: new Float32Array(s.B * s.H * s.Dv), state },
    args: tensorArgs(s),
  };
}

/** Forward inputs and the chunk-start states the forward saves for them. */
export function forwardOf<X extends MatrixInputs>(rec: MatrixRecurrence<X>, rng: Rng, s: MatrixStateCase) {
  const { B, T, H, Dk, Dv } = s;
  const { state, ...inputs } = rec.inputs(rng, s);
  if (!s.withState) state.fill(0);
  const chunkStates = new Float32Array(B * H * fixedChunking('matrix-state case', s).nChunks * Dk * Dv);
  const x = { ...inputs, state: state.slice() } as unknown as Arrays<X>;
  rec.ref({ ...x, o: new Float32Array(B * T * H * Dv), chunkStates }, s);
  return { inputs, chunkStates };
}

/** The CPU backward gives every input's gradient of sum(o ⊙ R), by finite differences on `shapes`. */
export function expectBackwardRefPassesFd<X extends MatrixInputs>(
  rec: MatrixRecurrence<X>,
  rng: Rng,
  shapes: MatrixStateSizes[],
): void {
  for (const [c, s] of shapes.entries()) {
    const { B, T, H, Dk, Dv } = s;
    const data = rec.inputs(rng, s);
    const names = Object.keys(data) as (keyof X & string)[];
    const x = Object.fromEntries(names.map((k) => [k, Float64Array.from(data[k])])) as {
      [K in keyof X]: Float64Array;
    };
    const R = Float64Array.from(randn(rng, B * T * H * Dv));
    const o = new Float64Array(B * T * H * Dv);
    const chunkStates = new Float64Array(B * H * fixedChunking('matrix-state case', s).nChunks * Dk * Dv);
    const loss = () => {
      rec.ref({ ...x, o, chunkStates, state: x.state.slice() }, s);
      return o.reduce((acc, oi, i) => acc + oi * R[i], 0);
    };
    loss();
    const g = Object.fromEntries(names.map((k) => [`d${k}`, new Float64Array(x[k].length)])) as Grads<X>;
    rec.backwardRef(g, { ...x, chunkStates, dout: R }, s);
    for (const name of names) {
      const grad = (g as Record<string, Float64Array>)[`d${name}`];
      checkGradient(loss, x[name], grad, {
        eps: 1e-5,
        rng,
        label: `case ${c} d${name} ${JSON.stringify(s)}`,
      });
    }
  }
}

/**
 * On the GPU, decode steps from a zero state, fed each token's slices (B, H, ·), reproduce the parallel
 * forward (rtol 1e-5, atol 1e-6) at B 2, T 9, H 3, Dk 16, Dv 24; every tensor is freed.
 */
export async function expectStepsMatchForward<X extends MatrixInputs, A, S>(
  rec: MatrixRecurrence<X>,
  rng: Rng,
  forward: KernelDef<A>,
  step: KernelDef<S>,
): Promise<void> {
  const { gpu } = await backends();
  const s = { B: 2, T: 9, H: 3, Dk: 16, Dv: 24 };
  const { B, T, H, Dk, Dv } = s;
  const x = Object.entries(rec.inputs(rng, s)).filter(([k]) => k !== 'state');
  const up = (d: Float32Array, label: string) => {
    const t = gpu.alloc([d.length], label);
    gpu.write(t, d);
    return t;
  };
  const tensors = Object.fromEntries(x.map(([k, d]) => [k, up(d, k)]));
  const o = gpu.alloc([B * T * H * Dv], 'o');
  const full = gpu.op(forward, tensorArgs<A>(s)({ ...tensors, o }));
  gpu.run([full]);
  const ref = toF32(await gpu.read(o));
  // Per token: gather its slices (B, H, w), step, scatter the output.
  const state = up(new Float32Array(B * H * Dk * Dv), 'state');
  const slice = (d: Float32Array, t: number) => {
    const w = d.length / (B * T * H);
    const out = new Float32Array(B * H * w);
    for (let b = 0; b < B; b++) out.set(d.subarray((b * T + t) * H * w, (b * T + t + 1) * H * w), b * H * w);
    return out;
  };
  const got = new Float32Array(B * T * H * Dv);
  for (let t = 0; t < T; t++) {
    const tok = {
      ...Object.fromEntries(x.map(([k, d]) => [k, up(slice(d, t), `${k}_t`)])),
      o: gpu.alloc([B * H * Dv], 'o_t'),
    };
    const op = gpu.op(step, tensorArgs<S>({ B, H, Dk, Dv })({ ...tok, state }));
    gpu.run([op]);
    const ot = toF32(await gpu.read(tok.o));
    for (let b = 0; b < B; b++) got.set(ot.subarray(b * H * Dv, (b + 1) * H * Dv), (b * T + t) * H * Dv);
    gpu.release([op]);
    Object.values(tok).forEach((tk) => gpu.free(tk));
  }
  expectClose(got, ref, { rtol: 1e-5, atol: 1e-6, label: 'decode vs parallel' });
  throwGpuErrors(gpu);
  gpu.release([full]);
  [...Object.values(tensors), o, state].forEach((tk) => gpu.free(tk));
  expect(gpu.memory().liveBytes).toBe(0);
}
