// Training on a synthetic task (src/data/tasks): the same loop as text, with batches from the task's
// seeded generator, the held-out loss and accuracy at the training length in the log rows, and at
// the end the accuracy per evaluation length, each from a forward graph at that length sharing the
// trained parameters (train short, test long).
import type { Backend } from '../kernels/backend';
import { Rng } from '../data/rng';
import type { Batch } from '../data/batches';
import type { TrainRequest, TrainSummary } from '../protocol';
import { taskDef } from '../data/tasks';
import { heldOutSet, scoreAnswers, taskBatch, taskOptions, type Task } from '../data/tasks/task';
import { modelCost } from '../measure/cost-model';
import type { ParamStore } from './params';
import { resolvePreset, type Preset } from './presets';
import { ForwardPass, Trainer } from './trainer';
import { loopSummary, trainLoop, type TrainEvents } from './train';

export interface TaskTrainRequest extends Omit<TrainRequest, 'text' | 'task'> {
  /** A task of src/data/tasks. Its options may be set among `overrides` (e.g. pairs=8). */
  task: string;
  /** Sequence lengths to report accuracy at; the task's defaults when absent. */
  lengths?: number[];
}

/** Held-out sequences per evaluation length, unless `heldOut` is set. */
export const HELD_OUT_SEQUENCES = 256;
const EVAL_BATCH = 32;

export interface LengthAccuracy {
  length: number;
  accuracy: number;
  /** Answer tokens scored. */
  answers: number;
  /** Whether the length exceeds the training length. */
  beyondTraining: boolean;
}

export interface TaskSummary extends TrainSummary {
  task: string;
  options: Record<string, number>;
  trainLength: number;
  /** Decode state after the training length, batch 1 (KV cache or recurrent state; cost model). */
  decodeStateBytes: number;
  accuracy: LengthAccuracy[];
}

export interface TaskTrainedModel {
  preset: Preset;
  task: { name: string; options: Record<string, number> };
  params: ParamStore;
  summary: TaskSummary;
}

/** Splits `--set` pairs into the task's options, the held-out size and the preset's settings. */
function splitOverrides(def: ReturnType<typeof taskDef>, overrides: Record<string, number>) {
  const task: Record<string, number> = {};
  const preset: Record<string, number> = { contextLength: def.trainLength };
  let heldOut = HELD_OUT_SEQUENCES;
  for (const [k, v] of Object.entries(overrides)) {
    if (k in def.defaults) task[k] = v;
    else if (k === 'heldOut') heldOut = v;
    else preset[k] = v;
  }
  if (!Number.isInteger(heldOut) || heldOut < 1)
    throw new Error(`heldOut must be a positive integer, got ${heldOut}.`);
  return { task, preset, heldOut };
}

/** Accuracy and loss of the parameters on a task's fixed held-out set at one length. */
export class TaskEvaluator {
  private pass: ForwardPass;
  private set: Batch[];

  constructor(backend: Backend, params: ParamStore, preset: Preset, task: Task, L: number, heldOut: number) {
    const B = Math.min(EVAL_BATCH, heldOut);
    this.pass = new ForwardPass(backend, params, preset.spec, B, L);
    this.set = heldOutSet(task, L, B, Math.ceil(heldOut / B));
  }

  async evaluate(): Promise<{ loss: number; correct: number; answers: number }> {
    let loss = 0;
    let correct = 0;
    let answers = 0;
    for (const b of this.set) {
      this.pass.run(b);
      const s = scoreAnswers(await this.pass.read(this.pass.logits), b.targets, this.pass.logits.shape[1]);
      const [mean, rows] = await this.pass.read(this.pass.loss);
      loss += mean * rows;
      correct += s.correct;
      answers += s.answers;
    }
    return { loss: loss / Math.max(answers, 1), correct, answers };
  }

  dispose(): void {
    this.pass.dispose();
  }
}

export async function trainTask(
  backend: Backend,
  req: TaskTrainRequest,
  events: TrainEvents,
): Promise<TaskTrainedModel> {
  if (!Number.isInteger(req.steps) || req.steps < 1)
    throw new Error(`steps must be a positive integer (got ${req.steps}).`);
  const def = taskDef(req.task);
  const split = splitOverrides(def, req.overrides ?? {});
  const options = taskOptions(def, split.task);
  const task = def.make(options);
  const preset = resolvePreset(req.preset, split.preset, task.vocab, req.spec);
  const T = preset.spec.contextLength;
  const lengths = [...new Set(req.lengths ?? task.evalLengths(T))].sort((a, b) => a - b);
  for (const L of [T, ...lengths]) {
    const problem = task.checkLength(L);
    if (problem) throw new Error(`${task.name}: ${problem}`);
  }

  const trainer = new Trainer(backend, preset, req.seed);
  const rng = new Rng(req.seed + 1);
  const atTrainLength = new TaskEvaluator(backend, trainer.params, preset, task, T, split.heldOut);
  let last = { loss: NaN, correct: 0, answers: 0 };
  const run = await trainLoop(trainer, req.steps, {
    next: () => taskBatch(task, rng, preset.train.batchSize, T),
    validate: async () => (last = await atTrainLength.evaluate()).loss,
    evalFields: async () => ({ accuracy: last.correct / Math.max(last.answers, 1) }),
    events,
  });
  atTrainLength.dispose();
  trainer.dispose();

  const accuracy: LengthAccuracy[] = [];
  if (!run.stoppedEarly?.includes('non-finite')) {
    for (const L of lengths) {
      const ev = new TaskEvaluator(backend, trainer.params, preset, task, L, split.heldOut);
      const r = await ev.evaluate();
      ev.dispose();
      accuracy.push({
        length: L,
        accuracy: r.correct / Math.max(r.answers, 1),
        answers: r.answers,
        beyondTraining: L > T,
      });
    }
  }
  return {
    preset,
    task: { name: task.name, options },
    params: trainer.params,
    summary: {
      ...loopSummary(run, trainer),
      task: task.name,
      options,
      trainLength: T,
      decodeStateBytes: modelCost(preset.spec, T).decodeStateBytes,
      accuracy,
    },
  };
}
