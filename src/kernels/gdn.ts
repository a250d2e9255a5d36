// Gated DeltaNet recurrence forward and decode step: sizes, f64 CPU reference, GPU kernel (gdn.wgsl).
import type { Gpu } from '../gpu/device';
import type { KernelSource } from '../gpu/pipeline-cache';
import { rowsKernel } from './attention-rows';
import type { GpuStep } from './backend';
import { prepareDispatch, withScratch } from './dispatch';
import type { Floats } from './elementwise';
import {
  checkChunked,
  fixedChunking,
  forwardAndStep,
  type Chunking,
  type MatrixStateSizes,
} from './recurrent';
import type { Tensor } from './tensor';
import common from './gdn-common.wgsl?raw';
import code from './gdn.wgsl?raw';

/** Widest key and value heads the kernels support (`MAX_NV` vec4s per column; one invocation per column). */
export const GDN_MAX_D = 128;

export type GdnSizes = MatrixStateSizes;

export interface GdnArgs extends GdnSizes {
  o: Tensor; // (B, T, H, Dv)
  /** Queries and keys, already L2-normalised (q also scaled). */
  q: Tensor; // (B, T, H, Dk)
  k: Tensor; // (B, T, H, Dk)
  v: Tensor; // (B, T, H, Dv)
  /** β ∈ (0, 2). */
  beta: Tensor; // (B, T, H)
  /** Log-decay g ≤ 0, α = exp(g). */
  g: Tensor; // (B, T, H)
  /** The state at the start of every chunk, saved for the backward. */
  chunkStates?: Tensor; // (B, H, nChunks, Dk, Dv)
  /** Initial state S_0 (zero when absent), overwritten with the final state S_T. */
  state?: Tensor; // (B, H, Dk, Dv)
}

/** One token of decode: the forward with T = 1, the state updated in place. */
export type GdnStepArgs = Omit<GdnArgs, 'T' | 'chunk' | 'chunkStates' | 'state'> & { state: Tensor };

type Vals = ArrayLike<number>;

/** The forward's arrays on the CPU (Float64Array for finite differences). */
export interface GdnArrays {
  o: Floats;
  q: Vals;
  k: Vals;
  v: Vals;
  beta: Vals;
  g: Vals;
  chunkStates?: Floats;
  state?: Floats;
}

export function gdnChunking(s: Pick<GdnSizes, 'T' | 'chunk'>): Chunking {
  return fixedChunking('gdn', s);
}

/** Bytes of the decode state of one GDN recurrence, H·Dk·Dv f32 per sequence (conv states are separate). */
export function gdnStateBytes(H: number, Dk: number, Dv: number, B = 1): number {
  return B * H * Dk * Dv * 4;
}

/**
 * Throws unless the sizes are whole and in range and every tensor holds what they imply (`sized`
 * lists tensor and element count, given the chunk count); returns the chunking.
 */
export function checkGdn(
  name: string,
  s: GdnSizes,
  sized: (nChunks: number) => [Tensor | undefined, number][],
): Chunking {
  return checkChunked(
    name,
    { B: s.B, T: s.T, H: s.H, Dk: s.Dk, Dv: s.Dv },
    s.Dk > GDN_MAX_D || s.Dv > GDN_MAX_D ? `Dk=${s.Dk}, Dv=${s.Dv}: both must be ≤ ${GDN_MAX_D}.` : null,
    () => gdnChunking(s),
    sized,
  );
}

function checkForward(name: string, a: GdnArgs): { chunk: number; nChunks: number } {
  const { B, T, H, Dk, Dv } = a;
  return checkGdn(name, a, (nChunks) => [
    [a.o, B * T * H * Dv],
    [a.q, B * T * H * Dk],
    [a.k, B * T * H * Dk],
    [a.v, B * T * H * Dv],
    [a.beta, B * T * H],
    [a.g, B * T * H],
    [a.chunkStates, B * H * nChunks * Dk * Dv],
    [a.state, B * H * Dk * Dv],
  ]);
}

/** Plain-loop reference of the forward (f64 arithmetic). */
export function gdnRef(x: GdnArrays, s: GdnSizes): void {
  const { B, T, H, Dk, Dv } = s;
  const { chunk, nChunks } = gdnChunking(s);
  const S = new Float64Array(Dk * Dv);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const bh = b * H + h;
      for (let e = 0; e < Dk * Dv; e++) S[e] = x.state ? x.state[bh * Dk * Dv + e] : 0;
      for (let t = 0; t < T; t++) {
        if (x.chunkStates && t % chunk === 0) x.chunkStates.set(S, (bh * nChunks + t / chunk) * Dk * Dv);
        const r = (b * T + t) * H + h;
        const a = Math.exp(x.g[r]);
        for (let j = 0; j < Dv; j++) {
          let u = 0;
          for (let i = 0; i < Dk; i++) u += (S[i * Dv + j] *= a) * x.k[r * Dk + i];
          const vp = x.beta[r] * (x.v[r * Dv + j] - u);
          let acc = 0;
          for (let i = 0; i < Dk; i++) acc += (S[i * Dv + j] += x.k[r * Dk + i] * vp) * x.q[r * Dk + i];
          x.o[r * Dv + j] = acc;
        }
      }
      if (x.state) x.state.set(S, bh * Dk * Dv);
    }
  }
}

/** A GDN kernel for these sizes: the shared prelude, `c < NV` loops unrolled, and the overrides. */
export function gdnKernel(name: string, body: string, s: GdnSizes, chunk: number): KernelSource {
  const k = rowsKernel(name, common + body, s.Dk);
  return { ...k, constants: { NV: Math.ceil(s.Dk / 4), CHUNK: chunk, WG: s.Dv } };
}

export function prepareGdn(gpu: Gpu, a: GdnArgs, name = 'gdnRecurrence'): GpuStep {
  const { T, H, Dk, Dv } = a;
  const { chunk, nChunks } = checkForward(name, a);
  // Absent outputs are bound to 16-byte stand-ins (writable bindings must not alias).
  const scratch: GPUBuffer[] = [];
  const orStandIn = (t: Tensor | undefined): Tensor | GPUBuffer => {
    if (t) return t;
    scratch.push(gpu.pool.acquire(16, `${name} unused output`));
    return scratch[scratch.length - 1];
  };
  const step = prepareDispatch(gpu, {
    kernel: gdnKernel(name, code, a, chunk),
    buffers: [a.o, orStandIn(a.chunkStates), orStandIn(a.state), a.q, a.k, a.v, a.beta, a.g],
    u32: [T, H, Dk, Dv, nChunks, (a.state ? 1 : 0) | (a.chunkStates ? 2 : 0)],
    workgroups: [H, a.B],
  });
  return withScratch(gpu, [step], scratch);
}

const arrays = (a: GdnArgs): GdnArrays => ({
  o: a.o.f32,
  q: a.q.f32,
  k: a.k.f32,
  v: a.v.f32,
  beta: a.beta.f32,
  g: a.g.f32,
  chunkStates: a.chunkStates?.f32,
  state: a.state?.f32,
});

export const { forward: gdnRecurrence, step: gdnStep } = forwardAndStep<GdnArgs, GdnStepArgs>({
  names: ['gdnRecurrence', 'gdnStep'],
  check: checkForward,
  ref: (a) => gdnRef(arrays(a), a),
  prepare: prepareGdn,
  /** The step as the forward over one token (one chunk of one step). */
  stepArgs: (a) => ({ ...a, T: 1, chunk: 1 }),
});
