// The worker's side of the inside views: it keeps a reference to the last trained model (the worker's
// Measurer owns and frees it) and answers 'inspect' requests with the attention maps and state norms
// of a sample sentence, tokenized with the run's tokenizer and clipped to what the model can take.
import type { Backend } from '../kernels/backend';
import type { TrainedModel } from '../models/train';
import type { FromWorker, InspectRequest } from '../protocol';
import { inspectModel, INSPECT_MAX_TOKENS, type InspectResult } from './inspect';

/** What the UI draws: the inspection, each token's text, and the context it was clipped to. */
export interface InspectView extends InspectResult {
  /** The text of each token (a character the tokenizer does not know shows as its replacement). */
  tokenText: string[];
  /** The most tokens this model can be inspected on: min(64, its training context). */
  maxTokens: number;
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class Inspector {
  private held: { runId: string; model: Omit<TrainedModel, 'summary'> } | null = null;
  /** The inspection in progress (a second or so), if any. */
  private inspecting: Promise<void> | null = null;

  constructor(
    private readonly post: (message: FromWorker) => void,
    /** Whether training or a measurement holds the device (or is about to free the model). */
    private readonly deviceBusy: () => boolean,
  ) {}

  get busy(): boolean {
    return this.inspecting !== null;
  }

  /** Resolves when no inspection is running (training waits for one rather than being refused). */
  async idle(): Promise<void> {
    while (this.inspecting) await this.inspecting;
  }

  /** Remembers the model the Measurer now keeps (it frees the parameters; this only reads them). */
  hold(runId: string | undefined, model: Omit<TrainedModel, 'summary'>): void {
    this.held = runId === undefined ? null : { runId, model };
  }

  /** Forgets the model (its parameters are about to be freed). */
  release(): void {
    this.held = null;
  }

  async inspect(backend: Backend, req: InspectRequest): Promise<void> {
    const reply = (r: { result?: InspectView; error?: string }) =>
      this.post({ type: 'inspect', id: req.id, runId: req.runId, ...r });
    const held = this.held;
    if (!held || held.runId !== req.runId)
      return reply({
        error: 'This run’s weights are no longer in the engine (only the last run’s are kept).',
      });
    if (this.inspecting || this.deviceBusy())
      return reply({
        error: 'The device is busy (a training run or a measurement): try again when it ends.',
      });
    let done = () => {};
    this.inspecting = new Promise<void>((resolve) => (done = resolve));
    try {
      const { params, preset, tokenizer } = held.model;
      const maxTokens = Math.min(INSPECT_MAX_TOKENS, preset.spec.contextLength);
      const tokens = tokenizer.encode(req.text).subarray(0, maxTokens);
      if (tokens.length === 0) return reply({ error: 'Type a sentence to look inside the model.' });
      const result = await inspectModel(backend, params, preset.spec, tokens);
      reply({ result: { ...result, tokenText: result.tokens.map((t) => tokenizer.decode([t])), maxTokens } });
    } catch (err) {
      reply({ error: messageOf(err) });
    } finally {
      this.inspecting = null;
      done();
    }
  }
}
