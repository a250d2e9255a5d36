// The typed message protocol between the UI and the engine Worker. The UI imports only these types.
import type { AdapterDescription } from './gpu/device';
import type { MemoryLimits } from './measure/memory-fit';
import type { SpecInput } from './models/spec';

export interface TrainRequest {
  type: 'train';
  preset: string;
  steps: number;
  seed: number;
  /** Overrides of the preset's hyperparameters (batchSize, contextLength, lr …). */
  overrides?: Record<string, number>;
  /** The user's own text (split 90/10); Moby-Dick when absent. */
  text?: { name: string; content: string };
  /**
   * A stack edited in the playground: trained instead of the preset's own spec (its vocab is replaced
   * by the tokenizer's). Model overrides (width, contextLength, heads …) still apply on top of it.
   */
  spec?: SpecInput;
}

export type ToWorker = TrainRequest | { type: 'stop' };

export interface LogRow {
  step: number;
  loss: number;
  valLoss?: number;
  tokensPerSec: number;
  elapsedMs: number;
  lr: number;
}

export interface TrainSummary {
  steps: number;
  finalLoss: number;
  finalValLoss: number;
  tokensPerSec: number;
  elapsedMs: number;
  parameters: number;
  stoppedEarly?: string;
}

export interface PresetPaper {
  authors: string;
  year: number;
  title: string;
}

/** One entry of the preset gallery the worker sends once at start. */
export interface PresetInfo {
  name: string;
  title: string;
  description: string;
  /** The paper the stack comes from first, then any others it draws on. */
  papers: PresetPaper[];
  /** Whether the engine can train it today. */
  trainable: boolean;
  /** Why it cannot train yet (the first untrainable layer), when it cannot. */
  reason?: string;
}

/** The mixer and channel kinds the engine can train today (the others can be specified and costed). */
export interface TrainableLayers {
  mixers: string[];
  channels: string[];
}

export type FromWorker =
  | { type: 'presets'; presets: PresetInfo[]; trainable: TrainableLayers }
  | {
      type: 'adapter';
      adapter: AdapterDescription | null;
      backend: 'webgpu' | 'cpu';
      warning?: string;
      /** What the backend can hold: a model whose training step needs more is refused before allocating. */
      memory: MemoryLimits;
    }
  | { type: 'log'; row: LogRow }
  | { type: 'sample'; step: number; text: string }
  | { type: 'done'; summary: TrainSummary }
  | { type: 'error'; message: string };
