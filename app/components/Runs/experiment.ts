// The whole experiment as a readable URL and as a JSON file: stack, hyperparameters, seed, data choice
// and compared presets (and, in the file, optionally the runs with their measured curves).
import type { SpecInput } from '../../../src/models/spec';
import { validateSpec } from '../../../src/models/spec-validate';
import { useStore, type StoreState } from '../../store';
import { writeUrlPins, type MeasuredCurves } from '../../store/curves-slice';
import type { RunRecord } from '../../store/runs-slice';
import { fromInput } from '../../stack/edit-spec';
import { MODEL_KEYS } from '../../../src/models/overrides';
import { OVERRIDE_KEYS, writeUrlState } from '../../store/url-state';

export const FORMAT = 'strata-experiment';

export interface Experiment {
  format: typeof FORMAT;
  version: 1;
  preset: string;
  spec: SpecInput;
  steps: number;
  seed: number;
  /** Training hyperparameters (batchSize, lr, warmup …); the model's are in the spec. */
  overrides: Record<string, number>;
  /** null: Moby-Dick; else the user's text (its content travels in the file, not in the URL). */
  data: { name: string; content: string } | null;
  compare: string[];
  runs?: RunRecord[];
  curves?: MeasuredCurves[];
}

const trainingOverrides = (o: Record<string, number>) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !(MODEL_KEYS as readonly string[]).includes(k)));

export function exportExperiment(s: StoreState, withRuns: boolean): Experiment {
  const e: Experiment = {
    format: FORMAT,
    version: 1,
    preset: s.preset,
    spec: s.analysis.input,
    steps: s.steps,
    seed: s.seed,
    overrides: trainingOverrides(s.overrides),
    data: s.text,
    compare: s.pinned,
  };
  if (withRuns) {
    e.runs = s.runs;
    e.curves = Object.values(s.measured);
  }
  return e;
}

/** Checks a parsed file; the message says what is wrong. */
export function readExperiment(raw: unknown): Experiment {
  const e = raw as Partial<Experiment> | null;
  if (!e || typeof e !== 'object' || e.format !== FORMAT)
    throw new Error(`This file is not a Strata experiment (expected "format": "${FORMAT}").`);
  if (typeof e.preset !== 'string' || !e.spec || typeof e.steps !== 'number' || typeof e.seed !== 'number')
    throw new Error('The experiment file lacks its preset, spec, steps or seed.');
  const problems = validateSpec(e.spec);
  if (problems.length)
    throw new Error(
      `The experiment's stack is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
  return e as Experiment;
}

/** Makes the experiment the page's: stack (undoable), form, hyperparameters, data, compared presets, runs. */
export function applyExperiment(e: Experiment): void {
  useStore.setState({
    preset: e.preset,
    steps: e.steps,
    seed: e.seed,
    overrides: { ...e.overrides },
    text: e.data ?? null,
    pinned: e.compare ?? [],
  });
  const s = useStore.getState();
  s.editStack(() => fromInput(e.spec));
  writeUrlState(e.preset, e.steps, e.seed);
  writeUrlPins(e.compare ?? []);
  if (e.runs?.length) s.addRuns(e.runs);
  if (e.curves?.length) s.loadMeasured(e.curves);
}

/**
 * The page's address with the whole experiment in it: the stack and model settings (kept there by the
 * editor), preset, steps, seed, training hyperparameters, compared presets and, for a user's file, its name.
 */
export function shareUrl(s: StoreState): string {
  const url = new URL(window.location.href);
  const ours = new Set<string>(['preset', 'steps', 'seed', 'data', 'compare', ...OVERRIDE_KEYS]);
  (MODEL_KEYS as readonly string[]).forEach((k) => ours.delete(k));
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((p) => p && !ours.has(decodeURIComponent(p.split('=')[0])));
  const enc = encodeURIComponent;
  const added = [`preset=${enc(s.preset)}`, `steps=${s.steps}`, `seed=${s.seed}`];
  for (const [k, v] of Object.entries(trainingOverrides(s.overrides))) added.push(`${k}=${v}`);
  if (s.pinned.length) added.push(`compare=${s.pinned.join(',')}`);
  if (s.text) added.push(`data=${enc(s.text.name)}`);
  url.search = [...added, ...kept].join('&');
  return url.toString();
}

/** The text file named in the address (?data=…) when the page does not have it. */
export function missingData(s: Pick<StoreState, 'text'>): string | null {
  if (typeof window === 'undefined') return null;
  const name = new URLSearchParams(window.location.search).get('data');
  return name && s.text?.name !== name ? name : null;
}
