// Memory and throughput against T (MEASURE.md curves 1, 2): analytic cost beside measured peaks and
// times, for prefill, one decode step after a prefix of T (Decoder: KV caches and recurrent states),
// and a training step.
import type { AdapterDescription } from '../gpu/device';
import type { Backend, KernelDef, Op } from '../kernels/backend';
import type { GpuBackend } from '../kernels/gpu-backend';
import { sizeOf, type Data, type DType, type Tensor } from '../kernels/tensor';
import { Rng } from '../data/rng';
import { resolvePreset, type Preset } from '../models/presets';
import { specLayers, type ModelSpec, type SpecInput } from '../models/spec';
import { modelCost, type TrainingBytes } from './cost-model';
import {
  activationBytes,
  channelTerms,
  mixerTerms,
  outerTerms,
  sublayerTerms,
  type ActivationTerms,
} from './cost-model-activations';
import { phaseWork, PHASES, type Phase } from './phase-work';
import { gpuContender, timeAlternating, type Sample } from './timing';

export { PHASES, type Phase };

export interface CurveOptions {
  preset: string;
  contexts: readonly number[];
  /** Sequences per prefill and per training step; default 1. */
  batch?: number;
  /** Preset settings (width, layers, heads …) as for resolvePreset; contextLength and batchSize are set per row. */
  overrides?: Record<string, number>;
  /** Vocabulary size; default the preset's. */
  vocab?: number;
  /** Largest single buffer allowed, bytes; default min(maxBufferSize, maxStorageBufferBindingSize). */
  limitBytes?: number;
  /** Timed runs per measurement (≥ 5); default 5. */
  runs?: number;
  seed?: number;
  /** A stack edited in the playground: replaces the preset's spec (the preset only names the run). */
  edited?: SpecInput;
  /** What to measure per row; default all three. */
  measure?: readonly Phase[];
}

/** What each memory figure counts, so that analytic and measured are compared like for like. */
export const INCLUDES = {
  prefillBytes:
    'parameters + every tensor of the static forward graph (token ids, each intermediate, logits); analytic: the cost model’s forward activations without their gradients, and without targets, per-row loss, logsumexp and loss',
  trainingBytes:
    'parameters + gradients + AdamW m and v + activations and their gradients (with token and target ids, loss); measured also counts what the analytic total does not: GPU kernels’ backward scratch (norm weight-gradient partials, attention row sums, embedding-gradient sort buffers), the optimizer’s grad-norm scalar, statistics and partials, and 16-byte rounding of every buffer',
  decodeStateBytes:
    'the decoder’s state tensors for the batch at capacity T: KV caches (a ring of min(T, window) positions for windowed attention), recurrent and conv states; analytic: the cost model’s decode state at T × batch',
  decodeBytes:
    'parameters + decode state + the one-token graph’s tensors + attention-decode scratch per attention layer (software adapters: scores, batch × heads × cache slots; GPUs: split partials, batch × heads × ⌈slots / 256⌉ × (head size + 2))',
  decodeTiming:
    'one decode step (a token per sequence) at position T − 1 of zeroed states: the cache contents do not change the work (attention reads all min(T, window) cached positions, recurrences do fixed work), so no prefill precedes it',
  peakBytes: 'peak live pool bytes during build and runs, less the bytes live before the row began',
} as const;

export interface CurveHeader {
  kind: 'header';
  preset: string;
  batch: number;
  contexts: number[];
  adapter: AdapterDescription;
  limitBytes: number;
  includes: typeof INCLUDES;
}

export interface Measured {
  peakBytes: number;
  medianMs: number;
  tokensPerSec: number;
}

export interface CurveRow {
  kind: 'row';
  T: number;
  fits: boolean;
  /** Present when fits is false: "does not fit: needs X bytes, limit Y" or the allocation error. */
  reason?: string;
  analytic: {
    params: number;
    decodeStateBytes: number;
    prefillFlopsPerToken: number;
    /** FLOPs of one decode step at position T − 1, per sequence. */
    decodeFlopsPerToken: number;
    trainFlopsPerToken: number;
    prefillBytes: number;
    training: TrainingBytes;
  };
  prefill?: Measured;
  /** One decode step at position T − 1, with the decoder's state bytes. */
  decode?: Measured & { stateBytes: number };
  training?: Measured;
}

export interface CurveSummary {
  kind: 'summary';
  adapter: AdapterDescription;
  /** Slope of log(median time) against log T over the upper half of the fitting rows; null under 2 points. */
  exponents: Record<Phase, number | null>;
  /**
   * The same slope of the cost model's FLOPs of each measured run (prefill: T·prefill FLOPs per token;
   * decode: one step; training: T·training FLOPs per token): the exponent a device running every FLOP
   * at one rate would show. Measured below it: fixed costs or faster kernels at large T.
   */
  flopExponents: Record<Phase, number | null>;
}

