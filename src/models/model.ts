// A trainable model from a resolved spec: its parameters are exactly `specParams(spec)` (LAYERS.md
// names), and its forward walks the stack: embedding → [block]* → final norm → lm_head.
// Pre-norm blocks: h = x + mixer(norm(x)); y = h + channel(norm(h)). OLMo 2 post-norm blocks:
// h = x + norm(mixer(x)); y = h + norm(channel(h)). Every mixer and channel of the spec has its code
// here (MIXERS, CHANNELS): a forward, the initialisation the model's rules do not cover, a decode step.
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
} from './spec';
import { CHANNEL_PREFIX, MIXER_PREFIX, specParams, type ParamShape } from './spec-params';
import { norm, type DecodeContext, type LayerContext } from './layers/context';
import { attentionInit, attentionMixer, attentionStep } from './layers/attention';
import { gdnInit, gdnMixer, gdnStep } from './layers/gdn';
import { mambaInit, mambaMixer, mambaStep } from './layers/mamba';
import { mamba2Init, mamba2Mixer, mamba2Step } from './layers/mamba2';
import { retnetMixer, retnetStep } from './layers/retnet';
import { hyenaInit, hyenaMixer, hyenaStep } from './layers/hyena';
import { mlpChannel, swigluChannel } from './layers/channels';
import { rwkv7Init, rwkv7Mixer, rwkv7Step } from './layers/rwkv7';
import { rwkvCmixChannel, rwkvCmixInit, rwkvCmixStep } from './layers/rwkv-cmix';

/**
 * A mixer's forward, the initialisation of its parameters the model's rules do not cover, and its
 * decode step: one token x (B, D) → y (B, D), reading and updating the layer's state in place.
 */
export interface MixerCode {
  forward: (c: LayerContext, m: Mixer, x: Tensor) => Tensor;
  init?: (s: ParamShape, layer: Layer) => Init | undefined;
  step: (c: DecodeContext, m: Mixer, x: Tensor) => Tensor;
}
/**
 * A channel's forward, the initialisation of its parameters the model's rules do not cover, and a
 * decode step where it keeps state between tokens (RWKV channel-mix's token shift); a channel without
 * one runs its forward on the token.
 */
export interface ChannelCode {
  forward: (c: LayerContext, x: Tensor) => Tensor;
  init?: (s: ParamShape) => Init | undefined;
  step?: (c: DecodeContext, x: Tensor) => Tensor;
}

export const MIXERS: Record<Mixer['kind'], MixerCode> = {
  rwkv7: {
    forward: (c, m, x) => rwkv7Mixer(c, m as Extract<Mixer, { kind: 'rwkv7' }>, x),
    init: rwkv7Init,
    step: (c, m, x) => rwkv7Step(c, m as Extract<Mixer, { kind: 'rwkv7' }>, x),
  },
  attention: {
    forward: (c, m, x) => attentionMixer(c, m as Extract<Mixer, { kind: 'attention' }>, x),
    init: attentionInit,
    step: (c, m, x) => attentionStep(c, m as Extract<Mixer, { kind: 'attention' }>, x),
  },
  gdn: {
    forward: (c, m, x) => gdnMixer(c, m as GdnMixer, x),
    init: gdnInit,
    step: (c, m, x) => gdnStep(c, m as GdnMixer, x),
  },
  mamba: {
    forward: (c, m, x) => mambaMixer(c, m as MambaMixer, x),
    init: mambaInit,
    step: (c, m, x) => mambaStep(c, m as MambaMixer, x),
  },
  mamba2: {
    forward: (c, m, x) => mamba2Mixer(c, m as Extract<Mixer, { kind: 'mamba2' }>, x),
    init: mamba2Init,
    step: (c, m, x) => mamba2Step(c, m as Extract<Mixer, { kind: 'mamba2' }>, x),
  },
  retnet: {
    forward: (c, m, x) => retnetMixer(c, m as Extract<Mixer, { kind: 'retnet' }>, x),
    step: (c, m, x) => retnetStep(c, m as Extract<Mixer, { kind: 'retnet' }>, x),
  },
  hyena: {
    forward: (c, m, x) => hyenaMixer(c, m as Extract<Mixer, { kind: 'hyena' }>, x),
    init: hyenaInit,
    step: (c, m, x) => hyenaStep(c, m as Extract<Mixer, { kind: 'hyena' }>, x),
  },
};
const CHANNELS: Record<Channel['kind'], ChannelCode> = {
  'rwkv-cmix': { forward: rwkvCmixChannel, init: rwkvCmixInit, step: rwkvCmixStep },
  swiglu: { forward: swigluChannel },
  mlp: { forward: mlpChannel },
};

