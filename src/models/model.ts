// A trainable model from a resolved spec: its parameters are exactly `specParams(spec)` (LAYERS.md
// names), and its forward walks the stack: embedding → [block]* → final norm → lm_head.
// Pre-norm blocks: h = x + mixer(norm(x)); y = h + channel(norm(h)). OLMo 2 post-norm blocks:
// h = x + norm(mixer(x)); y = h + norm(channel(h)). Mixers whose layer code has not landed yet are
// reported by `unsupportedLayers` before anything is allocated.
import type { Graph } from '../autograd/graph';
import * as op from '../autograd/ops';
import type { Tensor } from '../kernels/tensor';
import type { Init, ParamStore } from './params';
import {
  specLayers,
  type Channel,
  type GdnMixer,
  type MambaMixer,
  type Layer,
  type Mixer,
  type ModelSpec,
  type SpecProblem,
} from './spec';
import { CHANNEL_PREFIX, MIXER_PREFIX, specParams, type ParamShape } from './spec-params';
import { norm, type DecodeContext, type LayerContext } from './layers/context';
import { attentionMixer } from './layers/attention';
import { gdnInit, gdnMixer } from './layers/gdn';
import { mambaInit, mambaMixer } from './layers/mamba';
import { mlpChannel, swigluChannel } from './layers/channels';

/**
 * A mixer's forward, the initialisation of its parameters the model's rules do not cover, and its
 * decode step: one token x (B, D) → y (B, D), reading and updating the layer's state in place.
 */
export interface MixerCode {
  forward: (c: LayerContext, m: Mixer, x: Tensor) => Tensor;
  init?: (s: ParamShape) => Init | undefined;
  step?: (c: DecodeContext, m: Mixer, x: Tensor) => Tensor;
}
type ChannelForward = (c: LayerContext, x: Tensor) => Tensor;

export const MIXERS: Partial<Record<Mixer['kind'], MixerCode>> = {
  attention: { forward: (c, m, x) => attentionMixer(c, m as Extract<Mixer, { kind: 'attention' }>, x) },
  gdn: { forward: (c, m, x) => gdnMixer(c, m as GdnMixer, x), init: gdnInit },
  mamba: { forward: (c, m, x) => mambaMixer(c, m as MambaMixer, x), init: mambaInit },
};
const CHANNELS: Partial<Record<Channel['kind'], ChannelForward>> = {
  swiglu: swigluChannel,
  mlp: mlpChannel,
};

/** Layers of the spec that cannot be trained yet, with the path of the block and what to do. */
export function unsupportedLayers(spec: ModelSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const seen = new Set<string>();
  const trainable = `trainable today: mixers ${Object.keys(MIXERS).join(', ')}; channels ${Object.keys(CHANNELS).join(', ')}`;
  for (const l of specLayers(spec)) {
    if (!MIXERS[l.mixer.kind] && !seen.has(`${l.path}.mixer`)) {
      seen.add(`${l.path}.mixer`);
      problems.push({
        path: `${l.path}.mixer`,
        message: `the ${l.mixer.kind} mixer can be specified and costed but not trained yet (${trainable}).`,
      });
    }
    if (l.channel && !CHANNELS[l.channel.kind] && !seen.has(`${l.path}.channel`)) {
      seen.add(`${l.path}.channel`);
      problems.push({
        path: `${l.path}.channel`,
        message: `the ${l.channel.kind} channel can be specified and costed but not trained yet (${trainable}).`,
      });
    }
  }
  return problems;
}

/** GPT-2 style: N(0, 0.02), output projections scaled by 1/√(2L); norms at 1 (biases 0). */
function initOf(s: ParamShape, layers: number): Init {
  if (s.role === 'norm') return { kind: 'const', value: s.name.endsWith('.bias') ? 0 : 1 };
  if (s.role === 'embedding') return { kind: 'normal', std: 0.02 };
  if (s.role === 'linear') {
    const residualOut = /\.(o_proj|down_proj|out_proj|output)\.weight$/.test(s.name);
    return { kind: 'normal', std: residualOut ? 0.02 / Math.sqrt(2 * layers) : 0.02 };
  }
  throw new Error(`No initialisation rule for "${s.name}" (${s.role}): its layer has no trainable code yet.`);
}

export function defineModelParams(p: ParamStore, spec: ModelSpec): void {
  const layers = specLayers(spec);
  for (const s of specParams(spec)) {
    const mixerInit = s.layer === null ? undefined : MIXERS[layers[s.layer].mixer.kind]?.init?.(s);
    p.add(s.name, s.shape, mixerInit ?? initOf(s, layers.length), s.role === 'linear');
  }
}

function block(c: Omit<LayerContext, 'prefix'>, layer: Layer, x: Tensor): Tensor {
  const l = `model.layers.${layer.index}`;
  const mixer = MIXERS[layer.mixer.kind];
  if (!mixer)
    throw new Error(unsupportedLayers(c.spec)[0]?.message ?? `${layer.mixer.kind} is not trainable yet.`);
  const mc = { ...c, prefix: `${l}.${MIXER_PREFIX[layer.mixer.kind]}` };
  const post = layer.mixer.kind === 'attention' && layer.mixer.postNorm;
  const h = post
    ? op.add(c.g, x, norm(c, `${l}.post_attention_layernorm`, mixer.forward(mc, layer.mixer, x)))
    : op.add(c.g, x, mixer.forward(mc, layer.mixer, norm(c, `${l}.input_layernorm`, x)));
  if (!layer.channel) return h;
  const channel = CHANNELS[layer.channel.kind];
  if (!channel) throw new Error(`${layer.channel.kind} is not trainable yet.`);
  const cc = { ...c, prefix: `${l}.${CHANNEL_PREFIX[layer.channel.kind]}` };
  return post
    ? op.add(c.g, h, norm(c, `${l}.post_feedforward_layernorm`, channel(cc, h)))
    : op.add(c.g, h, channel(cc, norm(c, `${l}.post_attention_layernorm`, h)));
}

/** Records the forward pass for token ids (B·T) and returns the logits (B·T, vocab). */
export function modelForward(
  g: Graph,
  p: ParamStore,
  spec: ModelSpec,
  tokens: Tensor,
  B: number,
  T: number,
): Tensor {
  const c = { g, p, spec, B, T };
  const R = B * T;
  let x = op.embedding(g, p.get('model.embed_tokens.weight'), tokens, R, spec.width); // (R, D)
  if (spec.embedNorm) x = norm(c, 'model.ln0', x);
  for (const layer of specLayers(spec)) x = block(c, layer, x);
  x = norm(c, 'model.norm', x);
  const head = p.get(spec.tiedEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight'); // (V, D)
  return op.linear(g, x, head, R, spec.width, spec.vocab); // (R, V)
}