export type CurveLine = CurveHeader | CurveRow | CurveSummary;

export class DoesNotFit extends Error {
  constructor(
    readonly needed: number,
    readonly limit: number,
  ) {
    super(`does not fit: needs ${needed} bytes, limit ${limit}`);
  }
}

/**
 * A Backend that refuses any buffer over `limit` and remembers what it handed out, so that a row
 * which fails halfway through building can still free every tensor and release every op.
 */
class Arena implements Backend {
  readonly kind = 'webgpu' as const;
  private tensors = new Set<Tensor>();
  private ops = new Set<Op>();

  constructor(
    private inner: GpuBackend,
    private limit: number,
  ) {}

  alloc(shape: readonly number[], label: string, dtype?: DType): Tensor {
    const bytes = sizeOf(shape) * 4;
    if (bytes > this.limit) throw new DoesNotFit(bytes, this.limit);
    const t = this.inner.alloc(shape, label, dtype);
    this.tensors.add(t);
    return t;
  }
  free(t: Tensor): void {
    this.tensors.delete(t);
    this.inner.free(t);
  }
  write(t: Tensor, data: Data): void {
    this.inner.write(t, data);
  }
  read(t: Tensor, offset?: number, count?: number): Promise<Data> {
    return this.inner.read(t, offset, count);
  }
  op<A>(kernel: KernelDef<A>, args: A): Op {
    const o = this.inner.op(kernel, args);
    this.ops.add(o);
    return o;
  }
  run(ops: readonly Op[]): void {
    this.inner.run(ops);
  }
  release(ops: readonly Op[]): void {
    ops.forEach((o) => this.ops.delete(o));
    this.inner.release(ops);
  }
  sync(): Promise<void> {
    return this.inner.sync();
  }
  memory() {
    return this.inner.memory();
  }
  resetPeak(): void {
    this.inner.resetPeak();
  }
  /** Frees whatever is still held (after a failed build; nothing after a clean dispose). */
  clear(): void {
    this.release([...this.ops]);
    [...this.tensors].forEach((t) => this.free(t));
  }
}

/** Bytes of a forward-only graph's activations by the cost model's terms: no gradients, no loss. */
export function forwardActivationBytes(spec: ModelSpec, B: number, T: number, scanChunk = 64): number {
  const D = spec.width;
  const forward = (t: ActivationTerms): ActivationTerms => ({
    ...t,
    grad: 0,
    position: 0,
    stat: t.stat + t.grad,
    positionStat: t.positionStat + t.position,
  });
  const parts = specLayers(spec).flatMap((l) => [
    sublayerTerms(D, spec.norm),
    mixerTerms(D, l.mixer, T, scanChunk, l.first),
    ...(l.channel ? [sublayerTerms(D, spec.norm), channelTerms(D, l.channel)] : []),
  ]);
  const outer = outerTerms(spec);
  // The outer stat counts row loss, logsumexp, token and target ids: a forward keeps the tokens only.
  parts.push({ ...outer, stat: outer.stat - 3, step: 0 });
  return parts.reduce((n, t) => n + activationBytes(forward(t), B, T), 0);
}

