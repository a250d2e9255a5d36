// Runs slice: every finished training run (its spec, settings, summary, loss history, perplexity),
// kept in IndexedDB across reloads; which runs the charts overlay; the perplexity measurement in progress.
import type { StateCreator } from 'zustand';
import type { AdapterDescription } from '../../src/gpu/device';
import { modelCost } from '../../src/measure/cost-model';
import type { SpecInput } from '../../src/models/spec';
import { resolveSpec } from '../../src/models/spec-validate';
import type { PerplexityResult, TrainSummary } from '../../src/protocol';
import { describeSpec, specKey } from './curves-slice';
import type { StoreState } from './index';
import type { LossPoint } from './metrics-slice';
import { deleteSavedRun, loadSaved, saveRun } from './persist';

export interface RunSettings {
  preset: string;
  steps: number;
  seed: number;
  overrides: Record<string, number>;
  /** "Moby-Dick" or the user's file name. */
  data: string;
}

export interface RunRecord {
  id: string;
  /** ISO date the run finished. */
  date: string;
  /** The preset title the stack matches, or "Custom stack"; and the stack's text form. */
  title: string;
  code: string;
  spec: SpecInput;
  specKey: string;
  settings: RunSettings;
  summary: TrainSummary;
  /** Decode state at T = 4096 by the cost model, bytes (null if the spec cannot be costed). */
  stateBytes4k: number | null;
  trainContext: number;
  adapter: string;
  loss: LossPoint[];
  perplexity?: PerplexityResult;
}

/** What a run was started with, kept until it finishes. */
type Draft = Pick<RunRecord, 'id' | 'spec' | 'settings'>;

export interface RunsSlice {
  runs: RunRecord[];
  /** Run ids the charts overlay. */
  overlay: string[];
  draft: Draft | null;
  /** The run whose perplexity is being measured, and the last error. */
  perplexityRun: string | null;
  perplexityError: string | null;
  /** The run whose weights the engine still holds (the last one finished in this visit). */
  heldRun: string | null;
  /** Runs loaded from IndexedDB (once, at start). */
  runsLoaded: boolean;
  /** Records what a run starts with; returns its id. */
  beginRun(): string;
  /** Turns the draft into a finished run (overlaid at once) and saves it. */
  completeRun(summary: TrainSummary): void;
  deleteRun(id: string): void;
  toggleOverlay(id: string): void;
  addRuns(runs: RunRecord[]): void;
  perplexityStarted(runId: string): void;
  perplexityDone(runId: string, result?: PerplexityResult, error?: string): void;
  loadSavedState(): Promise<void>;
}

/** Above this many points a run's loss history is thinned evenly (validation points all kept). */
const MAX_LOSS_POINTS = 400;

function thinLoss(points: LossPoint[]): LossPoint[] {
  if (points.length <= MAX_LOSS_POINTS) return points;
  const stride = Math.ceil(points.length / MAX_LOSS_POINTS);
  return points.filter((p, i) => i % stride === 0 || p.valLoss !== undefined || i === points.length - 1);
}

function stateAt4k(spec: SpecInput): number | null {
  try {
    return modelCost(resolveSpec({ ...spec, contextLength: 4096 }), 4096).decodeStateBytes;
  } catch {
    return null;
  }
}

export function adapterText(a: AdapterDescription | null, backend: string): string {
  if (!a) return backend === 'cpu' ? 'CPU reference backend' : 'unknown';
  const name = [a.vendor, a.architecture].filter((s) => s && !s.startsWith('unknown')).join(' ');
  return `${name || 'WebGPU adapter'}${a.isSoftware ? ' (software)' : ''}`;
}

export const createRunsSlice: StateCreator<StoreState, [], [], RunsSlice> = (set, get) => ({
  runs: [],
  overlay: [],
  draft: null,
  perplexityRun: null,
  perplexityError: null,
  heldRun: null,
  runsLoaded: false,
  beginRun: () => {
    const s = get();
    const id = `run-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
    const settings: RunSettings = {
      preset: s.preset,
      steps: s.steps,
      seed: s.seed,
      overrides: { ...s.overrides },
      data: s.text?.name ?? 'Moby-Dick',
    };
    set({ draft: { id, spec: s.analysis.input, settings } });
    return id;
  },
  completeRun: (summary) => {
    const s = get();
    const d = s.draft;
    if (!d) return;
    const { title, code } = describeSpec(d.spec);
    const run: RunRecord = {
      ...d,
      date: new Date().toISOString(),
      title,
      code,
      specKey: specKey(d.spec),
      summary,
      stateBytes4k: stateAt4k(d.spec),
      trainContext: d.spec.contextLength,
      adapter: adapterText(s.adapter, s.backend),
      loss: thinLoss(s.points),
    };
    set({ runs: [...s.runs, run], overlay: [...s.overlay, run.id], draft: null, heldRun: run.id });
    void saveRun(run);
  },
  deleteRun: (id) => {
    const s = get();
    set({ runs: s.runs.filter((r) => r.id !== id), overlay: s.overlay.filter((o) => o !== id) });
    void deleteSavedRun(id);
  },
  toggleOverlay: (id) => {
    const { overlay } = get();
    set({ overlay: overlay.includes(id) ? overlay.filter((o) => o !== id) : [...overlay, id] });
  },
  addRuns: (runs) => {
    const known = new Set(get().runs.map((r) => r.id));
    const fresh = runs.filter((r) => !known.has(r.id));
    set({ runs: [...get().runs, ...fresh].sort((a, b) => a.date.localeCompare(b.date)) });
    fresh.forEach((r) => void saveRun(r));
  },
  perplexityStarted: (runId) => set({ perplexityRun: runId, perplexityError: null }),
  perplexityDone: (runId, result, error) => {
    const s = get();
    if (s.perplexityRun !== runId) return;
    const runs = result ? s.runs.map((r) => (r.id === runId ? { ...r, perplexity: result } : r)) : s.runs;
    set({ runs, perplexityRun: null, perplexityError: error ?? null });
    const run = runs.find((r) => r.id === runId);
    if (result && run) void saveRun(run);
  },
  loadSavedState: async () => {
    const saved = await loadSaved();
    const known = new Set(get().runs.map((r) => r.id));
    set({
      runs: [...saved.runs.filter((r) => !known.has(r.id)), ...get().runs],
      runsLoaded: true,
    });
    get().loadMeasured(saved.curves);
  },
});
