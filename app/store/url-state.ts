// URL state: the experiment is readable from the address bar. ?preset=…&steps=…&seed=… set the form, and the
// preset overrides the engine accepts (?contextLength=16&batchSize=2 …) pass through to it.
export const OVERRIDE_KEYS = [
  'batchSize',
  'contextLength',
  'logEvery',
  'evalEvery',
  'sampleEvery',
  'lr',
  'layers',
  'width',
  'heads',
  'kvHeads',
  'warmup',
  'evalBatches',
  'sampleLength',
  'temperature',
  'topK',
] as const;

export const DEFAULT_STEPS = 300;
export const DEFAULT_SEED = 1;
export const DEFAULT_PRESET = 'transformer';

export interface UrlState {
  preset: string;
  steps: number;
  seed: number;
  overrides: Record<string, number>;
}

function num(params: URLSearchParams, key: string): number | undefined {
  const raw = params.get(key);
  if (raw === null || raw.trim() === '') return undefined;
  const v = Number(raw);
  return Number.isFinite(v) ? v : undefined;
}

export function parseUrlState(search: string): UrlState {
  const params = new URLSearchParams(search);
  const overrides: Record<string, number> = {};
  for (const key of OVERRIDE_KEYS) {
    const v = num(params, key);
    if (v !== undefined) overrides[key] = v;
  }
  const steps = num(params, 'steps');
  const seed = num(params, 'seed');
  const preset = params.get('preset')?.trim().toLowerCase() ?? '';
  return {
    // Only the shape is checked here; an unknown name falls back once the worker lists its presets.
    preset: /^[a-z0-9][a-z0-9-]{0,40}$/.test(preset) ? preset : DEFAULT_PRESET,
    steps: steps !== undefined && steps >= 1 ? Math.floor(steps) : DEFAULT_STEPS,
    seed: seed !== undefined ? Math.floor(seed) : DEFAULT_SEED,
    overrides,
  };
}

/** Writes the chosen preset to the address bar without a navigation. */
export function writeUrlPreset(preset: string): void {
  const url = new URL(window.location.href);
  url.searchParams.set('preset', preset);
  window.history.replaceState(null, '', url);
}

/** Writes the preset, steps and seed back to the address bar without a navigation. */
export function writeUrlState(preset: string, steps: number, seed: number): void {
  const url = new URL(window.location.href);
  url.searchParams.set('preset', preset);
  url.searchParams.set('steps', String(steps));
  url.searchParams.set('seed', String(seed));
  window.history.replaceState(null, '', url);
}

export const initialUrlState: UrlState =
  typeof window === 'undefined'
    ? { preset: DEFAULT_PRESET, steps: DEFAULT_STEPS, seed: DEFAULT_SEED, overrides: {} }
    : parseUrlState(window.location.search);
