// Owns the engine Worker: sends typed requests and turns its events into store updates. Log rows
// arrive at training rate; they are batched and applied once per animation frame.
import type {
  CurvesRequest,
  FromWorker,
  InspectRequest,
  LogRow,
  PerplexityRequest,
  ToWorker,
} from '../src/protocol';
import { useStore } from './store';
import { MODEL_KEYS } from '../src/models/overrides';
import { writeUrlState } from './store/url-state';
import { trainBlockReason } from './stack/train-gate';

export class EngineClient {
  private readonly worker: Worker;
  private pending: LogRow[] = [];
  private frame = 0;

  constructor() {
    this.worker = new Worker(new URL('../src/worker.ts', import.meta.url), {
      type: 'module',
      name: 'engine',
    });
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => this.handle(ev.data);
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      this.flush();
      const message = `The engine worker failed: ${ev.message || 'it could not be loaded'}.`;
      const store = useStore.getState();
      if (store.backend === 'probing') store.engineFailed(message);
      else store.runFailed(message);
    };
  }

  /**
   * Starts a run of the edited stack with the form's steps and seed and the URL's training overrides
   * (its model overrides are already part of the stack). Refused while the stack cannot train.
   */
  train(): void {
    const s = useStore.getState();
    if (['starting', 'training', 'paused', 'stopping'].includes(s.status)) return;
    if (trainBlockReason(s)) return;
    this.cancelFlush();
    s.resetMetrics();
    s.runStarted(s.steps);
    writeUrlState(s.preset, s.steps, s.seed, s.task);
    const model: readonly string[] = MODEL_KEYS;
    const kept = Object.entries(s.overrides).filter(([k]) => !model.includes(k));
    const overrides = kept.length > 0 ? Object.fromEntries(kept) : undefined;
    const text = s.text ?? undefined;
    // A task's options are its defaults in the playground (the CLI sets them with --set).
    const task = s.task ? { name: s.task, options: {} } : undefined;
    const spec = s.analysis.input;
    const runId = s.beginRun();
    this.send({
      type: 'train',
      preset: s.preset,
      steps: s.steps,
      seed: s.seed,
      overrides,
      text,
      spec,
      runId,
      task,
    });
  }

  /** Sends a measuring request (curves against T, perplexity, inside views, cancel); replies go to the store. */
  measure(
    message: CurvesRequest | PerplexityRequest | InspectRequest | { type: 'cancel-curves'; id: number },
  ): void {
    this.send(message);
  }

  /** Pauses a training run after its current step; Resume continues it as if never paused. */
  pause(): void {
    const s = useStore.getState();
    if (s.status !== 'training') return;
    s.runPaused();
    this.send({ type: 'pause' });
  }

  resume(): void {
    const s = useStore.getState();
    if (s.status !== 'paused') return;
    s.runResumed();
    this.send({ type: 'resume' });
  }

  stop(): void {
    const s = useStore.getState();
    if (s.status !== 'starting' && s.status !== 'training' && s.status !== 'paused') return;
    s.runStopping();
    this.send({ type: 'stop' });
  }

  private send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private handle(msg: FromWorker): void {
    const store = useStore.getState();
    switch (msg.type) {
      case 'presets':
        store.setPresets(msg.presets);
        break;
      case 'adapter':
        store.setEngine(msg.backend, msg.adapter, msg.warning);
        store.setMemory(msg.memory);
        break;
      case 'log':
        this.pending.push(msg.row);
        this.frame ||= requestAnimationFrame(() => this.flush());
        break;
      case 'sample':
        this.flush();
        store.setSample({ step: msg.step, text: msg.text });
        break;
      case 'done':
        this.flush();
        store.runDone(msg.summary);
        store.completeRun(msg.summary);
        break;
      case 'curve':
        store.curveLine(msg.id, msg.line);
        break;
      case 'curves-end':
        store.curvesEnded(msg.id, msg.error);
        break;
      case 'perplexity':
        store.perplexityDone(msg.runId, msg.result, msg.error);
        break;
      case 'inspect':
        store.insideDone(msg.id, msg.result, msg.error);
        break;
      case 'error':
        this.flush();
        store.runFailed(msg.message);
        break;
    }
  }

  private flush(): void {
    this.cancelFlush();
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    const store = useStore.getState();
    store.runTraining();
    store.appendRows(rows);
    const accuracy = rows.findLast((r) => r.accuracy !== undefined)?.accuracy;
    if (accuracy !== undefined) store.setAccuracy(accuracy);
  }

  private cancelFlush(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }
}

let engine: EngineClient | undefined;

/** The one engine for the page, started on first use. */
export function getEngine(): EngineClient {
  engine ??= new EngineClient();
  return engine;
}
