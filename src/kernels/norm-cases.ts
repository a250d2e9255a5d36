// Random row-norm shapes and inputs for the layernorm and rmsnorm tests (odd widths, rows = 1, > 65535 rows),
// and the plans they run under.
import type { Rng } from '../data/rng';
import type { NormPlan } from './norm-common';
import { randn } from './testing';

/** The plans of the per-row entries: each is tested here whatever the adapter. */
export const NORM_PLANS: [string, NormPlan][] = [
  ['rows plan', 'rows'],
  ['workgroups plan', 'workgroups'],
];

export const NORM_WIDTHS = [1, 3, 7, 65, 257, 32, 256, 1000];
export const NORM_CASES = 56;
export const NORM_EPS = 1e-5;

/** Case c's shape: rows = 1 first, then some large row counts (many rows per dweight block); the last
 *  case has more than 65535 rows (a 2-D grid of workgroups). */
export function normShape(rng: Rng, c: number): { rows: number; D: number } {
  if (c === NORM_CASES - 1) return { rows: 65537, D: 1 };
  const D = c < NORM_WIDTHS.length * 2 ? NORM_WIDTHS[c % NORM_WIDTHS.length] : 1 + rng.int(400);
  const rows = c < NORM_WIDTHS.length ? 1 : c % 7 === 0 ? 513 + rng.int(1500) : 1 + rng.int(40);
  return { rows: D > 256 && rows > 40 ? 40 : rows, D };
}

/** x with a per-row offset (normal, times `shiftStd`) and scale, so rows differ in their statistics. */
export function normInput(rng: Rng, rows: number, D: number, shiftStd: number): Float32Array {
  const x = randn(rng, rows * D);
  for (let r = 0; r < rows; r++) {
    const [shift, scale] = [shiftStd * rng.normal(), 0.2 + 3 * rng.next()];
    for (let i = 0; i < D; i++) x[r * D + i] = shift + scale * x[r * D + i];
  }
  return x;
}

/** dx is rstd times a difference of O(dy·w) terms, and GPUs may fuse multiply-adds (NVIDIA does):
 *  its rounding error grows with rstd, up to 1/√eps for D = 1. */
export function normDxTolerance(rstd: Float32Array): number {
  return 1e-6 * rstd.reduce((m, v) => Math.max(m, v), 10);
}

/** The NORM_CASES test cases: `make` gets case c's shape (drawn first) and c. */
export function normCases<C>(rng: Rng, make: (rows: number, D: number, c: number) => C): C[] {
  return Array.from({ length: NORM_CASES }, (_, c) => {
    const { rows, D } = normShape(rng, c);
    return make(rows, D, c);
  });
}
