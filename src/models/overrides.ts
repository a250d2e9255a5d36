// Training settings and their defaults, and the model overrides (`--set width=…`, the page's
// settings) applied to a spec. Free of model code, so the page can import it without the kernels.
import type { MixerInput, SpecInput } from './spec';

export interface TrainConfig {
  batchSize: number;
  lr: number;
  warmup: number;
  minLrRatio: number;
  weightDecay: number;
  clip: number;
  beta1: number;
  beta2: number;
  logEvery: number;
  evalEvery: number;
  evalBatches: number;
  sampleEvery: number;
  sampleLength: number;
  temperature: number;
  topK: number;
}

export const TRAIN_DEFAULTS: TrainConfig = {
  batchSize: 16,
  lr: 3e-3,
  warmup: 20,
  minLrRatio: 0.1,
  weightDecay: 0.1,
  clip: 1,
  beta1: 0.9,
  beta2: 0.99,
  logEvery: 10,
  evalEvery: 50,
  evalBatches: 4,
  sampleEvery: 100,
  sampleLength: 120,
  temperature: 0.8,
  topK: 20,
};

/**
 * Model overrides: top-level sizes, every attention mixer's heads/kvHeads/window, the layer count,
 * the recurrent state sizes (every Mamba/Mamba-2 mixer's dState, every Gated DeltaNet's headDim),
 * and the short conv width convSize of every attention (Primer's q, k, v convs; 0 = none) and Gated
 * DeltaNet mixer, the two kinds whose field has that name.
 */
export const MODEL_KEYS = [
  'width',
  'contextLength',
  'heads',
  'kvHeads',
  'window',
  'layers',
  'dState',
  'headDim',
  'convSize',
] as const;
/** The mixers each per-kind key sets; a stack with none of them refuses the key. */
const STATE_KEYS = {
  dState: ['mamba', 'mamba2'],
  headDim: ['gdn'],
  convSize: ['attention', 'gdn'],
} as const;
export type ModelKey = (typeof MODEL_KEYS)[number];

export function withOverrides(input: SpecInput, o: Partial<Record<ModelKey, number>>): SpecInput {
  const attention = (m: MixerInput): MixerInput => {
    const kind = typeof m === 'string' ? m : m.kind;
    if (kind !== 'attention') return m;
    const base = typeof m === 'string' ? { kind: 'attention' as const } : m;
    const set = Object.fromEntries(
      (['heads', 'kvHeads', 'window'] as const).filter((k) => o[k] !== undefined).map((k) => [k, o[k]]),
    );
    if (o.heads !== undefined && o.kvHeads === undefined) set.kvHeads = o.heads;
    return { ...base, ...set } as MixerInput;
  };
  const stateSize = (m: MixerInput): MixerInput => {
    const kind = typeof m === 'string' ? m : m.kind;
    const base = typeof m === 'string' ? { kind } : m;
    const set = Object.entries(STATE_KEYS).filter(
      ([k, kinds]) => o[k as ModelKey] !== undefined && (kinds as readonly string[]).includes(kind),
    );
    return set.length
      ? ({ ...base, ...Object.fromEntries(set.map(([k]) => [k, o[k as ModelKey]])) } as MixerInput)
      : m;
  };
  for (const [k, kinds] of Object.entries(STATE_KEYS)) {
    const used = input.stack.some((g) =>
      g.blocks.some((b) =>
        (kinds as readonly string[]).includes(typeof b.mixer === 'string' ? b.mixer : b.mixer.kind),
      ),
    );
    if (o[k as ModelKey] !== undefined && !used)
      throw new Error(`The "${k}" setting applies to ${kinds.join(' and ')} mixers; this stack has none.`);
  }
  let stack = input.stack.map((g) => ({
    ...g,
    blocks: g.blocks.map((b) => ({ ...b, mixer: stateSize(attention(b.mixer)) })),
  }));
  if (o.layers !== undefined) {
    if (stack.length !== 1 || stack[0].blocks.length !== 1) {
      throw new Error(
        'The "layers" setting applies to stacks of one repeated block; edit the stack\'s repeat counts instead.',
      );
    }
    stack = [{ ...stack[0], repeat: o.layers }];
  }
  return {
    ...input,
    width: o.width ?? input.width,
    contextLength: o.contextLength ?? input.contextLength,
    stack,
  };
}
