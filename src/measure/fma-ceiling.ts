// The adapter's arithmetic ceiling: GFLOP/s of an FMA-only kernel (fma-ceiling.wgsl) with
// independent chains per invocation and no memory traffic. Six variants — vec2 / vec4 / 2×vec4
// pairs of chains, fma() or a·b + c (CPU emulation lowers them differently and has few registers)
// — are each calibrated by growing the work until one run takes `targetMs`, then timed together
// with the protocol of timing.ts (alternated, ≥ 5 runs, medians). The ceiling is the fastest
// variant. Every variant's output is first checked against a CPU replay, so no work was dropped.
import type { Gpu } from '../gpu/device';
import { prepareDispatch } from '../kernels/dispatch';
import { gflops, gpuContender, timeAlternating, type Sample } from './timing';
import code from './fma-ceiling.wgsl?raw';

/** Fused multiply-adds per invocation per loop round, in every variant. */
export const FMAS_PER_ROUND = 64;
const WG = 64;
const C = Math.fround(0.249);
const f = Math.fround;

/** Entry points of fma-ceiling.wgsl: one vec2 pair, one vec4 pair, two vec4 pairs. */
export type FmaShape = 'pair2' | 'pair4' | 'pairs8';

export interface FmaVariantSpec {
  shape: FmaShape;
  fused: boolean;
}

export const FMA_VARIANTS: readonly FmaVariantSpec[] = (['pair2', 'pair4', 'pairs8'] as const).flatMap(
  (shape) => [
    { shape, fused: true },
    { shape, fused: false },
  ],
);

export interface FmaVariant extends FmaVariantSpec {
  name: string;
  iters: number;
  gflops: number;
  sample: Sample;
}

export interface FmaCeiling {
  /** The fastest variant, GFLOP/s (one FMA = 2 FLOP). */
  gflops: number;
  best: string;
  variants: FmaVariant[];
  invocations: number;
  /** Every variant's output matched the CPU replay (otherwise fmaCeiling throws). */
  verified: true;
}

export function variantName(v: FmaVariantSpec): string {
  return `${v.shape} ${v.fused ? 'fma()' : 'a*b+c'}`;
}

/** CPU replay of one invocation's output vec4, in f32 arithmetic. */
export function fmaReference(gid: number, iters: number, spec: FmaVariantSpec): Float32Array {
  const seed = f((gid & 63) * (1 / 64));
  // a*b is exact in double (24 × 24 bits), so f(a*b + c) differs from a true fma only in rare
  // double-rounding cases; the contraction of the recurrence keeps such ulps from growing.
  const g = spec.fused ? (a: number, b: number) => f(a * b + C) : (a: number, b: number) => f(f(a * b) + C);
  const lanes = spec.shape === 'pair2' ? [0, 0.5] : [0, 0.25, 0.5, 0.75];
  const pairs = spec.shape === 'pairs8' ? 2 : 1;
  const steps = (iters * FMAS_PER_ROUND) / (2 * lanes.length * pairs);
  const xs: number[][] = [];
  const ys: number[][] = [];
  for (let q = 0; q < pairs; q++) {
    const s = f(seed + q * 0.125);
    xs.push(lanes.map((l) => f(f(l + s) * 0.25)));
    ys.push(xs[q].map((x) => f(x + 0.03125)));
  }
  for (let i = 0; i < steps; i++) {
    for (let q = 0; q < pairs; q++) {
      const x = xs[q];
      const y = ys[q];
      for (let j = 0; j < x.length; j++) {
        x[j] = g(x[j], y[j]);
        y[j] = g(y[j], x[j]);
      }
    }
  }
  if (spec.shape === 'pair2') return new Float32Array([...xs[0], ...ys[0]]);
  const sum = (q: number, j: number) => f(xs[q][j] + ys[q][j]);
  return new Float32Array(lanes.map((_, j) => (pairs === 1 ? sum(0, j) : f(sum(0, j) + sum(1, j)))));
}

/** A prepared FMA dispatch whose round count can change between runs. */
export class FmaKernel {
  readonly invocations: number;
  private readonly out: GPUBuffer;
  private readonly step;
  private released = false;

  constructor(
    private readonly gpu: Gpu,
    readonly spec: FmaVariantSpec,
    groups = 4096,
  ) {
    this.invocations = groups * WG;
    this.out = gpu.pool.acquire(this.invocations * 16, 'fma ceiling out');
    this.step = prepareDispatch(gpu, {
      kernel: {
        name: 'fma-ceiling',
        code,
        entry: spec.shape,
        constants: { WG, FUSED: spec.fused ? 1 : 0 },
      },
      buffers: [this.out],
      u32: [1],
      workgroups: [groups],
    });
  }

