// The worker's measuring side (MEASURE.md curves): memory and throughput against T of any spec, streamed
// row by row and cancellable between rows; and perplexity by position and by evaluation context of the
// last trained model, which the worker keeps (with its held-out text) until the next run starts.
import type { Backend } from './kernels/backend';
import { GpuBackend } from './kernels/gpu-backend';
import { curves } from './measure/curves';
import { perplexity } from './measure/perplexity';
import type { TrainedModel } from './models/train';
import type { CurvesRequest, FromWorker, PerplexityRequest } from './protocol';

interface Held {
  runId: string;
  model: Omit<TrainedModel, 'summary'>;
  valText: string;
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class Measurer {
  private held: Held | null = null;
  /** The id of the curves request in progress, and whether it was asked to stop. */
  private current: { id: number; cancelled: boolean } | null = null;

  constructor(
    private readonly post: (message: FromWorker) => void,
    /** Whether a training run holds the device: measuring beside it would time both. */
    private readonly training: () => boolean,
  ) {}

  get busy(): boolean {
    return this.current !== null;
  }

  /** Keeps a trained model for perplexity (the previous one is freed). */
  hold(runId: string | undefined, model: Omit<TrainedModel, 'summary'>, valText: string): void {
    this.release();
    if (runId === undefined) model.params.dispose();
    else this.held = { runId, model, valText };
  }

  /** Frees the kept model (a new run needs the memory). */
  release(): void {
    this.held?.model.params.dispose();
    this.held = null;
  }

  cancel(id: number): void {
    if (this.current?.id === id) this.current.cancelled = true;
  }

  async curves(backend: Backend, req: CurvesRequest): Promise<void> {
    const end = (error?: string, cancelled = false) =>
      this.post({ type: 'curves-end', id: req.id, cancelled, error });
    if (this.current || this.training())
      return end('The device is busy (a training run or another measurement): try again when it ends.');
    if (!(backend instanceof GpuBackend))
      return end(
        'Measuring memory and throughput needs WebGPU; this browser runs the CPU reference backend.',
      );
    const job = { id: req.id, cancelled: false };
    this.current = job;
    try {
      const lines = curves(backend, {
        preset: 'custom',
        edited: req.spec,
        contexts: req.contexts,
        runs: req.runs,
        measure: req.measure,
      });
      for await (const line of lines) {
        this.post({ type: 'curve', id: req.id, line });
        if (job.cancelled) {
          await lines.return(undefined);
          break;
        }
      }
      end(undefined, job.cancelled);
    } catch (err) {
      end(messageOf(err));
    } finally {
      this.current = null;
    }
  }

  async perplexity(backend: Backend, req: PerplexityRequest): Promise<void> {
    const reply = (r: Omit<Extract<FromWorker, { type: 'perplexity' }>, 'type' | 'id' | 'runId'>) =>
      this.post({ type: 'perplexity', id: req.id, runId: req.runId, ...r });
    const held = this.held;
    if (!held || held.runId !== req.runId)
      return reply({
        error: 'This run’s weights are no longer in the engine (only the last run’s are kept).',
      });
    if (this.current || this.training())
      return reply({
        error: 'The device is busy (a training run or another measurement): try again when it ends.',
      });
    const job = { id: -req.id - 1, cancelled: false };
    this.current = job;
    try {
      const { params, preset, tokenizer } = held.model;
      const { byPosition, byContext } = await perplexity(
        backend,
        params,
        preset.spec,
        tokenizer.encode(held.valText),
        { maxTokens: req.maxTokens },
      );
      reply({ result: { trainContext: preset.spec.contextLength, byPosition, byContext } });
    } catch (err) {
      reply({ error: messageOf(err) });
    } finally {
      this.current = null;
    }
  }
}
