// URL state: the experiment is readable from the address bar. ?preset=…&steps=…&seed=… set the form, and the
// preset overrides the engine accepts (?contextLength=16&batchSize=2 …) pass through to it. An edited
// stack is written as ?stack=(gdn.swiglu*3,attention[qkNorm;postNorm].swiglu)x2 (stack-codec.ts), with
// ?width, ?contextLength, ?norm, ?tied and ?embedNorm where they differ from the preset's.
import type { SpecInput } from '../../src/models/spec';
import { NORM_KINDS, type NormKind } from '../../src/models/spec';
import { PRESET_VOCAB, SPEC_PRESETS } from '../../src/models/spec-presets';
import { MODEL_KEYS, withOverrides } from '../../src/models/overrides';
import { decodeStack, encodeStack } from '../stack/stack-codec';
import { TASKS } from '../../src/data/tasks';
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
  /** ?task=mqar: a synthetic task as the training data (its name; the worker checks it). */
  task: string | null;
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
  const task = params.get('task')?.trim().toLowerCase() ?? '';
  return {
    // Only the shape is checked here; an unknown name falls back once the worker lists its presets.
    preset: /^[a-z0-9][a-z0-9-]{0,40}$/.test(preset) ? preset : DEFAULT_PRESET,
    steps: steps !== undefined && steps >= 1 ? Math.floor(steps) : DEFAULT_STEPS,
    seed: seed !== undefined ? Math.floor(seed) : DEFAULT_SEED,
    overrides,
    task: Object.hasOwn(TASKS, task) ? task : null,
  };
}

/** Writes the chosen preset to the address bar without a navigation. */
export function writeUrlPreset(preset: string): void {
  const url = new URL(window.location.href);
  url.searchParams.set('preset', preset);
  window.history.replaceState(null, '', url);
}

/** Writes the preset, steps, seed and task (none: text data) back to the address bar without a navigation. */
export function writeUrlState(preset: string, steps: number, seed: number, task: string | null = null): void {
  const url = new URL(window.location.href);
  url.searchParams.set('preset', preset);
  url.searchParams.set('steps', String(steps));
  url.searchParams.set('seed', String(seed));
  window.history.replaceState(null, '', url);
  writeUrlTask(task);
}

/** Writes the chosen task (?task=…) to the address bar, or removes it for text data. */
export function writeUrlTask(task: string | null): void {
  const url = new URL(window.location.href);
  if (task) url.searchParams.set('task', task);
  else url.searchParams.delete('task');
  window.history.replaceState(null, '', url);
}

const flag = (params: URLSearchParams, key: string): boolean | undefined => {
  const v = params.get(key);
  return v === null ? undefined : v !== '0' && v !== 'false';
};

/** The preset's spec as written, the default preset's for an unknown name. */
export function presetInput(preset: string): SpecInput {
  return { ...(SPEC_PRESETS[preset] ?? SPEC_PRESETS[DEFAULT_PRESET]).spec, vocab: PRESET_VOCAB };
}

/**
 * The stack the page opens with: the preset's, or ?stack=…, with ?norm, ?tied, ?embedNorm and the
 * model overrides (?width, ?contextLength, ?heads …) applied. A stack that cannot be read leaves the
 * preset's, and says why.
 */
export function initialSpec(search: string, preset: string): { spec: SpecInput; problem: string | null } {
  const params = new URLSearchParams(search);
  let spec = presetInput(preset);
  let problem: string | null = null;
  const text = params.get('stack');
  if (text) {
    try {
      spec = { ...spec, stack: decodeStack(text) };
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
    }
  }
  const norm = params.get('norm');
  if (norm && (NORM_KINDS as readonly string[]).includes(norm)) spec = { ...spec, norm: norm as NormKind };
  const tied = flag(params, 'tied');
  if (tied !== undefined) spec = { ...spec, tiedEmbeddings: tied };
  const embedNorm = flag(params, 'embedNorm');
  if (embedNorm !== undefined) spec = { ...spec, embedNorm };
  // Each model override on its own: one that does not apply to this stack ("layers" on a stack of
  // several groups, dState without a Mamba) is reported and skipped, the others still apply.
  for (const key of MODEL_KEYS) {
    const v = num(params, key);
    if (v === undefined) continue;
    try {
      spec = withOverrides(spec, { [key]: v });
    } catch (err) {
      problem ??= err instanceof Error ? err.message : String(err);
    }
  }
  return { spec, problem };
}

/**
 * Writes the edited stack to the address bar: ?stack and the model-wide settings where they differ
 * from the preset's (so an unedited preset keeps a short address), and drops the model overrides
 * that are now part of the stack.
 */
export function writeUrlSpec(preset: string, spec: SpecInput): void {
  const base = presetInput(preset);
  const url = new URL(window.location.href);
  const params = url.searchParams;
  for (const key of ['stack', 'norm', 'tied', 'embedNorm', ...MODEL_KEYS]) params.delete(key);
  const setIf = (key: string, value: unknown, def: unknown, text = String(value)) => {
    if (value !== def) params.set(key, text);
  };
  setIf('width', spec.width, base.width);
  setIf('contextLength', spec.contextLength, base.contextLength);
  setIf('norm', spec.norm ?? 'rmsnorm', base.norm ?? 'rmsnorm');
  setIf('tied', spec.tiedEmbeddings ?? true, base.tiedEmbeddings ?? true, spec.tiedEmbeddings ? '1' : '0');
  setIf('embedNorm', spec.embedNorm ?? false, base.embedNorm ?? false, spec.embedNorm ? '1' : '0');
  const stack = encodeStack(spec.stack);
  // Written by hand: URLSearchParams would percent-encode the brackets and commas it is made of.
  const query = params.toString();
  url.search = stack === encodeStack(base.stack) ? query : `${query ? `${query}&` : ''}stack=${stack}`;
  window.history.replaceState(null, '', url);
}

export const initialUrlState: UrlState =
  typeof window === 'undefined'
    ? { preset: DEFAULT_PRESET, steps: DEFAULT_STEPS, seed: DEFAULT_SEED, overrides: {}, task: null }
    : parseUrlState(window.location.search);
