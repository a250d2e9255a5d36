// One mixer on its own, for interop checks against a PyTorch module: weights named as in LAYERS.md
// (the reference implementations' names, relative to the mixer: "q_proj.weight", "A_log" …), an
// input x (B, T, D), optionally an upstream gradient dy (B, T, D). Returns y, and with dy also dx
// and grad.<name> for every parameter — the same code path the model trains with. RWKV-7 layers
// after the first also take v_first (the first layer's values) and give dv_first.
import { Graph } from '../autograd/graph';
import type { Backend } from '../kernels/backend';
import type { Tensor } from '../kernels/tensor';
import { Rng } from '../data/rng';
import { ParamStore } from './params';
import type { NamedTensor } from './safetensors';
import { MIXERS } from './model';
import { specLayers, type MixerInput, type ModelSpec } from './spec';
import { MIXER_PREFIX, mixerParams } from './spec-params';
import { resolveSpec } from './spec-validate';
import { RWKV7_V_FIRST } from './layers/rwkv7';

/** The layer runner's config file: the model width and the mixer (its kind, or kind and settings). */
export interface LayerConfig {
  width: number;
  mixer: MixerInput;
  /**
   * RWKV-7 only: whether this is the stack's first RWKV-7 layer (default true). Later layers take
   * v₀ from it and have the value-residual parameters v0, v1, v2.
   */
  first?: boolean;
}

export interface LayerResult {
  /** y; with dy also dx and grad.<parameter name>. */
  outputs: NamedTensor[];
  /** The mixer's parameters as the runner expected them (name, shape). */
  params: { name: string; shape: number[] }[];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** A one-layer spec holding the mixer, with the context length T (validated; throws SpecError). */
function layerSpec(config: LayerConfig, T: number): ModelSpec {
  if (typeof config !== 'object' || config === null || !('mixer' in config) || !('width' in config))
    throw new Error(
      'The layer config must be a JSON object with "width" and "mixer" (e.g. {"width": 64, "mixer": "gdn"}).',
    );
  return resolveSpec({
    width: config.width,
    vocab: 1,
    contextLength: T,
    stack: [{ blocks: [{ mixer: config.mixer, channel: null }] }],
  });
}

/** The mixer's parameters, checked against the given weights: every one present with its shape, none extra. */
function checkWeights(
  spec: ModelSpec,
  first: boolean,
  weights: Map<string, NamedTensor>,
): { name: string; shape: number[] }[] {
  const mixer = spec.stack[0].blocks[0].mixer;
  const expected = mixerParams(spec.width, mixer, first).map(([name, shape]) => ({ name, shape }));
  const list = expected.map((p) => `${p.name} [${p.shape}]`).join(', ');
  const problems: string[] = [];
  for (const p of expected) {
    const w = weights.get(p.name);
    if (!w) problems.push(`missing "${p.name}"`);
    else if (!sameShape(w.shape, p.shape))
      problems.push(`"${p.name}" has shape [${w.shape}], expected [${p.shape}]`);
  }
  const known = new Set(expected.map((p) => p.name));
  for (const name of weights.keys()) if (!known.has(name)) problems.push(`unexpected tensor "${name}"`);
  if (problems.length)
    throw new Error(
      `Weights do not match the ${mixer.kind} mixer: ${problems.join('; ')}. Expected: ${list}.`,
    );
  return expected;
}

/** Runs the mixer forward (and backward when dy is given) on the backend. */
export async function runLayer(
  backend: Backend,
  config: LayerConfig,
  weights: Map<string, NamedTensor>,
  x: NamedTensor,
  dy?: NamedTensor,
  /** RWKV-7 layers after the first: v₀ (B, T, D), the first layer's values. */
  vFirst?: NamedTensor,
): Promise<LayerResult> {
  if (x.shape.length !== 3) throw new Error(`Input "x" must be (B, T, D); it has shape [${x.shape}].`);
  const [B, T, D] = x.shape;
  const spec = layerSpec(config, T);
  if (D !== spec.width) throw new Error(`Input "x" has width ${D} but the config says width ${spec.width}.`);
  if (dy && !sameShape(dy.shape, x.shape))
    throw new Error(`The gradient "dy" must have the shape of x, [${x.shape}]; it has [${dy.shape}].`);
  const layer = { ...specLayers(spec)[0], first: config.first ?? true };
  const code = MIXERS[layer.mixer.kind];
  const expected = checkWeights(spec, layer.first, weights);
  const needsVFirst = layer.mixer.kind === 'rwkv7' && !layer.first;
  if (needsVFirst !== Boolean(vFirst))
    throw new Error(
      needsVFirst
        ? 'An RWKV-7 layer after the first ("first": false) needs "v_first" (B, T, D) beside "x": the first layer\'s values.'
        : '"v_first" is only for RWKV-7 layers with "first": false.',
    );
  if (vFirst && !sameShape(vFirst.shape, x.shape))
    throw new Error(`"v_first" must have the shape of x, [${x.shape}]; it has [${vFirst.shape}].`);

  const prefix = MIXER_PREFIX[layer.mixer.kind];
  const params = new ParamStore(backend, new Rng(0));
  const g = new Graph(backend);
  try {
    for (const p of expected) {
      const t = params.add(`${prefix}.${p.name}`, p.shape, {
        kind: 'custom',
        values: Float32Array.from(weights.get(p.name)!.data),
      });
      g.trainable(t);
    }
    const input = g.trainable(g.tensor([B * T, D], 'x'));
    backend.write(input, Float32Array.from(x.data));
    // RWKV-7's value residual: a later layer reads v₀ from the forward's shared map.
    const values = new Map<string, Tensor>();
    let v0: Tensor | undefined;
    if (vFirst) {
      v0 = g.trainable(g.tensor([B * T, D], 'v_first'));
      backend.write(v0, Float32Array.from(vFirst.data));
      values.set(RWKV7_V_FIRST, v0);
    }
    const y = code.forward({ g, p: params, spec, B, T, prefix, values }, layer.mixer, input);
    let dyT: Tensor | undefined;
    if (dy) {
      dyT = g.tensor([B * T, D], 'dy');
      backend.write(dyT, Float32Array.from(dy.data));
      g.setGrad(y, dyT);
      g.backward();
    }
    backend.run([...g.forwardOps, ...g.backwardOps]);
    const read = async (name: string, t: Tensor | undefined, shape: number[]): Promise<NamedTensor> => ({
      name,
      shape,
      data: t
        ? ((await backend.read(t)) as Float32Array)
        : new Float32Array(shape.reduce((a, b) => a * b, 1)),
    });
    const outputs = [await read('y', y, [B, T, D])];
    if (dy) {
      outputs.push(await read('dx', g.grad(input), [B, T, D]));
      if (v0) outputs.push(await read('dv_first', g.grad(v0), [B, T, D]));
      for (const p of expected)
        outputs.push(await read(`grad.${p.name}`, g.grad(params.get(`${prefix}.${p.name}`)), p.shape));
    }
    return { outputs, params: expected };
  } finally {
    g.dispose();
    params.dispose();
  }
}