/** GPT-2 style: N(0, 0.02), output projections scaled by 1/√(2L); norms at 1 (biases 0). */
function initOf(s: ParamShape, layers: number): Init {
  if (s.role === 'norm') return { kind: 'const', value: s.name.endsWith('.bias') ? 0 : 1 };
  if (s.role === 'embedding') return { kind: 'normal', std: 0.02 };
  if (s.role === 'linear') {
    const residualOut = /\.(o_proj|down_proj|out_proj|output)\.weight$/.test(s.name);
    return { kind: 'normal', std: residualOut ? 0.02 / Math.sqrt(2 * layers) : 0.02 };
  }
  throw new Error(`No initialisation rule for "${s.name}" (${s.role}): its layer's init must cover it.`);
}

export function defineModelParams(p: ParamStore, spec: ModelSpec): void {
  const layers = specLayers(spec);
  for (const s of specParams(spec)) {
    const layer = s.layer === null ? undefined : layers[s.layer];
    const channel = layer?.channel ? CHANNELS[layer.channel.kind] : undefined;
    const layerInit = layer && (MIXERS[layer.mixer.kind].init?.(s, layer) ?? channel?.init?.(s));
    p.add(s.name, s.shape, layerInit ?? initOf(s, layers.length), s.role === 'linear');
  }
}

/**
 * How a block runs its sublayers: the context of the sublayer at a parameter prefix, and the mixer
 * call (the parallel forward, or the decode step with the layer's states).
 */
export interface BlockRun<C extends LayerContext> {
  context(prefix: string): C;
  mix(mixer: MixerCode, c: C, m: Mixer, x: Tensor): Tensor;
}

/** The parallel forward over B·T rows. */
function forwardRun(c: Omit<LayerContext, 'prefix'>): BlockRun<LayerContext> {
  return { context: (prefix) => ({ ...c, prefix }), mix: (mixer, mc, m, x) => mixer.forward(mc, m, x) };
}

/** One block (pre-norm or OLMo post-norm) over the rows of x, shared by the forward and the decoder. */
export function block<C extends LayerContext>(
  c: Omit<LayerContext, 'prefix'>,
  layer: Layer,
  x: Tensor,
  run: BlockRun<C>,
): Tensor {
  const l = `model.layers.${layer.index}`;
  c.values ??= new Map(); // one map for every block of this forward (or decode graph)
  const mixer = MIXERS[layer.mixer.kind];
  const mc = run.context(`${l}.${MIXER_PREFIX[layer.mixer.kind]}`);
  const post = layer.mixer.kind === 'attention' && layer.mixer.postNorm;
  const h = post
    ? op.add(c.g, x, norm(c, `${l}.post_attention_layernorm`, run.mix(mixer, mc, layer.mixer, x)))
    : op.add(c.g, x, run.mix(mixer, mc, layer.mixer, norm(c, `${l}.input_layernorm`, x)));
  if (!layer.channel) return h;
  const { forward, step } = CHANNELS[layer.channel.kind];
  const cc = run.context(`${l}.${CHANNEL_PREFIX[layer.channel.kind]}`);
  // Decode contexts carry `state`: a channel with a step keeps its state there.
  const channel = (ctx: C, y: Tensor) =>
    step && 'state' in ctx ? step(ctx as unknown as DecodeContext, y) : forward(ctx, y);
  return post
    ? op.add(c.g, h, norm(c, `${l}.post_feedforward_layernorm`, channel(cc, h)))
    : op.add(c.g, h, channel(cc, norm(c, `${l}.post_attention_layernorm`, h)));
}

/** The embedding (and ln0) of token ids (R), as the forward and the decoder start. */
export function embed(c: Omit<LayerContext, 'prefix'>, tokens: Tensor, R: number): Tensor {
  const x = op.embedding(c.g, c.p.get('model.embed_tokens.weight'), tokens, R, c.spec.width); // (R, D)
  return c.spec.embedNorm ? norm(c, 'model.ln0', x) : x;
}

/** The final norm and the lm_head of x (R, D): logits (R, V). */
export function head(c: Omit<LayerContext, 'prefix'>, x: Tensor, R: number): Tensor {
  const { g, p, spec } = c;
  const W = p.get(spec.tiedEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight'); // (V, D)
  return op.linear(g, norm(c, 'model.norm', x), W, R, spec.width, spec.vocab); // (R, V)
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
  let x = embed(c, tokens, B * T); // (R, D)
  for (const layer of specLayers(spec)) x = block(c, layer, x, forwardRun(c));
  return head(c, x, B * T); // (R, V)
}
