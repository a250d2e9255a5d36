// Fused selective scan vs the naive scan that materialises every state: time and peak-memory ratios.
import type { AdapterDescription, Gpu } from '../gpu/device';
import { Rng } from '../data/rng';
import type { Op } from '../kernels/backend';
import { GpuBackend } from '../kernels/gpu-backend';
import { selectiveScan, selectiveScanRef } from '../kernels/selective-scan';
import { scanChunking, scanPlan, type ScanPlan, type ScanSizes } from '../kernels/selective-scan-plan';
import { scanInputs } from '../kernels/selective-scan-cases';
import { selectiveScanNaive } from '../kernels/selective-scan-naive';
import type { Tensor } from '../kernels/tensor';
import { expectClose } from '../kernels/testing';
import { gpuContender, timeAlternating, MIN_RUNS } from './timing';

/** MEASURE.md's sizes: one Mamba layer of a small model at a long context. */
export const SCAN_BENCH_SIZES = { B: 1, T: 2048, dInner: 256, N: 16 } as const;
/** The goals: fused at least this many times faster, and with this many times less peak memory. */
export const SCAN_GOALS = { time: 5, memory: 8 } as const;

export interface ScanBenchResult {
  kind: 'scan';
  adapter: AdapterDescription;
  sizes: Required<ScanSizes>;
  /** How the fused kernel was planned for this adapter (selective-scan-plan.ts). */
  fusedPlan: ScanPlan;
  /** Medians (ms) and the timed runs, in order. `fused`: the training forward, which saves the
   *  chunk-start states for the backward; `fusedForward`: the inference forward (no chunk states,
   *  as the naive scan, which has no backward). */
  fusedMs: number;
  fusedForwardMs: number;
  naiveMs: number;
  fusedTimesMs: number[];
  fusedForwardTimesMs: number[];
  naiveTimesMs: number[];
  /** naive / fused (training forward). */
  timeRatio: number;
  /** naive / fusedForward: the same work on both sides. */
  timeRatioForward: number;
  /** Whole-op peak: live pool bytes of a run from nothing — inputs, y, and working storage (fused:
   *  the chunk-start states, or on GPUs' chunk-parallel plan the chunk starts and Δ sums it needs
   *  even when no backward follows; naive: the full state tensor). */
  fusedPeakBytes: number;
  fusedForwardPeakBytes: number;
  naivePeakBytes: number;
  /** naive / fused whole-op peaks (training forward), and the same with the inference forward. */
  memoryRatio: number;
  memoryRatioForward: number;
  /** Bytes every side holds in any case: x, Δ, A, Bm, C, Dskip and y. A whole-op peak ratio can be
   *  at most (ioBytes + naive state) / ioBytes. */
  ioBytes: number;
  /** Working storage beyond the inputs and y: each peak minus ioBytes. */
  fusedWorkingBytes: number;
  fusedForwardWorkingBytes: number;
  naiveWorkingBytes: number;
  goals: typeof SCAN_GOALS;
  protocol: { warmup: number; runs: number; order: string; timing: string; checked: string };
  seconds: number;
}

type Side = 'fused' | 'fusedForward' | 'naive';

/** Allocates the inputs and the side's outputs and prepares its op. */
function prepare(
  backend: GpuBackend,
  side: Side,
  data: Record<string, Float32Array>,
  s: Required<ScanSizes>,
) {
  const t: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(data)) {
    t[k] = backend.alloc([v.length], `scan bench ${k}`);
    backend.write(t[k], v);
  }
  const { B, T, dInner: D, N } = s;
  t.y = backend.alloc([B, T, D], `scan bench y (${side})`);
  const { x, delta, A, Bm, C, Dskip, y } = t;
  const args = { ...s, y, x, delta, A, Bm, C, Dskip };
  let op: Op;
  if (side === 'fused') {
    t.chunkStates = backend.alloc([B, scanChunking(s).nChunks, D, N], 'scan bench chunk states');
    op = backend.op(selectiveScan, { ...args, chunkStates: t.chunkStates });
  } else if (side === 'fusedForward') op = backend.op(selectiveScan, args);
  else op = backend.op(selectiveScanNaive, args);
  return {
    op,
    y,
    dispose() {
      backend.release([op]);
      Object.values(t).forEach((x) => backend.free(x));
    },
  };
}

