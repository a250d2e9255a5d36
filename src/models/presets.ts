// Presets: a model configuration plus training hyperparameters, sized to train in minutes on a
// laptop GPU (and within the CLI's time budget on SwiftShader).

export interface ModelConfig {
  width: number;
  layers: number;
  heads: number;
  kvHeads: number;
  contextLength: number;
  ropeBase: number;
  normEps: number;
}

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

export interface Preset {
  name: string;
  description: string;
  model: ModelConfig;
  train: TrainConfig;
}

const TRAIN_DEFAULTS: TrainConfig = {
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

export const PRESETS: Record<string, Preset> = {
  transformer: {
    name: 'transformer',
    description: 'Transformer: [attention + SwiGLU] × L, RoPE, RMSNorm, tied embeddings',
    model: { width: 64, layers: 2, heads: 4, kvHeads: 4, contextLength: 64, ropeBase: 10000, normEps: 1e-5 },
    train: TRAIN_DEFAULTS,
  },
};

const MODEL_KEYS = new Set<string>([
  'width',
  'layers',
  'heads',
  'kvHeads',
  'contextLength',
  'ropeBase',
  'normEps',
]);

/** The preset with overrides applied; unknown names and keys are errors that say what exists. */
export function resolvePreset(name: string, overrides: Record<string, number> = {}): Preset {
  const base = PRESETS[name];
  if (!base) throw new Error(`Unknown preset "${name}". Presets: ${Object.keys(PRESETS).join(', ')}.`);
  const model = { ...base.model };
  const train = { ...base.train };
  for (const [k, v] of Object.entries(overrides)) {
    if (!Number.isFinite(v)) throw new Error(`Setting "${k}" must be a number, got ${v}.`);
    if (MODEL_KEYS.has(k)) (model as unknown as Record<string, number>)[k] = v;
    else if (k in train) (train as unknown as Record<string, number>)[k] = v;
    else
      throw new Error(
        `Unknown setting "${k}". Model: ${[...MODEL_KEYS].join(', ')}; training: ${Object.keys(train).join(', ')}.`,
      );
  }
  if (overrides.heads !== undefined && overrides.kvHeads === undefined) model.kvHeads = model.heads;
  const problems = validateModel(model);
  if (problems.length) throw new Error(`Invalid model settings:\n- ${problems.join('\n- ')}`);
  return { ...base, model, train };
}

export function validateModel(m: ModelConfig): string[] {
  const p: string[] = [];
  const positive = ['width', 'layers', 'heads', 'kvHeads', 'contextLength'] as const;
  for (const k of positive)
    if (!Number.isInteger(m[k]) || m[k] < 1) p.push(`${k} must be a positive integer (got ${m[k]}).`);
  if (p.length) return p;
  if (m.width % m.heads !== 0)
    p.push(`heads (${m.heads}) must divide width (${m.width}): try ${divisors(m.width).join(', ')}.`);
  else if ((m.width / m.heads) % 2 !== 0)
    p.push(`head size width/heads = ${m.width / m.heads} must be even for RoPE.`);
  if (m.heads % m.kvHeads !== 0) p.push(`kvHeads (${m.kvHeads}) must divide heads (${m.heads}).`);
  return p;
}

function divisors(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0 && d <= 32);
}
