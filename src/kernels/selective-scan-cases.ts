// Random selective-scan shapes for the kernel tests, and random inputs in a trained Mamba's range.
import type { Rng } from '../data/rng';
import type { ScanSizes, ScanTarget } from './selective-scan-plan';

/** The kernels as planned for a software adapter (this machine's) and as planned for a GPU. */
export const SCAN_TARGETS: [string, ScanTarget][] = [
  ['software plan', { isSoftware: true }],
  ['GPU plan', { isSoftware: false }],
];

export interface ScanCase extends ScanSizes {
  withState: boolean;
}

/** Case c: T = 1 and T not a multiple of the chunk (default, 8 or 5), odd dInner and more channels
 *  than one workgroup, N ∈ {1, 4, 16}, B > 1, with and without an initial state. */
export function scanCase(rng: Rng, c: number): ScanCase {
  const chunk = [undefined, 8, 5][Math.floor(c / 3) % 3];
  const T = c % 7 === 0 ? 1 : 1 + rng.int(chunk ? 30 : 90);
  const dInner = c % 5 === 4 ? 65 + rng.int(40) : 1 + 2 * rng.int(12);
  return { B: 1 + rng.int(3), T, dInner, N: [1, 4, 16][c % 3], chunk, withState: c % 2 === 1 };
}

/** A type, not an interface: assignable to Record<string, Float32Array>. */
export type ScanInputs = {
  x: Float32Array;
  delta: Float32Array;
  A: Float32Array;
  Bm: Float32Array;
  C: Float32Array;
  Dskip: Float32Array;
};

/** Inputs with Δ in [1e-3, 1] and A in [−20, −0.5] (log-uniform), the rest normal (also the benchmark's). */
export function scanInputs(rng: Rng, s: ScanSizes): ScanInputs {
  const { B, T, dInner: D, N } = s;
  const delta = new Float32Array(B * T * D).map(() => Math.exp(rng.uniform(Math.log(1e-3), Math.log(1))));
  const A = new Float32Array(D * N).map(() => -Math.exp(rng.uniform(Math.log(0.5), Math.log(20))));
  return {
    x: rng.fillNormal(new Float32Array(B * T * D)),
    delta,
    A,
    Bm: rng.fillNormal(new Float32Array(B * T * N)),
    C: rng.fillNormal(new Float32Array(B * T * N)),
    Dskip: rng.fillNormal(new Float32Array(D)),
  };
}

/** A random initial state (B, dInner, N). */
export function initialState(rng: Rng, s: ScanSizes): Float32Array {
  return rng.fillNormal(new Float32Array(s.B * s.dInner * s.N), 0.5);
}