/** Least-squares slope of log y against log x over the upper half of the points (null under 2). */
export function scalingExponent(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  const from = Math.floor(n / 2);
  const lx = xs.slice(from).map(Math.log);
  const ly = ys.slice(from).map(Math.log);
  if (lx.length < 2) return null;
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  const sxy = lx.reduce((s, x, i) => s + (x - mx) * (ly[i] - my), 0);
  const sxx = lx.reduce((s, x) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? null : sxy / sxx;
}

/** Times `phase`'s work by the protocol (warm-up, median of runs); the pool peak so far includes the build. */
async function measure(
  arena: Arena,
  backend: GpuBackend,
  p: Preset,
  phase: Phase,
  B: number,
  runs: number,
  rng: Rng,
  seed: number,
) {
  const work = phaseWork(arena, p, phase, B, rng, seed);
  try {
    const [sample]: Sample[] = await timeAlternating(
      [gpuContender('run', backend.gpu.device, () => arena.run(work.ops))],
      { runs },
    );
    return {
      peakBytes: backend.memory().peakBytes,
      medianMs: sample.median,
      tokensPerSec: (work.tokens * 1000) / sample.median,
      stateBytes: work.stateBytes,
    };
  } finally {
    work.dispose();
  }
}

/** Measures one T; any failure to allocate becomes a does-not-fit row, and everything is freed. */
async function measureRow(backend: GpuBackend, o: CurveOptions, T: number, limit: number): Promise<CurveRow> {
  const B = o.batch ?? 1;
  const seed = o.seed ?? 1;
  const runs = o.runs ?? 5;
  const preset = resolvePreset(
    o.preset,
    { ...o.overrides, contextLength: T, batchSize: B },
    o.vocab,
    o.edited,
  );
  const c = modelCost(preset.spec, T, { batch: B });
  const row: CurveRow = {
    kind: 'row',
    T,
    fits: true,
    analytic: {
      params: c.params.total,
      decodeStateBytes: c.decodeStateBytes * B,
      prefillFlopsPerToken: c.flopsPerToken.prefill,
      decodeFlopsPerToken: c.flopsPerToken.decode,
      trainFlopsPerToken: c.flopsPerToken.train,
      prefillBytes: c.training.params + forwardActivationBytes(preset.spec, B, T),
      training: c.training,
    },
  };
  const phases = new Set(o.measure ?? PHASES);
  const arena = new Arena(backend, limit);
  const { device } = backend.gpu;
  const start = backend.memory().liveBytes;
  const rng = new Rng(seed);
  // Out-of-memory from createBuffer arrives asynchronously: the scope catches it for this row only.
  device.pushErrorScope('out-of-memory');
  let failure: unknown;
  try {
    const timed = async (phase: Phase) => {
      backend.resetPeak();
      const { stateBytes, ...m } = await measure(arena, backend, preset, phase, B, runs, rng, seed);
      return { m: { ...m, peakBytes: m.peakBytes - start }, stateBytes: stateBytes ?? 0 };
    };
    if (phases.has('prefill')) row.prefill = (await timed('prefill')).m;
    if (phases.has('decode')) {
      const { m, stateBytes } = await timed('decode');
      row.decode = { ...m, stateBytes };
    }
    if (phases.has('training')) row.training = (await timed('training')).m;
  } catch (e) {
    arena.clear();
    failure = e;
  }
  const oom = await device.popErrorScope();
  // Only capacity failures make a "does not fit" row; any other error is a bug and surfaces as one.
  const capacity = (e: unknown) =>
    e instanceof DoesNotFit || (e instanceof Error && /this device allows at most/.test(e.message));
  if (failure !== undefined && !oom && !capacity(failure)) throw failure;
  failure ??= oom ? new Error(oom.message) : undefined;
  if (failure !== undefined) {
    const msg = failure instanceof Error ? failure.message : String(failure);
    return {
      ...row,
      prefill: undefined,
      decode: undefined,
      training: undefined,
      fits: false,
      reason: failure instanceof DoesNotFit ? msg : `does not fit: ${msg}`,
    };
  }
  return row;
}

/**
 * Per phase, over the rows that measured it (in T order): the slope of log(median time) against log T
 * over their upper half, and the same slope of the cost model's FLOPs of each run.
 */
export function phaseExponents(rows: readonly CurveRow[]): Pick<CurveSummary, 'exponents' | 'flopExponents'> {
  const fit = (y: (r: CurveRow, k: Phase) => number) =>
    Object.fromEntries(
      PHASES.map((k) => {
        const measured = rows.filter((r) => r[k]).sort((a, b) => a.T - b.T);
        return [
          k,
          scalingExponent(
            measured.map((r) => r.T),
            measured.map((r) => y(r, k)),
          ),
        ];
      }),
    ) as Record<Phase, number | null>;
  const flops = (r: CurveRow, k: Phase) => {
    const a = r.analytic;
    if (k === 'decode') return a.decodeFlopsPerToken;
    return r.T * (k === 'prefill' ? a.prefillFlopsPerToken : a.trainFlopsPerToken);
  };
  return { exponents: fit((r, k) => r[k]!.medianMs), flopExponents: fit(flops) };
}

/** The header, one row per T (in order, each measured from a clean pool), then the summary. */
export async function* curves(backend: GpuBackend, o: CurveOptions): AsyncGenerator<CurveLine> {
  const { device, adapter } = backend.gpu;
  const limit =
    o.limitBytes ?? Math.min(device.limits.maxBufferSize, device.limits.maxStorageBufferBindingSize);
  yield {
    kind: 'header',
    preset: o.preset,
    batch: o.batch ?? 1,
    contexts: [...o.contexts],
    adapter,
    limitBytes: limit,
    includes: INCLUDES,
  };
  const rows: CurveRow[] = [];
  for (const T of o.contexts) {
    const row = await measureRow(backend, o, T, limit);
    rows.push(row);
    yield row;
  }
  yield { kind: 'summary', adapter, ...phaseExponents(rows) };
}