  setIters(iters: number): void {
    this.gpu.device.queue.writeBuffer(this.step.params, 0, new Uint32Array([iters]));
  }

  /** Encodes and submits one dispatch (does not wait). */
  submit(): void {
    const enc = this.gpu.device.createCommandEncoder({ label: 'fma ceiling' });
    const pass = enc.beginComputePass();
    this.step.encode(pass);
    pass.end();
    this.gpu.device.queue.submit([enc.finish()]);
  }

  flops(iters: number): number {
    return 2 * FMAS_PER_ROUND * iters * this.invocations;
  }

  /** Reads the first `n` output vec4s. */
  async read(n: number): Promise<Float32Array> {
    const { device } = this.gpu;
    const bytes = n * 16;
    const staging = device.createBuffer({
      size: bytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(this.out, 0, staging, 0, bytes);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const data = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    return data;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.gpu.pool.release(this.out);
    this.step.params.destroy();
  }
}

/** Runs `iters` rounds once; compares the first `check` invocations with the CPU replay. */
export async function checkFma(kernel: FmaKernel, iters: number, check = 96): Promise<string | null> {
  kernel.setIters(iters);
  kernel.submit();
  const got = await kernel.read(check);
  for (let g = 0; g < check; g++) {
    const ref = fmaReference(g, iters, kernel.spec);
    for (let j = 0; j < 4; j++) {
      const a = got[g * 4 + j];
      if (!(Math.abs(a - ref[j]) <= 1e-5 * Math.abs(ref[j]) + 1e-6))
        return `fma ceiling (${variantName(kernel.spec)}): invocation ${g} lane ${j} got ${a}, CPU ${ref[j]} after ${iters} rounds`;
    }
  }
  return null;
}

/** Grows the rounds (single runs, not the protocol) until one run takes `targetMs`. */
async function calibrate(gpu: Gpu, kernel: FmaKernel, targetMs: number): Promise<number> {
  let iters = 1;
  for (;;) {
    kernel.setIters(iters);
    await gpu.device.queue.onSubmittedWorkDone();
    const t0 = performance.now();
    kernel.submit();
    await gpu.device.queue.onSubmittedWorkDone();
    const ms = performance.now() - t0;
    if (ms >= targetMs || iters >= 1 << 24) return iters;
    iters *= Math.max(2, Math.min(16, Math.ceil(targetMs / Math.max(ms, 0.05))));
  }
}

export interface FmaCeilingOptions {
  /** Workgroups of 64 invocations. Default 4096 (262 144 invocations: enough for large GPUs). */
  groups?: number;
  /** Duration of one timed run. Default 150 ms on software adapters, 20 ms on GPUs. */
  targetMs?: number;
  runs?: number;
  warmup?: number;
}

/** Measures the FMA ceiling of the adapter behind `gpu`. */
export async function fmaCeiling(gpu: Gpu, o: FmaCeilingOptions = {}): Promise<FmaCeiling> {
  const targetMs = o.targetMs ?? (gpu.adapter.isSoftware ? 150 : 20);
  const kernels = FMA_VARIANTS.map((spec) => new FmaKernel(gpu, spec, o.groups));
  try {
    const iters: number[] = [];
    for (const k of kernels) {
      const error = await checkFma(k, 3);
      if (error) throw new Error(`${error}: the FMA kernel did not compute what the CPU computes.`);
      iters.push(await calibrate(gpu, k, targetMs));
      k.setIters(iters[iters.length - 1]);
    }
    const samples = await timeAlternating(
      kernels.map((k) => gpuContender(variantName(k.spec), gpu.device, () => k.submit())),
      { runs: o.runs, warmup: o.warmup },
    );
    const variants = samples.map((sample, i): FmaVariant => ({
      ...kernels[i].spec,
      name: sample.name,
      iters: iters[i],
      gflops: gflops(kernels[i].flops(iters[i]), sample.median),
      sample,
    }));
    const best = variants.reduce((a, b) => (b.gflops > a.gflops ? b : a));
    return {
      gflops: best.gflops,
      best: best.name,
      variants,
      invocations: kernels[0].invocations,
      verified: true,
    };
  } finally {
    for (const k of kernels) k.release();
  }
}
