// The benchmark protocol of MEASURE.md: warm up every side, then time ≥ 5 runs alternating the
// sides (A B A B …) so that drift on a shared machine hits all of them alike, and report medians.
// A GPU run is timed from submit to `queue.onSubmittedWorkDone()`, starting from an idle queue.

export const MIN_RUNS = 5;

export interface TimingOptions {
  /** Untimed runs of each side before timing (pipelines compiled, buffers allocated). Default 1. */
  warmup?: number;
  /** Timed runs of each side, at least MIN_RUNS. Default MIN_RUNS. */
  runs?: number;
  /** Milliseconds clock; performance.now by default (injectable for tests). */
  clock?: () => number;
}

/** One side of a comparison: `run` does the work and resolves when the device has finished it. */
export interface Contender {
  name: string;
  run: () => Promise<void>;
  /** Untimed, before every run (warm-up included): e.g. wait until the queue is idle. */
  before?: () => Promise<void>;
  /** Untimed, after every run: e.g. release the run's output. */
  after?: () => void | Promise<void>;
}

export interface Sample {
  name: string;
  /** Timed runs in the order they ran, milliseconds. */
  times: number[];
  median: number;
  min: number;
  max: number;
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

export function summarize(name: string, times: number[]): Sample {
  return { name, times, median: median(times), min: Math.min(...times), max: Math.max(...times) };
}

/**
 * Warm-up for each contender in turn, then `runs` rounds in which every contender runs once, in
 * the same order (A B A B …). Returns one Sample per contender, in the given order.
 */
export async function timeAlternating(
  contenders: readonly Contender[],
  o: TimingOptions = {},
): Promise<Sample[]> {
  const runs = o.runs ?? MIN_RUNS;
  const warmup = o.warmup ?? 1;
  const clock = o.clock ?? (() => performance.now());
  if (!Number.isInteger(runs) || runs < MIN_RUNS)
    throw new Error(`The protocol needs at least ${MIN_RUNS} timed runs per side (got ${runs}).`);
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new Error(`warmup must be a whole number (got ${warmup}).`);
  if (contenders.length === 0) throw new Error('Nothing to time.');
  const once = async (c: Contender): Promise<number> => {
    await c.before?.();
    const t0 = clock();
    await c.run();
    const dt = clock() - t0;
    await c.after?.();
    return dt;
  };
  for (const c of contenders) for (let i = 0; i < warmup; i++) await once(c);
  const times = contenders.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) {
    for (const [i, c] of contenders.entries()) times[i].push(await once(c));
  }
  return contenders.map((c, i) => summarize(c.name, times[i]));
}

/** Times one side alone with the same warm-up / runs / median protocol. */
export async function timeRuns(
  run: () => Promise<void>,
  o: TimingOptions = {},
  name = 'run',
): Promise<Sample> {
  return (await timeAlternating([{ name, run }], o))[0];
}

/**
 * GPU work as a Contender: before the clock starts, waits until the queue is idle (so earlier work
 * is not counted); the timed run calls `submit` (which encodes and submits the work) and waits for
 * `queue.onSubmittedWorkDone()`.
 */
export function gpuContender(
  name: string,
  device: GPUDevice,
  submit: () => void,
  after?: () => void | Promise<void>,
): Contender {
  return {
    name,
    before: () => device.queue.onSubmittedWorkDone(),
    run: async () => {
      submit();
      await device.queue.onSubmittedWorkDone();
    },
    after,
  };
}

/** GFLOP/s of `flops` floating-point operations done in `ms` milliseconds. */
export function gflops(flops: number, ms: number): number {
  return flops / (ms * 1e6);
}