export async function benchScan(
  gpu: Gpu,
  o: { runs?: number; warmup?: number; sizes?: Omit<ScanSizes, 'chunk'> } = {},
): Promise<ScanBenchResult> {
  const t0 = performance.now();
  const runs = o.runs ?? MIN_RUNS;
  const warmup = o.warmup ?? 1;
  const base = o.sizes ?? SCAN_BENCH_SIZES;
  const s = { ...base, chunk: scanChunking(base).chunk };
  const backend = new GpuBackend(gpu);
  const data = scanInputs(new Rng(2048), s);
  const y = new Float32Array(s.B * s.T * s.dInner);
  selectiveScanRef({ ...data, y }, s);
  const ioBytes = [...Object.values(data), y].reduce((n, v) => n + Math.ceil(v.length / 4) * 16, 0);

  // Peak bytes: each side alone, from the allocation of its inputs to the end of one run.
  const peak = async (side: Side) => {
    const live = gpu.pool.liveBytes;
    gpu.pool.resetPeak();
    const p = prepare(backend, side, data, s);
    backend.run([p.op]);
    await backend.sync();
    const bytes = gpu.pool.peakBytes - live;
    expectClose(await backend.read(p.y), y, {
      rtol: 1e-3,
      atol: 1e-4,
      label: `${side} scan vs the CPU reference`,
    });
    p.dispose();
    return bytes;
  };
  const fusedPeakBytes = await peak('fused');
  const fusedForwardPeakBytes = await peak('fusedForward');
  const naivePeakBytes = await peak('naive');

  const sides = (['fused', 'fusedForward', 'naive'] as const).map((side) => ({
    side,
    ...prepare(backend, side, data, s),
  }));
  const [fused, fusedForward, naive] = await timeAlternating(
    sides.map((p) => gpuContender(p.side, gpu.device, () => backend.run([p.op]))),
    { runs, warmup },
  );
  sides.forEach((p) => p.dispose());
  return {
    kind: 'scan',
    adapter: gpu.adapter,
    sizes: s,
    fusedPlan: scanPlan(s.N, gpu.adapter, 'forward'),
    fusedMs: fused.median,
    fusedForwardMs: fusedForward.median,
    naiveMs: naive.median,
    fusedTimesMs: fused.times,
    fusedForwardTimesMs: fusedForward.times,
    naiveTimesMs: naive.times,
    timeRatio: naive.median / fused.median,
    timeRatioForward: naive.median / fusedForward.median,
    fusedPeakBytes,
    fusedForwardPeakBytes,
    naivePeakBytes,
    memoryRatio: naivePeakBytes / fusedPeakBytes,
    memoryRatioForward: naivePeakBytes / fusedForwardPeakBytes,
    ioBytes,
    fusedWorkingBytes: fusedPeakBytes - ioBytes,
    fusedForwardWorkingBytes: fusedForwardPeakBytes - ioBytes,
    naiveWorkingBytes: naivePeakBytes - ioBytes,
    goals: SCAN_GOALS,
    protocol: {
      warmup,
      runs,
      order: 'A B C A B C (fused, fused forward-only, naive)',
      timing: 'submit → queue.onSubmittedWorkDone()',
      checked: 'every output against the CPU reference (rtol 1e-3)',
    },
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The result for people: one line per figure. */
export function describeScanBench(r: ScanBenchResult): string {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(2)} MiB`;
  const kib = (b: number) => `${(b / 2 ** 10).toFixed(2)} KiB`;
  const met = (ratio: number, goal: number) =>
    ratio >= goal ? `goal ${goal}× met` : `goal ${goal}× NOT met`;
  const { B, T, dInner, N, chunk } = r.sizes;
  const plan = r.fusedPlan;
  return [
    `selective scan B=${B} T=${T} d_inner=${dInner} N=${N} (chunk ${chunk}): fused vs naive (states in global memory)`,
    `fused plan: ${plan.channels} channel(s) per invocation, Bm/C ${plan.stage ? 'staged in workgroup memory' : 'read from storage'}, ${plan.parallel ? 'chunk-parallel' : 'one pass'}`,
    `protocol: ${r.protocol.warmup} warm-up, ${r.protocol.runs} timed runs each, alternated, medians`,
    `time, training forward (saves chunk states): fused ${r.fusedMs.toFixed(2)} ms, naive ${r.naiveMs.toFixed(2)} ms → ${r.timeRatio.toFixed(2)}× (${met(r.timeRatio, r.goals.time)})`,
    `time, inference forward (no chunk states): fused ${r.fusedForwardMs.toFixed(2)} ms → ${r.timeRatioForward.toFixed(2)}× (${met(r.timeRatioForward, r.goals.time)})`,
    `whole-op peak (inputs + y + working storage), training: fused ${mib(r.fusedPeakBytes)}, naive ${mib(r.naivePeakBytes)} → ${r.memoryRatio.toFixed(2)}× (${met(r.memoryRatio, r.goals.memory)})`,
    `whole-op peak, inference: fused ${mib(r.fusedForwardPeakBytes)} → ${r.memoryRatioForward.toFixed(2)}× (${met(r.memoryRatioForward, r.goals.memory)}); inputs + y alone are ${mib(r.ioBytes)}, which caps this ratio at ${(r.naivePeakBytes / r.ioBytes).toFixed(2)}×`,
    `working storage beyond inputs and y: naive ${mib(r.naiveWorkingBytes)} (all states), fused training ${kib(r.fusedWorkingBytes)} (chunk starts), fused inference ${kib(r.fusedForwardWorkingBytes)}`,
    `${r.adapter.isSoftware ? 'Software adapter: CPU-emulated timings, not GPU timings. ' : ''}total ${r.seconds.toFixed(1)} s`,
  ].join('\n');
}
