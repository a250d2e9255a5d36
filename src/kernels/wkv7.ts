// RWKV-7 WKV recurrence (the generalised delta rule) forward and decode step: sizes, f64 CPU reference,
// GPU kernels (wkv7-pack.wgsl, then wkv7.wgsl). Per head, state S (N × N, V×K layout), with α = −κ and
// β = κ ⊙ a:  S_t = S_{t−1} diag(w_t) + (S_{t−1} α_t) β_tᵀ + v_t k_tᵀ,  y_t = S_t r_t  (LAYERS.md).
import type { Gpu } from '../gpu/device';
import type { KernelSource } from '../gpu/pipeline-cache';
import { rowsKernel } from './attention-rows';
import type { GpuStep } from './backend';
import { grid, prepareDispatch, withScratch } from './dispatch';
import type { Floats } from './elementwise';
import { checkChunked, fixedChunking, forwardAndStep, type Chunking } from './recurrent';
import type { Tensor } from './tensor';
import common from './wkv7-common.wgsl?raw';
import packCode from './wkv7-pack.wgsl?raw';
import code from './wkv7.wgsl?raw';

/** Widest head the kernels support (`MAX_NV` vec4s per state row; one invocation per row). */
export const WKV7_MAX_N = 128;

export interface Wkv7Sizes {
  B: number;
  T: number;
  H: number;
  /** Head size: the state is N × N per head. */
  N: number;
  /** Time steps per chunk (default 16). Fixes the layout of chunkStates. */
  chunk?: number;
}

/** The six per-step inputs, each (B, T, H, N). */
export interface Wkv7Inputs<V> {
  /** Receptance (the query). */
  r: V;
  /** Log of the decay w ∈ (0, 1): log w ≤ 0. */
  logw: V;
  k: V;
  v: V;
  /** κ: the removal key, unit norm per head. */
  kk: V;
  /** In-context learning rate a ∈ (0, 1). */
  a: V;
}

export interface Wkv7Args extends Wkv7Sizes, Wkv7Inputs<Tensor> {
  y: Tensor; // (B, T, H, N)
  /** sa_t = S_{t−1} α_t per step, saved for the backward. */
  sa?: Tensor; // (B, T, H, N)
  /** The state at the start of every chunk, saved for the backward. */
  chunkStates?: Tensor; // (B, H, nChunks, N, N)
  /** Initial state S_0 (zero when absent), overwritten with the final state S_T. */
  state?: Tensor; // (B, H, N, N)
}

/** One token of decode: the forward with T = 1, the state updated in place. */
export type Wkv7StepArgs = Omit<Wkv7Args, 'T' | 'chunk' | 'chunkStates' | 'sa' | 'state'> & { state: Tensor };

type Vals = ArrayLike<number>;

/** The forward's arrays on the CPU (Float64Array for finite differences). */
export interface Wkv7Arrays extends Wkv7Inputs<Vals> {
  y: Floats;
  sa?: Floats;
  chunkStates?: Floats;
  state?: Floats;
}

export const WKV7_INPUTS = ['r', 'logw', 'k', 'v', 'kk', 'a'] as const;

export function wkv7Chunking(s: Pick<Wkv7Sizes, 'T' | 'chunk'>): Chunking {
  return fixedChunking('wkv7', s);
}

/** Bytes of the decode state of one WKV-7 recurrence, H·N² f32 per sequence (token shifts are separate). */
export function wkv7StateBytes(H: number, N: number, B = 1): number {
  return B * H * N * N * 4;
}

/**
 * Throws unless the sizes are whole and in range and every tensor holds what they imply (`sized`
 * lists tensor and element count, given the chunk count); returns the chunking.
 */
export function checkWkv7(
  name: string,
  s: Wkv7Sizes,
  sized: (nChunks: number) => [Tensor | undefined, number][],
): Chunking {
  return checkChunked(
    name,
    { B: s.B, T: s.T, H: s.H, N: s.N },
    s.N > WKV7_MAX_N ? `head size N=${s.N} must be ≤ ${WKV7_MAX_N}.` : null,
    () => wkv7Chunking(s),
    sized,
  );
}

function checkForward(name: string, a: Wkv7Args): { chunk: number; nChunks: number } {
  const { B, T, H, N } = a;
  const rows = B * T * H * N;
  return checkWkv7(name, a, (nChunks) => [
    ...[a.y, a.sa, ...WKV7_INPUTS.map((key) => a[key])].map((t): [Tensor | undefined, number] => [t, rows]),
    [a.chunkStates, B * H * nChunks * N * N],
    [a.state, B * H * N * N],
  ]);
}

