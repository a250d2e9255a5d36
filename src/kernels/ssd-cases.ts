// Random SSD (Mamba-2) shapes (T = 1, long and short T, G > 1, P ≠ N, odd sizes, B, H > 1) and inputs in
// the ranges the layer produces (Δ = softplus(·) > 0, A = −exp(A_log) ∈ [−16, −1] and beyond).
import type { Rng } from '../data/rng';
import type { SsdSizes } from './ssd';

export interface SsdCase extends SsdSizes {
  withState: boolean;
}

/** (P, N) pairs: few pipelines to compile, odd sizes and a vector of more than 16 vec4s among them. */
const DIMS = [
  [4, 8],
  [6, 3],
  [16, 16],
  [5, 33],
  [72, 12],
] as const;

export function ssdCase(rng: Rng, c: number): SsdCase {
  const T = c % 7 === 0 ? 1 : 1 + rng.int(c % 3 === 0 ? 40 : 20);
  const [P, N] = DIMS[c % DIMS.length];
  const G = 1 + rng.int(2);
  return { B: 1 + rng.int(2), T, H: G * (1 + rng.int(2)), P, N, G, withState: c % 2 === 1 };
}

export interface SsdInputs {
  x: Float32Array;
  dt: Float32Array;
  A: Float32Array;
  Bm: Float32Array;
  C: Float32Array;
  D: Float32Array;
  /** The initial state. */
  state: Float32Array;
}

export function ssdInputs(rng: Rng, s: SsdSizes): SsdInputs {
  const { B, T, H, P, N, G } = s;
  const bc = B * T * G * N;
  return {
    x: rng.fillNormal(new Float32Array(B * T * H * P)),
    dt: new Float32Array(B * T * H).map(() => Math.exp(rng.uniform(Math.log(1e-3), Math.log(1)))),
    A: new Float32Array(H).map(() => -Math.exp(rng.uniform(0, Math.log(16)))),
    Bm: rng.fillNormal(new Float32Array(bc), 1 / Math.sqrt(N)),
    C: rng.fillNormal(new Float32Array(bc), 1 / Math.sqrt(N)),
    D: rng.fillNormal(new Float32Array(H)),
    state: rng.fillNormal(new Float32Array(B * H * P * N), 0.5),
  };
}
