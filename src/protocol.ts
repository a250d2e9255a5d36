// The typed message protocol between the UI and the engine Worker. The UI imports only these types.
import type { AdapterDescription } from './gpu/device';
import type { MemoryLimits } from './measure/memory-fit';
import type { CurveLine, Phase } from './measure/curves';
import type { ContextRow, PositionRow } from './measure/perplexity';
import type { InspectView } from './measure/inspect-worker';
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
  /** The UI's name for the run: the worker keeps the trained model under it (for perplexity). */
  runId?: string;
  /** A synthetic task (src/data/tasks) to train on instead of text; its options over its defaults. */
  task?: { name: string; options: Record<string, number> };
}

/** Memory and throughput against T of a spec (MEASURE.md curves 1, 2), streamed as 'curve' messages. */
export interface CurvesRequest {
  type: 'curves';
  id: number;
  spec: SpecInput;
  contexts: number[];
  /** Timed runs per measurement (≥ 5). */
  runs?: number;
  measure?: Phase[];
}

/** Perplexity by position and by evaluation context (MEASURE.md curve 3) of the model the worker keeps. */
export interface PerplexityRequest {
  type: 'perplexity';
  id: number;
  runId: string;
  /** Held-out tokens scored at every context. */
  maxTokens?: number;
}

export interface PerplexityResult {
  /** The training context T of the model. */
  trainContext: number;
  byPosition: PositionRow[];
  byContext: ContextRow[];
}

/** Inside views (attention maps, recurrent-state norms) of the kept model over a sample sentence. */
export interface InspectRequest {
  type: 'inspect';
  id: number;
  runId: string;
  /** The sample sentence; clipped to min(64, the training context) tokens of the run's tokenizer. */
  text: string;
}

export type ToWorker =
  | TrainRequest
  | { type: 'stop' }
  | { type: 'pause' }
  | { type: 'resume' }
  | CurvesRequest
  | { type: 'cancel-curves'; id: number }
  | PerplexityRequest
  | InspectRequest;

export interface LogRow {
  step: number;
  loss: number;
  valLoss?: number;
  tokensPerSec: number;
  elapsedMs: number;
  lr: number;
  /** A task run's held-out answer accuracy at the training length, on evaluation steps. */
  accuracy?: number;
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
}

export type FromWorker =
  | { type: 'presets'; presets: PresetInfo[] }
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
  | { type: 'error'; message: string }
  | { type: 'curve'; id: number; line: CurveLine }
  | { type: 'curves-end'; id: number; cancelled: boolean; error?: string }
  | { type: 'perplexity'; id: number; runId: string; result?: PerplexityResult; error?: string }
  | { type: 'inspect'; id: number; runId: string; result?: InspectView; error?: string };
