// The engine loop behind the typed protocol (protocol.ts), run as a module Worker. On start it opens
// WebGPU (or says clearly that it falls back to the CPU reference backend), then serves 'train' and
// 'stop' messages: it fetches the corpus, runs trainModel and forwards logs, samples and the summary.
import type { Backend } from './kernels/backend';
import { CpuBackend } from './kernels/cpu-backend';
import { GpuBackend } from './kernels/gpu-backend';
import { adapterLabel, openGpu } from './gpu/device';
import { train as trainKeeping, type TrainEvents } from './models/train';
import { trainTask } from './models/task-train';
import { taskDef } from './data/tasks';
import { taskOptions } from './data/tasks/task';
import { Measurer } from './worker-curves';
import { Inspector } from './measure/inspect-worker';
import { resolvePreset } from './models/presets';
import { SPEC_PRESETS } from './models/spec-presets';
import { splitText } from './data/corpus';
import { CharTokenizer } from './data/tokenizer';
import { checkFit, memoryLimits, type MemoryLimits } from './measure/memory-fit';
import type { FromWorker, PresetInfo, ToWorker, TrainRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: FromWorker): void => scope.postMessage(message);
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const NO_WEBGPU =
  'This browser exposes no WebGPU to workers, so training runs on the CPU reference backend: ' +
  'slow, tiny models only. Use Chrome or Edge 113+ (or Chromium with --enable-unsafe-webgpu).';

/** The preset gallery: every preset with its paper. */
function presetGallery(): PresetInfo[] {
  return Object.values(SPEC_PRESETS).map(({ name, title, description, papers }) => ({
    name,
    title,
    description,
    papers,
  }));
}

post({ type: 'presets', presets: presetGallery() });

const deviceMemoryGb = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
/** The CPU backend's largest typed array the engine allocates at once. */
const CPU_MAX_BUFFER = 2 ** 31;
/** What the chosen backend can hold; set once it is open. */
let limits: MemoryLimits = memoryLimits(CPU_MAX_BUFFER, deviceMemoryGb);

/** Resolves once the backend is chosen; the choice is always announced with an 'adapter' message. */
const backendReady: Promise<Backend> = openBackend();

async function openBackend(): Promise<Backend> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) {
    post({ type: 'adapter', adapter: null, backend: 'cpu', warning: NO_WEBGPU, memory: limits });
    return yielding(new CpuBackend());
  }
  try {
    // Device errors (validation, out-of-memory, device lost) surface as they happen.
    const opened = await openGpu(gpu, (message) => post({ type: 'error', message }));
    const { adapter } = opened;
    const name = [adapter.vendor, adapter.architecture].filter((s) => !s.startsWith('unknown')).join(' ');
    const warning = adapter.isSoftware
      ? `Software adapter (${name || adapterLabel(adapter)}): the WebGPU kernels run on the CPU here, ` +
        'so training is slow and its timings are not GPU timings.'
      : undefined;
    limits = memoryLimits(opened.device.limits.maxStorageBufferBindingSize, deviceMemoryGb);
    post({ type: 'adapter', adapter, backend: 'webgpu', warning, memory: limits });
    return new GpuBackend(opened);
  } catch (err) {
    post({
      type: 'adapter',
      adapter: null,
      backend: 'cpu',
      warning: `WebGPU could not start: ${messageOf(err).replace(/\.?$/, '.')} Training runs on the CPU reference backend: slow, tiny models only.`,
      memory: limits,
    });
    return yielding(new CpuBackend());
  }
}

/**
 * The CPU backend resolves reads at once, so a training loop over it would never let the worker
 * see a 'stop' message. This view of the backend yields one macrotask after each read and sync.
 */
function yielding(inner: Backend): Backend {
  const nextTask = () =>
    new Promise<void>((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    });
  const read: Backend['read'] = async (...args) => {
    const data = await inner.read(...args);
    await nextTask();
    return data;
  };
  const sync: Backend['sync'] = async () => {
    await inner.sync();
    await nextTask();
  };
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'read') return read;
      if (prop === 'sync') return sync;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

let corpus: Promise<{ train: string; val: string }> | undefined;

async function fetchText(name: string): Promise<string> {
  const url = new URL(`${import.meta.env.BASE_URL}data/${name}`, scope.location.href);
  const res = await fetch(url);
  if (!res.ok) {
    throw new Error(
      `Could not load ${url.pathname} (HTTP ${res.status}). Run \`npm run prepare-data\` to build the corpus.`,
    );
  }
  return res.text();
}

