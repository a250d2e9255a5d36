// Synthetic tasks (MEASURE.md): seeded generators of next-token batches whose targets are the ignore
// index everywhere except the answer positions, so the loss and the accuracy count answers only.
// A task is defined once with named integer options (settable from the CLI with --set) and made
// into a generator of one sequence at a time, at any length it allows.
import type { Batch } from '../batches';
import { Rng } from '../rng';

/** The cross-entropy kernel skips rows whose target is negative (src/kernels/cross-entropy.ts). */
export const IGNORE = -1;

export interface Task {
  name: string;
  /** Tokens of the task: the model's vocabulary. */
  vocab: number;
  /** Sequence lengths accuracy is reported at, when the caller names none (T = training length). */
  evalLengths(T: number): number[];
  /** Why length T cannot be generated, or null. */
  checkLength(T: number): string | null;
  /** Writes one sequence of length T: inputs and targets are views of T tokens each. */
  fill(rng: Rng, inputs: Int32Array, targets: Int32Array): void;
}

export interface TaskDef {
  name: string;
  description: string;
  /** Default option values; every option is an integer. */
  defaults: Record<string, number>;
  /** The training length when the run does not set contextLength. */
  trainLength: number;
  make(options: Record<string, number>): Task;
}

/** B sequences of length T from `rng`, laid out (B·T) as the training graph reads them. */
export function taskBatch(task: Task, rng: Rng, B: number, T: number): Batch {
  const problem = task.checkLength(T);
  if (problem) throw new Error(`${task.name}: ${problem}`);
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T).fill(IGNORE);
  for (let b = 0; b < B; b++) {
    task.fill(rng, inputs.subarray(b * T, (b + 1) * T), targets.subarray(b * T, (b + 1) * T));
  }
  return { inputs, targets };
}

/** Seed of the held-out set at length T: fixed, and far from the small training seeds. */
export const heldOutSeed = (T: number) => 0x7e57_0000 + T;

/** The fixed held-out set at length T: `batches` batches of B sequences, the same on every run. */
export function heldOutSet(task: Task, T: number, B: number, batches: number): Batch[] {
  const rng = new Rng(heldOutSeed(T));
  return Array.from({ length: batches }, () => taskBatch(task, rng, B, T));
}

export interface Score {
  correct: number;
  answers: number;
}

/** Answers (rows with a target) whose argmax logit is the target; logits are (rows, V). */
export function scoreAnswers(logits: Float32Array, targets: Int32Array, V: number): Score {
  let correct = 0;
  let answers = 0;
  for (let r = 0; r < targets.length; r++) {
    const t = targets[r];
    if (t < 0) continue;
    answers++;
    let best = 0;
    for (let j = 1; j < V; j++) if (logits[r * V + j] > logits[r * V + best]) best = j;
    if (best === t) correct++;
  }
  return { correct, answers };
}

/** Options of a task: its defaults overridden by `set`; unknown names and non-integers are errors. */
export function taskOptions(def: TaskDef, set: Record<string, number>): Record<string, number> {
  const out = { ...def.defaults };
  for (const [k, v] of Object.entries(set)) {
    if (!(k in out)) {
      throw new Error(
        `Task ${def.name} has no option "${k}". Options: ${Object.keys(out).join(', ') || 'none'}.`,
      );
    }
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`Task option ${k} must be a positive integer, got ${v}.`);
    out[k] = v;
  }
  return out;
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
export function shuffled(rng: Rng, n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Lengths T, 2T, 4T … up to `max` (at least T itself). */
export function doublings(T: number, max: number): number[] {
  const out = [T];
  while (out[out.length - 1] * 2 <= max) out.push(out[out.length - 1] * 2);
  return out;
}
