// GPU FFTs for the long convolution (long-conv.ts): real columns of a (B, T, C) activation (or a
// (T, C) filter, B = 1) zero-padded to N = 2^⌈log₂ 2T⌉ complex points, so that circular convolution
// of length N equals the causal linear one on rows t < T. N ≤ maxSharedN runs as one dispatch per
// transform in workgroup memory; longer transforms take one dispatch per radix-4/2 Stockham stage
// over global buffers. Spectra are (sequences, N) complex f32 pairs.
import type { Gpu } from '../gpu/device';
import type { KernelSource } from '../gpu/pipeline-cache';
import type { GpuStep } from './backend';
import { grid, prepareDispatch } from './dispatch';
import type { Tensor } from './tensor';
import common from './long-conv-common.wgsl?raw';
import butterfly from './long-conv-butterfly.wgsl?raw';
import sharedCode from './long-conv-fft-shared.wgsl?raw';
import globalCode from './long-conv-fft-global.wgsl?raw';
import spectralCode from './long-conv-spectral.wgsl?raw';

/** The longest transform held in workgroup memory (MAX_N in long-conv-fft-shared.wgsl). */
export const SHARED_MAX_N = 1024;

/** The FFT length of a causal convolution over T steps: a power of two ≥ 2T. */
export function fftLength(T: number): number {
  return 2 ** Math.ceil(Math.log2(2 * T));
}

/** Radices of the Stockham stages: 4 while it divides what is left, then one 2 when log₂N is odd. */
export function fftRadices(N: number): number[] {
  const stages: number[] = [];
  for (let n = 1; n < N;) {
    const r = n * 4 <= N ? 4 : 2;
    stages.push(r);
    n *= r;
  }
  return stages;
}

export interface FftPlan {
  T: number;
  C: number;
  N: number;
  /** Whether transforms run in workgroup memory (one dispatch) or as global passes. */
  shared: boolean;
}

/** The plan, its twiddle table and the scratch spectra of one op, released with its step. */
export class FftScratch {
  readonly held: GPUBuffer[] = [];
  readonly twiddles: GPUBuffer;

  constructor(
    readonly gpu: Gpu,
    readonly plan: FftPlan,
  ) {
    const { N } = plan;
    const table = new Float32Array(2 * N);
    for (let j = 0; j < N; j++)
      [table[2 * j], table[2 * j + 1]] = [Math.cos((2 * Math.PI * j) / N), Math.sin((2 * Math.PI * j) / N)];
    this.twiddles = this.buffer(table.byteLength, 'twiddles');
    gpu.device.queue.writeBuffer(this.twiddles, 0, table);
  }

  private buffer(bytes: number, label: string): GPUBuffer {
    this.held.push(this.gpu.pool.acquire(bytes, `longConv ${label}`));
    return this.held[this.held.length - 1];
  }

  /** A spectrum of n sequences. */
  spectrum(n: number, label: string): GPUBuffer {
    return this.buffer(n * this.plan.N * 8, label);
  }
}

export function fftPlan(T: number, C: number, maxSharedN = SHARED_MAX_N): FftPlan {
  if (!(maxSharedN >= 2 && maxSharedN <= SHARED_MAX_N))
    throw new Error(`longConv: maxSharedN = ${maxSharedN} must be in [2, ${SHARED_MAX_N}].`);
  const N = fftLength(T);
  return { T, C, N, shared: N <= maxSharedN };
}

const src = (name: string, code: string, entry: string): KernelSource => ({
  name: `longConv.${name}`,
  code: common + butterfly + code,
  entry,
});

/**
 * A workgroup-memory FFT: one workgroup of N/4 invocations (one radix-4 butterfly each, within
 * [32, 256]); idle invocations would still pay for every barrier.
 */
const sharedSrc = (plan: FftPlan, name: string, entry: string): KernelSource => ({
  ...src(name, sharedCode, entry),
  constants: { WG: Math.min(256, Math.max(32, plan.N / 4)) },
});

interface Uniforms {
  nSeq: number;
  flag?: number;
  Ns?: number;
  nb?: number;
  radix?: number;
  scale?: number;
}

function uniforms(plan: FftPlan, u: Uniforms): { u32: number[]; f32: number[] } {
  const { T, C, N } = plan;
  return {
    u32: [T, C, N, u.nSeq, u.flag ?? 0, u.Ns ?? 0, u.nb ?? 1, u.radix ?? 0],
    f32: [u.scale ?? 1],
  };
}

type Buf = Tensor | GPUBuffer;

