// Run slice: the training form (preset, steps, seed, overrides), the run's lifecycle, its summary or error,
// and the latest generated sample.
import type { StateCreator } from 'zustand';
import type { PresetInfo, TrainSummary } from '../../src/protocol';
import type { StoreState } from './index';
import { DEFAULT_PRESET, initialUrlState } from './url-state';

export type RunStatus = 'idle' | 'starting' | 'training' | 'paused' | 'stopping' | 'done' | 'error';

export interface Sample {
  step: number;
  text: string;
}

export interface RunSlice {
  /** The chosen preset's name (?preset=…, 'transformer' by default). */
  preset: string;
  /** The preset gallery, as the worker sent it at start; null until then. */
  presets: PresetInfo[] | null;
  steps: number;
  seed: number;
  /** Hyperparameter overrides from the URL (?contextLength=16 …), passed to the engine as is. */
  overrides: Record<string, number>;
  /** The user's own text file, when chosen instead of Moby-Dick. */
  text: { name: string; content: string } | null;
  /** A synthetic task (src/data/tasks) chosen as the data instead of text (?task=…); null for text. */
  task: string | null;
  status: RunStatus;
  /** Steps of the current (or last) run; the form may have changed since. */
  runSteps: number;
  summary: TrainSummary | null;
  /** A task run's latest held-out accuracy (log rows carry it on evaluation steps); null otherwise. */
  accuracy: number | null;
  error: string | null;
  sample: Sample | null;
  setPreset(preset: string): void;
  /** Stores the gallery; a chosen preset the engine does not know falls back to the default. */
  setPresets(presets: PresetInfo[]): void;
  setSteps(steps: number): void;
  setSeed(seed: number): void;
  /** Chooses the text data (the user's file, or Moby-Dick for null); clears a chosen task. */
  setText(text: { name: string; content: string } | null): void;
  /** Chooses a synthetic task as the data. */
  setTask(task: string): void;
  runStarted(steps: number): void;
  runStopping(): void;
  runTraining(): void;
  setAccuracy(accuracy: number): void;
  /** Paused between steps: nothing is lost, and the ETA holds still until the run resumes. */
  runPaused(): void;
  runResumed(): void;
  runDone(summary: TrainSummary): void;
  runFailed(message: string): void;
  setSample(sample: Sample): void;
}

export const createRunSlice: StateCreator<StoreState, [], [], RunSlice> = (set, get) => ({
  preset: initialUrlState.preset,
  presets: null,
  steps: initialUrlState.steps,
  seed: initialUrlState.seed,
  overrides: initialUrlState.overrides,
  text: null,
  task: initialUrlState.task,
  status: 'idle',
  runSteps: initialUrlState.steps,
  summary: null,
  accuracy: null,
  error: null,
  sample: null,
  setPreset: (preset) => set({ preset }),
  setPresets: (presets) => {
    const known = presets.some((p) => p.name === get().preset);
    set(known ? { presets } : { presets, preset: DEFAULT_PRESET });
  },
  setSteps: (steps) => set({ steps }),
  setSeed: (seed) => set({ seed }),
  setText: (text) => set({ text, task: null }),
  setTask: (task) => set({ task, text: null }),
  runStarted: (runSteps) =>
    set({ status: 'starting', runSteps, summary: null, accuracy: null, error: null, sample: null }),
  runStopping: () => set({ status: 'stopping' }),
  runTraining: () => {
    if (get().status === 'starting') set({ status: 'training' });
  },
  setAccuracy: (accuracy) => set({ accuracy }),
  runPaused: () => {
    if (get().status === 'training') set({ status: 'paused' });
  },
  runResumed: () => {
    if (get().status === 'paused') set({ status: 'training' });
  },
  runDone: (summary) => set({ status: 'done', summary }),
  runFailed: (error) => {
    // A device can report the same failure twice (as an event and as a rejected promise).
    const prev = get().error;
    set({
      status: 'error',
      error: prev && prev !== error && !prev.includes(error) ? `${prev}\n${error}` : error,
    });
  },
  setSample: (sample) => set({ sample }),
});
