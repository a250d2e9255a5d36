// SSD (Mamba-2) scan forward and decode step: sizes, f64 CPU reference, GPU kernel (ssd.wgsl).
// Per batch b and head h, with the group g of h sharing B and C, a state H (P × N):
//   H_t = exp(Δ_t A_h)·H_{t−1} + Δ_t x_t B_tᵀ,  y_t = H_t C_t + D_h x_t.
import type { Gpu } from '../gpu/device';
import type { KernelSource } from '../gpu/pipeline-cache';
import { rowsKernel } from './attention-rows';
import type { GpuStep } from './backend';
import { prepareDispatch, withScratch } from './dispatch';
import type { Floats } from './elementwise';
import { checkTensors, checkWholeSizes, forwardAndStep } from './recurrent';
import type { Tensor } from './tensor';
import common from './ssd-common.wgsl?raw';
import code from './ssd.wgsl?raw';

/** Largest head size P and state size N the kernels support (one invocation holds a row or column). */
export const SSD_MAX_DIM = 128;

export interface SsdSizes {
  B: number;
  T: number;
  /** Heads, head size (x channels per head), state size, B/C groups (G divides H). */
  H: number;
  P: number;
  N: number;
  G: number;
}

export interface SsdArgs extends SsdSizes {
  y: Tensor; // (B, T, H, P)
  x: Tensor; // (B, T, H, P)
  /** Δ > 0 (softplus already applied). */
  dt: Tensor; // (B, T, H)
  /** A < 0 per head. */
  A: Tensor; // (H)
  Bm: Tensor; // (B, T, G, N)
  C: Tensor; // (B, T, G, N)
  /** The skip y += D_h x. */
  D: Tensor; // (H)
  /** Initial state H_0 (zero when absent), overwritten with the final state H_T. */
  state?: Tensor; // (B, H, P, N)
}

/** One token of decode: the forward with T = 1, the state updated in place. */
export type SsdStepArgs = Omit<SsdArgs, 'T' | 'state'> & { state: Tensor };

type Vals = ArrayLike<number>;

/** The forward's arrays on the CPU (Float64Array for finite differences). */
export interface SsdArrays {
  y: Floats;
  x: Vals;
  dt: Vals;
  A: Vals;
  Bm: Vals;
  C: Vals;
  D: Vals;
  state?: Floats;
}

/** Bytes of the decode state of one SSD scan, H·P·N f32 per sequence (the conv state is separate). */
export function ssdStateBytes(H: number, P: number, N: number, B = 1): number {
  return B * H * P * N * 4;
}

/** Throws unless the sizes are whole and in range and every tensor holds what they imply. */
export function checkSsd(name: string, s: SsdSizes, sized: [Tensor | undefined, number][]): void {
  checkWholeSizes(name, { B: s.B, T: s.T, H: s.H, P: s.P, N: s.N, G: s.G });
  if (s.P > SSD_MAX_DIM || s.N > SSD_MAX_DIM)
    throw new Error(
      `${name}: P=${s.P}, N=${s.N}: both must be ≤ ${SSD_MAX_DIM} (use a smaller headDim or dState).`,
    );
  if (s.H % s.G !== 0) throw new Error(`${name}: groups G=${s.G} must divide the H=${s.H} heads.`);
  checkTensors(name, sized);
}

function checkForward(name: string, a: SsdArgs): void {
  const { B, T, H, P, N, G } = a;
  checkSsd(name, a, [
    [a.y, B * T * H * P],
    [a.x, B * T * H * P],
    [a.dt, B * T * H],
    [a.A, H],
    [a.Bm, B * T * G * N],
    [a.C, B * T * G * N],
    [a.D, H],
    [a.state, B * H * P * N],
  ]);
}

/** The group of head h: heads of a group are contiguous (mamba_ssm). */
export const groupOf = (s: Pick<SsdSizes, 'H' | 'G'>, h: number): number => Math.floor(h / (s.H / s.G));

/** Plain-loop reference of the forward (f64 arithmetic). */
export function ssdRef(x: SsdArrays, s: SsdSizes): void {
  const { B, T, H, P, N, G } = s;
  const S = new Float64Array(P * N);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const bh = b * H + h;
      const g = groupOf(s, h);
      for (let e = 0; e < P * N; e++) S[e] = x.state ? x.state[bh * P * N + e] : 0;
      for (let t = 0; t < T; t++) {
        const r = (b * T + t) * H + h;
        const bc = ((b * T + t) * G + g) * N;
        const a = Math.exp(x.dt[r] * x.A[h]);
        for (let p = 0; p < P; p++) {
          const u = x.dt[r] * x.x[r * P + p];
          let acc = 0;
          for (let n = 0; n < N; n++) {
            const e = p * N + n;
            S[e] = a * S[e] + u * x.Bm[bc + n];
            acc += S[e] * x.C[bc + n];
          }
          x.y[r * P + p] = acc + x.D[h] * x.x[r * P + p];
        }
      }
      if (x.state) x.state.set(S, bh * P * N);
    }
  }
}

/**
 * An SSD kernel whose register vectors have `dim` elements: the shared prelude, private arrays of exactly
 * ⌈dim/4⌉ vec4s, `c < NV` loops unrolled.
 */
export function ssdKernel(name: string, body: string, s: SsdSizes, dim: number, wg: number): KernelSource {
  const nv = Math.ceil(dim / 4);
  const k = rowsKernel(name, (common + body).replace('NV_PLACEHOLDER', `${nv}u`), dim);
  return {
    ...k,
    constants: { NV: nv, WG: wg, VEC_N: s.N % 4 === 0 ? 1 : 0, VEC_P: s.P % 4 === 0 ? 1 : 0 },
  };
}

export function prepareSsd(gpu: Gpu, a: SsdArgs, name = 'ssdScan'): GpuStep {
  const { T, H, P, N, G } = a;
  checkForward(name, a);
  // An absent state is bound to a 16-byte stand-in (writable bindings must not alias).
  const standIn = a.state ? [] : [gpu.pool.acquire(16, `${name} unused state`)];
  const step = prepareDispatch(gpu, {
    kernel: ssdKernel(name, code, a, N, P),
    buffers: [a.y, a.state ?? standIn[0], a.D, a.x, a.dt, a.A, a.Bm, a.C],
    u32: [T, H, P, N, G, a.state ? 1 : 0],
    workgroups: [H, a.B],
  });
  return withScratch(gpu, [step], standIn);
}

const arrays = (a: SsdArgs): SsdArrays => ({
  y: a.y.f32,
  x: a.x.f32,
  dt: a.dt.f32,
  A: a.A.f32,
  Bm: a.Bm.f32,
  C: a.C.f32,
  D: a.D.f32,
  state: a.state?.f32,
});

export const { forward: ssdScan, step: ssdStep } = forwardAndStep<SsdArgs, SsdStepArgs>({
  names: ['ssdScan', 'ssdStep'],
  check: checkForward,
  ref: (a) => ssdRef(arrays(a), a),
  prepare: prepareSsd,
  /** The step as the forward over one token. */
  stepArgs: (a) => ({ ...a, T: 1 }),
});