/** Global Stockham stages from `from`, ping-ponging with `other`; returns the steps and where the result is. */
function globalStages(
  f: FftScratch,
  nSeq: number,
  sign: number,
  from: GPUBuffer,
  other: GPUBuffer,
): { steps: GpuStep[]; result: GPUBuffer } {
  const { gpu, plan } = f;
  const steps: GpuStep[] = [];
  let [a, b] = [from, other];
  let Ns = 1;
  for (const radix of fftRadices(plan.N)) {
    steps.push(
      prepareDispatch(gpu, {
        kernel: src('stage', globalCode, 'stage'),
        buffers: [b, a, f.twiddles],
        ...uniforms(plan, { nSeq, Ns, radix, scale: sign }),
        workgroups: grid((nSeq * plan.N) / radix, 256),
      }),
    );
    [a, b] = [b, a];
    Ns *= radix;
  }
  return { steps, result: a };
}

/**
 * spectrum ← FFT of the nSeq real columns of x (zero-padded). The global path needs `temp` (the
 * spectrum's size): the load goes to whichever buffer makes the last stage land in `spectrum`.
 */
export function forwardFft(
  f: FftScratch,
  spectrum: GPUBuffer,
  x: Tensor,
  nSeq: number,
  temp?: GPUBuffer,
): GpuStep[] {
  const { gpu, plan } = f;
  if (plan.shared) {
    return [
      prepareDispatch(gpu, {
        kernel: sharedSrc(plan, 'forwardShared', 'forwardReal'),
        buffers: [spectrum, x, f.twiddles],
        ...uniforms(plan, { nSeq }),
        workgroups: grid(nSeq, 1),
      }),
    ];
  }
  if (!temp) throw new Error('longConv: the multi-pass FFT needs a temporary spectrum buffer.');
  const odd = fftRadices(plan.N).length % 2 === 1;
  const [first, second] = odd ? [temp, spectrum] : [spectrum, temp];
  const load = prepareDispatch(gpu, {
    kernel: src('loadReal', globalCode, 'loadReal'),
    buffers: [first, x],
    ...uniforms(plan, { nSeq }),
    workgroups: grid(nSeq * plan.N, 256),
  });
  return [load, ...globalStages(f, nSeq, -1, first, second).steps];
}

/** out (+)= the real part of the inverse FFT of `spectrum` (clobbered), rows t < T of nSeq columns. */
export function inverseFft(
  f: FftScratch,
  out: Tensor,
  spectrum: GPUBuffer,
  nSeq: number,
  accumulate: boolean,
  temp?: GPUBuffer,
): GpuStep[] {
  const { gpu, plan } = f;
  const u = { nSeq, flag: accumulate ? 1 : 0, scale: 1 / plan.N };
  if (plan.shared) {
    return [
      prepareDispatch(gpu, {
        kernel: sharedSrc(plan, 'inverseShared', 'inverseReal'),
        buffers: [out, spectrum, f.twiddles],
        ...uniforms(plan, u),
        workgroups: grid(nSeq, 1),
      }),
    ];
  }
  if (!temp) throw new Error('longConv: the multi-pass FFT needs a temporary spectrum buffer.');
  const { steps, result } = globalStages(f, nSeq, 1, spectrum, temp);
  const store = prepareDispatch(gpu, {
    kernel: src('storeReal', globalCode, 'storeReal'),
    buffers: [out, result],
    ...uniforms(plan, u),
    workgroups: grid(nSeq * plan.T, 256),
  });
  return [...steps, store];
}

/** x[s, k] ← x[s, k] · H[s mod C, k] (conj(H) for a correlation) for nSeq sequences, in place. */
export function applyFilter(
  { gpu, plan }: FftScratch,
  x: GPUBuffer,
  H: GPUBuffer,
  nSeq: number,
  conjugate: boolean,
): GpuStep {
  return prepareDispatch(gpu, {
    kernel: src('applyFilter', spectralCode, 'applyFilter'),
    buffers: [x, H],
    ...uniforms(plan, { nSeq, flag: conjugate ? 1 : 0 }),
    workgroups: grid(nSeq * plan.N, 256),
  });
}

/** G[c, k] = Σ_b conj(U[b, c, k]) · D[b, c, k]: the filter gradient's spectrum, batch summed in order. */
export function crossSum({ gpu, plan }: FftScratch, G: Buf, U: Buf, D: Buf, B: number): GpuStep {
  return prepareDispatch(gpu, {
    kernel: src('crossSum', spectralCode, 'crossSum'),
    buffers: [G, U, D],
    ...uniforms(plan, { nSeq: plan.C, nb: B }),
    workgroups: grid(plan.C * plan.N, 256),
  });
}
