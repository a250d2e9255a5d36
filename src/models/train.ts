// The training loop shared by the Worker and the CLI: builds the model once, then each step is one
// submit (forward + backward + clipping + AdamW + loss record). Losses and the finite-check flag
// are read back every `logEvery` steps; a non-finite gradient stops training with a message and
// the last good weights (the optimizer skips that update on the GPU).
import type { Backend } from '../kernels/backend';
import { Rng } from '../data/rng';
import { CharTokenizer } from '../data/tokenizer';
import { BatchSampler, evalBatches, type Batch } from '../data/batches';
import { learningRate } from '../data/schedule';
import type { LogRow, TrainRequest, TrainSummary } from '../protocol';
import type { ParamStore } from './params';
import { resolvePreset, type Preset } from './presets';
import { Trainer } from './trainer';
import { Generator } from './generate';

export interface TrainEvents {
  onLog(row: LogRow): void;
  onSample(step: number, text: string): void;
  shouldStop(): boolean;
  /**
   * While the run is paused, a promise that resolves on resume (or stop); undefined otherwise. Polled
   * between steps: a pause touches no weights, optimizer state or data stream, so the resumed run
   * continues exactly as an unpaused one would, and the paused time is left out of every timing.
   */
  paused?(): Promise<void> | undefined;
}

export interface TrainedModel {
  preset: Preset;
  tokenizer: CharTokenizer;
  params: ParamStore;
  summary: TrainSummary;
}

const now = () => performance.now();

export async function trainModel(
  backend: Backend,
  req: TrainRequest,
  data: { train: string; val: string },
  events: TrainEvents,
): Promise<TrainSummary> {
  const trained = await train(backend, req, data, events);
  trained.params.dispose();
  return trained.summary;
}

/** Trains and keeps the parameters (the CLI saves them); the caller disposes `params`. */
export async function train(
  backend: Backend,
  req: TrainRequest,
  data: { train: string; val: string },
  events: TrainEvents,
): Promise<TrainedModel> {
  if (!Number.isInteger(req.steps) || req.steps < 1)
    throw new Error(`steps must be a positive integer (got ${req.steps}).`);
  const tokenizer = new CharTokenizer(data.train);
  const preset = resolvePreset(req.preset, req.overrides, tokenizer.vocabSize, req.spec);
  const { spec, train: c } = preset;
  const trainTokens = tokenizer.encode(data.train);
  const valTokens = tokenizer.encode(data.val);
  const B = c.batchSize;
  const T = spec.contextLength;

  const trainer = new Trainer(backend, preset, req.seed);
  const { params } = trainer;
  const generator = new Generator(backend, params, spec);

  const sampler = new BatchSampler(trainTokens, B, T, req.seed + 1);
  const valSet = evalBatches(valTokens, B, T, c.evalBatches);
  const sampleRng = new Rng(req.seed + 2);

  const sample = async (step: number) => {
    const ids = await generator.generate(
      tokenizer.encode('\n'),
      c.sampleLength,
      c.temperature,
      c.topK,
      sampleRng,
    );
    events.onSample(step, tokenizer.decode(ids));
  };

  const run = await trainLoop(trainer, req.steps, {
    next: () => sampler.next(),
    validate: () => trainer.evaluate(valSet),
    events,
    afterLog: async (step, due) => {
      if (due(c.sampleEvery)) await sample(step);
    },
  });
  generator.dispose();
  trainer.dispose();
  return { preset, tokenizer, params, summary: loopSummary(run, trainer) };
}

/** What the loop pulls from its data source and tells its caller. */
export interface LoopSource {
  next(): Batch;
  /** Held-out loss, at evaluation steps and at the end. */
  validate(): Promise<number>;
  /** Fields added to the row of an evaluation step (a task's accuracy). */
  evalFields?(): Promise<Record<string, number>>;
  /** After a row is logged; `due(every)` says whether this step is a multiple of `every` or the last. */
  afterLog?(step: number, due: (every: number) => boolean): Promise<void>;
  events: TrainEvents;
}

export interface LoopResult {
  steps: number;
  lastLoss: number;
  lastVal: number;
  /** Time spent in training steps only (evaluation and sampling excluded). */
  trainMs: number;
  elapsedMs: number;
  stoppedEarly?: string;
}

export function loopSummary(r: LoopResult, trainer: Trainer): TrainSummary {
  return {
    steps: r.steps,
    finalLoss: r.lastLoss,
    finalValLoss: r.lastVal,
    tokensPerSec: (r.steps * trainer.tokensPerStep * 1000) / Math.max(r.trainMs, 1e-9),
    elapsedMs: r.elapsedMs,
    parameters: trainer.params.count,
    stoppedEarly: r.stoppedEarly,
  };
}

/** The training loop over any data source: text windows or a synthetic task's batches. */
export async function trainLoop(trainer: Trainer, steps: number, src: LoopSource): Promise<LoopResult> {
  const { backend, optimizer: opt } = trainer;
  const c = trainer.preset.train;
  const { events } = src;
  const tokensPerStep = trainer.tokensPerStep;
  const schedule = { lr: c.lr, warmup: c.warmup, steps, minRatio: c.minLrRatio };
  let start = now();
  let intervalStart = start;
  /** Time spent in training steps only (evaluation and sampling excluded). */
  let trainMs = 0;
  let intervalSteps = 0;
  let lastLoss = NaN;
  let lastVal = NaN;
  let stoppedEarly: string | undefined;
  let step = 0;
  for (; step < steps; step++) {
    const pause = events.paused?.();
    if (pause) {
      // Let the steps already submitted finish, so the pause begins after the current step.
      await backend.sync();
      const pausedAt = now();
      await pause;
      const away = now() - pausedAt;
      start += away;
      intervalStart += away;
    }
    if (events.shouldStop()) {
      stoppedEarly = `stopped by the user at step ${step}`;
      break;
    }
    trainer.feed(src.next());
    opt.prepare(step, learningRate(schedule, step));
    backend.run(trainer.stepOps);
    intervalSteps++;
    const last = step === steps - 1;
    const due = (every: number) => (step + 1) % every === 0;
    // A log row at every log, evaluation and sample step, so none waits for the next log step.
    if (due(c.logEvery) || due(c.evalEvery) || due(c.sampleEvery) || last) {
      const status = await opt.readStatus();
      const elapsed = now();
      trainMs += elapsed - intervalStart;
      if (!status.finite) {
        intervalSteps = 0;
        stoppedEarly = `the gradient became non-finite (NaN/Inf) at or before step ${step + 1}; training stopped and the last good weights were kept. Lower the learning rate or enable clipping.`;
        break;
      }
      lastLoss = status.meanLoss;
      const row: LogRow = {
        step: step + 1,
        loss: lastLoss,
        tokensPerSec: (intervalSteps * tokensPerStep * 1000) / (elapsed - intervalStart),
        elapsedMs: elapsed - start,
        lr: learningRate(schedule, step),
      };
      if (due(c.evalEvery) || last) {
        row.valLoss = lastVal = await src.validate();
        Object.assign(row, await src.evalFields?.());
      }
      events.onLog(row);
      await src.afterLog?.(step + 1, (every) => due(every) || last);
      intervalStart = now();
      intervalSteps = 0;
    }
  }
  if (intervalSteps > 0) {
    await backend.sync();
    trainMs += now() - intervalStart;
  }
  const elapsedMs = now() - start;
  if (Number.isNaN(lastVal) && !stoppedEarly?.includes('non-finite')) lastVal = await src.validate();
  return { steps: step, lastLoss, lastVal, trainMs, elapsedMs, stoppedEarly };
}