function loadCorpus(): Promise<{ train: string; val: string }> {
  corpus ??= Promise.all([fetchText('moby-dick.train.txt'), fetchText('moby-dick.val.txt')]).then(
    ([train, val]) => ({ train, val }),
  );
  corpus.catch(() => (corpus = undefined)); // retry on the next run after a failed fetch
  return corpus;
}

/**
 * Refuses, before anything is allocated, a model whose training step the backend cannot hold.
 * `overrides` are the preset settings the run applies (a task adds its training length).
 */
function refuseIfTooLarge(req: TrainRequest, vocab: number, overrides = req.overrides): void {
  const { spec, train } = resolvePreset(req.preset, overrides, vocab, req.spec);
  const fit = checkFit(spec, train.batchSize, limits);
  if (!fit.ok) throw new Error(fit.message);
}

let running = false;
let stopRequested = false;
/** While paused: the promise the training loop waits on, and what resolves it ('resume' or 'stop'). */
let pauseGate: { promise: Promise<void>; resume: () => void } | undefined;

function pause(): void {
  if (!running || pauseGate) return;
  let resume = () => {};
  const promise = new Promise<void>((resolve) => (resume = resolve));
  pauseGate = { promise, resume };
}

function resume(): void {
  pauseGate?.resume();
  pauseGate = undefined;
}
const measurer = new Measurer(post, () => running);
const inspector = new Inspector(post, () => running || measurer.busy);

async function train(req: TrainRequest): Promise<void> {
  // An inspection of the last run takes a second or so: wait for it rather than refuse the run.
  if (!running && !measurer.busy) await inspector.idle();
  if (running || measurer.busy || inspector.busy) {
    post({
      type: 'error',
      message: running
        ? 'A training run is already in progress: stop it before starting another.'
        : 'A measurement is in progress: wait for it or cancel it before training.',
    });
    return;
  }
  running = true;
  stopRequested = false;
  pauseGate = undefined;
  const events: TrainEvents = {
    onLog: (row) => post({ type: 'log', row }),
    onSample: (step, text) => post({ type: 'sample', step, text }),
    shouldStop: () => stopRequested,
    paused: () => pauseGate?.promise,
  };
  try {
    if (req.task) {
      await trainOnTask(req, req.task, events);
      return;
    }
    const data = req.text ? splitText(req.text.content, `"${req.text.name}"`) : await loadCorpus();
    const backend = await backendReady;
    refuseIfTooLarge(req, new CharTokenizer(data.train).vocabSize);
    measurer.release();
    inspector.release();
    const { summary, ...model } = await trainKeeping(backend, req, data, events);
    measurer.hold(req.runId, model, data.val);
    inspector.hold(req.runId, model);
    post({ type: 'done', summary });
  } catch (err) {
    post({ type: 'error', message: messageOf(err) });
  } finally {
    running = false;
    pauseGate = undefined;
  }
}

/**
 * A run on a synthetic task: the task makes its own batches at its training length, and the log rows
 * carry the held-out accuracy. No text model is kept (perplexity and inside views need one).
 */
async function trainOnTask(req: TrainRequest, task: NonNullable<TrainRequest['task']>, events: TrainEvents) {
  const def = taskDef(task.name);
  const vocab = def.make(taskOptions(def, task.options)).vocab;
  const backend = await backendReady;
  refuseIfTooLarge(req, vocab, { contextLength: def.trainLength, ...req.overrides });
  measurer.release();
  inspector.release();
  const overrides = { ...req.overrides, ...task.options };
  const { summary, params } = await trainTask(backend, { ...req, overrides, task: task.name }, events);
  params.dispose();
  post({ type: 'done', summary });
}

scope.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  switch (msg.type) {
    case 'train':
      void train(msg);
      break;
    case 'stop':
      stopRequested = true;
      resume(); // a paused loop wakes up to see the stop
      break;
    case 'pause':
      pause();
      break;
    case 'resume':
      resume();
      break;
    case 'curves':
      void backendReady.then((backend) => measurer.curves(backend, msg));
      break;
    case 'cancel-curves':
      measurer.cancel(msg.id);
      break;
    case 'perplexity':
      void backendReady.then((backend) => measurer.perplexity(backend, msg));
      break;
    case 'inspect':
      void backendReady.then((backend) => inspector.inspect(backend, msg));
      break;
  }
};

scope.addEventListener('unhandledrejection', (ev) => post({ type: 'error', message: messageOf(ev.reason) }));
