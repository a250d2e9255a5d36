// Matmul benchmark: our kernel against TensorFlow.js's WebGPU backend on the same GPUDevice, for
// square C = A·B at each size, with the protocol of timing.ts (warm-up, alternated A B A B runs,
// medians, onSubmittedWorkDone). Inputs are uploaded before timing; each timed run makes a fresh
// output on both sides (ours from the pool, tfjs from its buffer manager) and no readback is timed.
// GFLOP/s are reported for both, with the ratio ours/theirs and the fraction of the FMA ceiling.
import type { AdapterDescription, Gpu } from '../gpu/device';
import { Rng } from '../data/rng';
import { GpuBackend } from '../kernels/gpu-backend';
import { matmul } from '../kernels/matmul';
import { fmaCeiling, type FmaCeiling } from './fma-ceiling';
import { openTfjsPeer } from './tfjs-peer';
import { gflops, gpuContender, timeAlternating, MIN_RUNS } from './timing';

export const DEFAULT_SIZES = [256, 512, 1024];

export interface MatmulBenchRow {
  kind: 'matmul';
  size: number;
  /** 2·M·N·K. */
  flops: number;
  oursMs: number;
  theirsMs: number;
  oursGflops: number;
  theirsGflops: number;
  /** ours / theirs in GFLOP/s (= their median time / ours). */
  ratio: number;
  /** GFLOP/s as a fraction of the FMA ceiling (null when the ceiling was not measured). */
  oursCeilingFraction: number | null;
  theirsCeilingFraction: number | null;
  oursTimesMs: number[];
  theirsTimesMs: number[];
  /** max |ours − theirs| / max |theirs|: both sides computed the same product. */
  relDiff: number;
}

export interface MatmulBenchResult {
  adapter: AdapterDescription;
  peer: { name: string; sharesDevice: boolean };
  ceiling: FmaCeiling | null;
  rows: MatmulBenchRow[];
  protocol: { warmup: number; runs: number; order: string; timing: string };
  seconds: number;
}

export interface MatmulBenchOptions {
  sizes?: number[];
  runs?: number;
  warmup?: number;
  /** Measure the FMA ceiling first (default true). */
  ceiling?: boolean;
  onCeiling?: (c: FmaCeiling) => void;
  onRow?: (row: MatmulBenchRow) => void;
}

async function readBuffer(device: GPUDevice, src: GPUBuffer, n: number): Promise<Float32Array> {
  const staging = device.createBuffer({
    size: n * 4,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, 0, staging, 0, n * 4);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  staging.destroy();
  return out;
}

function relDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return m > 0 ? d / m : d;
}

export async function benchMatmul(gpu: Gpu, o: MatmulBenchOptions = {}): Promise<MatmulBenchResult> {
  const t0 = performance.now();
  const sizes = o.sizes ?? DEFAULT_SIZES;
  const runs = o.runs ?? MIN_RUNS;
  const warmup = o.warmup ?? 1;
  const peer = await openTfjsPeer(gpu);
  if (!peer.sharesDevice) throw new Error('TensorFlow.js is not running on the benchmark device.');
  const ceiling = o.ceiling === false ? null : await fmaCeiling(gpu, { runs, warmup });
  if (ceiling) o.onCeiling?.(ceiling);
  const backend = new GpuBackend(gpu);
  const { device } = gpu;
  const rng = new Rng(2024);
  const rows: MatmulBenchRow[] = [];
  for (const n of sizes) {
    const a = rng.fillUniform(new Float32Array(n * n));
    const b = rng.fillUniform(new Float32Array(n * n));
    const ta = backend.alloc([n, n], 'bench A');
    const tb = backend.alloc([n, n], 'bench B');
    backend.write(ta, a);
    backend.write(tb, b);
    const pa = peer.matrix(a, n, n);
    const pb = peer.matrix(b, n, n);
    let ourOut: ReturnType<typeof backend.alloc> | null = null;
    let theirOut: ReturnType<typeof peer.matmul> | null = null;
    const ours = gpuContender(
      'strata',
      device,
      () => {
        ourOut = backend.alloc([n, n], 'bench C');
        backend.run([backend.op(matmul, { out: ourOut, a: ta, b: tb, M: n, N: n, K: n })]);
      },
      () => {
        if (ourOut) backend.free(ourOut);
        ourOut = null;
      },
    );
    const theirs = gpuContender(
      'tfjs',
      device,
      () => {
        theirOut = peer.matmul(pa, pb);
      },
      () => {
        theirOut?.dispose();
        theirOut = null;
      },
    );
    const [so, st] = await timeAlternating([ours, theirs], { runs, warmup });
    // Same work? Compare one more product from each side (untimed).
    const check = backend.alloc([n, n], 'bench check');
    backend.run([backend.op(matmul, { out: check, a: ta, b: tb, M: n, N: n, K: n })]);
    const mine = await readBuffer(device, check.gpu!, n * n);
    backend.free(check);
    const tc = peer.matmul(pa, pb);
    const theirsData = (await tc.data()) as Float32Array;
    tc.dispose();
    pa.dispose();
    pb.dispose();
    backend.free(ta);
    backend.free(tb);
    const flops = 2 * n * n * n;
    const og = gflops(flops, so.median);
    const tg = gflops(flops, st.median);
    const row: MatmulBenchRow = {
      kind: 'matmul',
      size: n,
      flops,
      oursMs: so.median,
      theirsMs: st.median,
      oursGflops: og,
      theirsGflops: tg,
      ratio: og / tg,
      oursCeilingFraction: ceiling ? og / ceiling.gflops : null,
      theirsCeilingFraction: ceiling ? tg / ceiling.gflops : null,
      oursTimesMs: so.times,
      theirsTimesMs: st.times,
      relDiff: relDiff(mine, theirsData),
    };
    if (!(row.relDiff < 1e-3))
      throw new Error(`matmul ${n}³: our result and TensorFlow.js's differ (relative ${row.relDiff}).`);
    rows.push(row);
    o.onRow?.(row);
  }
  return {
    adapter: gpu.adapter,
    peer: { name: peer.version, sharesDevice: peer.sharesDevice },
    ceiling,
    rows,
    protocol: {
      warmup,
      runs,
      order: 'A B A B (strata, tfjs)',
      timing: 'submit → queue.onSubmittedWorkDone()',
    },
    seconds: (performance.now() - t0) / 1000,
  };
}