/** Plain-loop reference of the forward (f64 arithmetic). */
export function wkv7Ref(x: Wkv7Arrays, s: Wkv7Sizes): void {
  const { B, T, H, N } = s;
  const { chunk, nChunks } = wkv7Chunking(s);
  const S = new Float64Array(N * N); // S[i·N + j]
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const bh = b * H + h;
      for (let e = 0; e < N * N; e++) S[e] = x.state ? x.state[bh * N * N + e] : 0;
      for (let t = 0; t < T; t++) {
        if (x.chunkStates && t % chunk === 0) x.chunkStates.set(S, (bh * nChunks + t / chunk) * N * N);
        const o = ((b * T + t) * H + h) * N;
        for (let i = 0; i < N; i++) {
          let sa = 0;
          for (let j = 0; j < N; j++) sa -= S[i * N + j] * x.kk[o + j];
          let y = 0;
          for (let j = 0; j < N; j++) {
            const e = i * N + j;
            S[e] = S[e] * Math.exp(x.logw[o + j]) + sa * x.kk[o + j] * x.a[o + j] + x.v[o + i] * x.k[o + j];
            y += S[e] * x.r[o + j];
          }
          x.y[o + i] = y;
          if (x.sa) x.sa[o + i] = sa;
        }
      }
      if (x.state) x.state.set(S, bh * N * N);
    }
  }
}

/** A WKV-7 recurrence kernel for these sizes: the shared prelude, `c < NV` loops unrolled, and overrides. */
export function wkv7Kernel(name: string, body: string, s: Wkv7Sizes, chunk: number): KernelSource {
  const k = rowsKernel(name, common + body, s.N);
  return { ...k, constants: { NV: Math.ceil(s.N / 4), CHUNK: chunk, WG: s.N } };
}

/** The pack step: (B·T·H, 6, N) rows of r, w = exp(log w), k, v, κ, a in a pool buffer the caller releases. */
export function prepareWkv7Pack(
  gpu: Gpu,
  a: Wkv7Sizes & Wkv7Inputs<Tensor>,
  name: string,
): { step: GpuStep; packed: GPUBuffer } {
  const count = a.B * a.T * a.H * a.N;
  const packed = gpu.pool.acquire(count * 6 * 4, `${name} packed inputs`);
  const step = prepareDispatch(gpu, {
    kernel: { name: 'wkv7Pack', code: packCode },
    buffers: [packed, ...WKV7_INPUTS.map((key) => a[key])],
    u32: [count, a.N],
    workgroups: grid(count, 256),
  });
  return { step, packed };
}

export function prepareWkv7(gpu: Gpu, a: Wkv7Args, name = 'wkv7'): GpuStep {
  const { T, H, N } = a;
  const { chunk, nChunks } = checkForward(name, a);
  const pack = prepareWkv7Pack(gpu, a, name);
  // Absent outputs are bound to 16-byte stand-ins (writable bindings must not alias).
  const scratch: GPUBuffer[] = [pack.packed];
  const orStandIn = (t: Tensor | undefined): Tensor | GPUBuffer => {
    if (t) return t;
    scratch.push(gpu.pool.acquire(16, `${name} unused output`));
    return scratch[scratch.length - 1];
  };
  const flags = (a.state ? 1 : 0) | (a.chunkStates ? 2 : 0) | (a.sa ? 4 : 0);
  const step = prepareDispatch(gpu, {
    kernel: wkv7Kernel(name, code, a, chunk),
    buffers: [a.y, orStandIn(a.chunkStates), orStandIn(a.state), orStandIn(a.sa), pack.packed],
    u32: [T, H, N, nChunks, flags],
    workgroups: [H, a.B],
  });
  return withScratch(gpu, [pack.step, step], scratch);
}

const arrays = (a: Wkv7Args): Wkv7Arrays => ({
  y: a.y.f32,
  r: a.r.f32,
  logw: a.logw.f32,
  k: a.k.f32,
  v: a.v.f32,
  kk: a.kk.f32,
  a: a.a.f32,
  sa: a.sa?.f32,
  chunkStates: a.chunkStates?.f32,
  state: a.state?.f32,
});

export const { forward: wkv7, step: wkv7Step } = forwardAndStep<Wkv7Args, Wkv7StepArgs>({
  names: ['wkv7', 'wkv7Step'],
  check: checkForward,
  ref: (a) => wkv7Ref(arrays(a), a),
  prepare: prepareWkv7,
  /** The step as the forward over one token (one chunk of one step). */
  stepArgs: (a) => ({ ...a, T: 1, chunk: 1 }),
});
