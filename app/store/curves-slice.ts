// Curves slice: what the three charts against T overlay (the current stack, pinned presets, chosen
// runs), the measured memory/throughput rows of each spec (kept by spec key, persisted), the grid of
// contexts to measure on, and the measurement in progress with its progress.
import type { StateCreator } from 'zustand';
import type { AdapterDescription } from '../../src/gpu/device';
import type { CurveLine, CurveRow } from '../../src/measure/curves';
import type { SpecInput } from '../../src/models/spec';
import { SPEC_PRESETS } from '../../src/models/spec-presets';
import { fromInput, toInput } from '../stack/edit-spec';
import { encodeStack } from '../stack/stack-codec';
import type { StoreState } from './index';
import { saveCurves } from './persist';
import { presetInput } from './url-state';

/** Measured rows of one spec: the latest row per T, on the adapter named in the last header. */
export interface MeasuredCurves {
  key: string;
  label: string;
  adapter: AdapterDescription | null;
  rows: CurveRow[];
  /** ISO date of the last row. */
  at: string;
}

export const GRIDS = {
  tiny: [8, 16, 32],
  small: [64, 128, 256, 512],
  medium: [256, 512, 1024, 2048, 4096],
  large: [1024, 2048, 4096, 8192, 16384],
} as const;
export type GridName = keyof typeof GRIDS;

export interface MeasureJob {
  id: number;
  key: string;
  label: string;
  /** Rows asked for and rows received, over the whole queue of specs. */
  total: number;
  done: number;
  cancelling: boolean;
}

export interface CurvesSlice {
  /** Preset names overlaid beside the current stack (?compare=a,b). */
  pinned: string[];
  measured: Record<string, MeasuredCurves>;
  /** null: the adapter's default (small on software adapters, medium on hardware). */
  grid: GridName | null;
  measureJob: MeasureJob | null;
  measureError: string | null;
  togglePin(name: string): void;
  setGrid(grid: GridName): void;
  loadMeasured(list: MeasuredCurves[]): void;
  curvesStarted(job: Omit<MeasureJob, 'cancelling'>): void;
  curvesCancelling(): void;
  curveLine(id: number, line: CurveLine): void;
  curvesEnded(id: number, error?: string): void;
}

/** Canonical JSON (sorted keys) of a spec without its context length: measured rows set T themselves. */
export function specKey(input: SpecInput): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([, x]) => x !== undefined)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, x]) => [k, canon(x)]),
          )
        : v;
  // Through the editor's form, so that a preset as written and the same stack edited agree.
  return JSON.stringify(canon({ ...toInput(fromInput(input)), contextLength: undefined }));
}

/** The preset whose stack a spec has, by title ("(edited)" when other settings differ), and the stack's text form. */
export function describeSpec(input: SpecInput): { title: string; code: string } {
  const code = encodeStack(toInput(fromInput(input)).stack);
  const preset = Object.values(SPEC_PRESETS).find(
    (p) => encodeStack(toInput(fromInput(p.spec)).stack) === code,
  );
  if (!preset) return { title: 'Custom stack', code };
  const same = specKey(presetInput(preset.name)) === specKey(input);
  return { title: same ? preset.title : `${preset.title} (edited)`, code };
}

function initialPins(): string[] {
  if (typeof window === 'undefined') return [];
  const raw = new URLSearchParams(window.location.search).get('compare') ?? '';
  return raw.split(',').filter((n) => n in SPEC_PRESETS);
}

/** Writes ?compare=… by hand, leaving every other parameter exactly as written (?stack keeps its brackets). */
export function writeUrlPins(pinned: readonly string[]): void {
  const url = new URL(window.location.href);
  const parts = url.search
    .slice(1)
    .split('&')
    .filter((p) => p && !p.startsWith('compare='));
  if (pinned.length) parts.push(`compare=${pinned.join(',')}`);
  url.search = parts.join('&');
  window.history.replaceState(null, '', url);
}

export const createCurvesSlice: StateCreator<StoreState, [], [], CurvesSlice> = (set, get) => ({
  pinned: initialPins(),
  measured: {},
  grid: null,
  measureJob: null,
  measureError: null,
  togglePin: (name) => {
    const { pinned } = get();
    const next = pinned.includes(name) ? pinned.filter((n) => n !== name) : [...pinned, name];
    set({ pinned: next });
    if (typeof window !== 'undefined') writeUrlPins(next);
  },
  setGrid: (grid) => set({ grid }),
  loadMeasured: (list) =>
    set({ measured: { ...Object.fromEntries(list.map((m) => [m.key, m])), ...get().measured } }),
  curvesStarted: (job) => set({ measureJob: { ...job, cancelling: false }, measureError: null }),
  curvesCancelling: () => {
    const job = get().measureJob;
    if (job) set({ measureJob: { ...job, cancelling: true } });
  },
  curveLine: (id, line) => {
    const { measureJob: job, measured } = get();
    if (!job || job.id !== id || line.kind === 'summary') return;
    const prev = measured[job.key] ?? {
      key: job.key,
      label: job.label,
      adapter: null,
      rows: [],
      at: '',
    };
    const next: MeasuredCurves =
      line.kind === 'header'
        ? { ...prev, label: job.label, adapter: line.adapter }
        : {
            ...prev,
            rows: [...prev.rows.filter((r) => r.T !== line.T), line].sort((a, b) => a.T - b.T),
            at: new Date().toISOString(),
          };
    set({
      measured: { ...measured, [job.key]: next },
      measureJob: line.kind === 'row' ? { ...job, done: job.done + 1 } : job,
    });
    if (line.kind === 'row') void saveCurves(next);
  },
  curvesEnded: (id, error) => {
    if (get().measureJob?.id !== id) return;
    set({ measureJob: null, measureError: error ?? null });
  },
});
