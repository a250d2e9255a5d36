// A run's configuration: the preset's model spec (spec-presets.ts) with overrides applied, resolved
// for the tokenizer's vocabulary, plus training hyperparameters. Unknown names and invalid settings
// are errors that say what to change.
import type { ModelSpec, SpecInput } from './spec';
import { MODEL_KEYS, TRAIN_DEFAULTS, withOverrides, type ModelKey, type TrainConfig } from './overrides';

import { SPEC_PRESETS } from './spec-presets';
import { resolveSpec } from './spec-validate';

export interface Preset {
  name: string;
  title: string;
  description: string;
  spec: ModelSpec;
  train: TrainConfig;
}

/**
 * The preset with overrides applied, for a vocabulary of `vocab` tokens. With `edited` (a stack edited
 * in the playground), that spec replaces the preset's own and the preset only names the run.
 */
export function resolvePreset(
  name: string,
  overrides: Record<string, number> = {},
  vocab?: number,
  edited?: SpecInput,
): Preset {
  const named = SPEC_PRESETS[name];
  const base = edited
    ? { title: `${named?.title ?? 'Custom'} (edited)`, description: 'an edited stack', spec: edited }
    : named;
  if (!base) throw new Error(`Unknown preset "${name}". Presets: ${Object.keys(SPEC_PRESETS).join(', ')}.`);
  const train = { ...TRAIN_DEFAULTS };
  const model: Partial<Record<ModelKey, number>> = {};
  for (const [k, v] of Object.entries(overrides)) {
    if (!Number.isFinite(v)) throw new Error(`Setting "${k}" must be a number, got ${v}.`);
    if ((MODEL_KEYS as readonly string[]).includes(k)) model[k as ModelKey] = v;
    else if (k in train) (train as unknown as Record<string, number>)[k] = v;
    else {
      throw new Error(
        `Unknown setting "${k}". Model: ${MODEL_KEYS.join(', ')}; training: ${Object.keys(train).join(', ')}.`,
      );
    }
  }
  const spec = resolveSpec({ ...withOverrides(base.spec, model), vocab: vocab ?? base.spec.vocab });
  return { name, title: base.title, description: base.description, spec, train };
}
