// The named parameter shapes of a resolved spec (LAYERS.md names: HF LLaMA / OLMo 2 around the
// blocks, mamba_ssm, fla, RWKV-LM and safari inside them): the list layer code must create.
import { specLayers, type Channel, type Layer, type Mixer, type ModelSpec, type NormKind } from './spec';

/**
 * What a parameter does, for the cost model: `linear` and `conv` weights cost one multiply-add per
 * element per token; `filter` weights (Hyena's implicit filter FFN) the same per position, but only
 * when the filter is (re)computed; `embedding`, `norm` and `vector` parameters cost no matmul FLOPs.
 */
export type ParamRole = 'embedding' | 'linear' | 'conv' | 'filter' | 'norm' | 'vector';

export interface ParamShape {
  name: string;
  shape: number[];
  size: number;
  role: ParamRole;
  /** The layer it belongs to; null for the embedding, final norm and lm_head. */
  layer: number | null;
}

/** A parameter relative to its layer or sublayer: name, shape (PyTorch layout), role. */
export type ParamEntry = [name: string, shape: number[], role: ParamRole];

/** Where each mixer's parameters live inside a layer, as in its reference implementation. */
export const MIXER_PREFIX: Record<Mixer['kind'], string> = {
  attention: 'self_attn',
  mamba: 'mixer',
  mamba2: 'mixer',
  hyena: 'mixer',
  gdn: 'attn',
  retnet: 'attn',
  rwkv7: 'att',
};
export const CHANNEL_PREFIX: Record<Channel['kind'], string> = {
  swiglu: 'mlp',
  mlp: 'mlp',
  'rwkv-cmix': 'ffn',
};

function norm(name: string, D: number, kind: NormKind): ParamEntry[] {
  const w: ParamEntry = [`${name}.weight`, [D], 'norm'];
  return kind === 'layernorm' ? [w, [`${name}.bias`, [D], 'norm']] : [w];
}

/**
 * A mixer's parameters, named relative to its prefix. `first`: the first RWKV-7 layer of the stack
 * produces v₀ and so has no value-residual LoRA (v0, v1, v2).
 */
export function mixerParams(D: number, m: Mixer, first = false): ParamEntry[] {
  const lin = (name: string, out: number, inp: number): ParamEntry => [
    `${name}.weight`,
    [out, inp],
    'linear',
  ];
  const vec = (name: string, shape: number[]): ParamEntry => [name, shape, 'vector'];
  const conv = (name: string, ch: number, k: number): ParamEntry => [`${name}.weight`, [ch, 1, k], 'conv'];
  switch (m.kind) {
    case 'attention': {
      const kv = m.kvHeads * (D / m.heads);
      const qk: ParamEntry[] = m.qkNorm
        ? [
            ['q_norm.weight', [D], 'norm'],
            ['k_norm.weight', [kv], 'norm'],
          ]
        : [];
      const K = m.convSize;
      const convs: ParamEntry[] =
        K > 0 ? [conv('q_conv1d', D, K), conv('k_conv1d', kv, K), conv('v_conv1d', kv, K)] : [];
      return [
        lin('q_proj', D, D),
        lin('k_proj', kv, D),
        lin('v_proj', kv, D),
        ...convs,
        lin('o_proj', D, D),
        ...qk,
      ];
    }
    case 'mamba': {
      const [di, N, R] = [m.expand * D, m.dState, m.dtRank];
      return [
        lin('in_proj', 2 * di, D),
        conv('conv1d', di, m.dConv),
        vec('conv1d.bias', [di]),
        lin('x_proj', R + 2 * N, di),
        lin('dt_proj', di, R),
        vec('dt_proj.bias', [di]),
        vec('A_log', [di, N]),
        vec('D', [di]),
        lin('out_proj', D, di),
      ];
    }
    case 'mamba2': {
      const di = m.expand * D;
      const H = di / m.headDim;
      const convDim = di + 2 * m.groups * m.dState;
      return [
        lin('in_proj', convDim + di + H, D),
        conv('conv1d', convDim, m.dConv),
        vec('conv1d.bias', [convDim]),
        vec('dt_bias', [H]),
        vec('A_log', [H]),
        vec('D', [H]),
        ['norm.weight', [di], 'norm'],
        lin('out_proj', D, di),
      ];
    }
    case 'hyena': {
      const [inner, filters, W, E] = [
        (m.order + 1) * D,
        (m.order - 1) * D,
        m.filterWidth,
        1 + 2 * m.filterBands,
      ];
      const f = 'filter_fn.implicit_filter';
      return [
        lin('in_proj', inner, D),
        vec('in_proj.bias', [inner]),
        conv('short_filter', inner, m.shortConv),
        vec('short_filter.bias', [inner]),
        vec('filter_fn.bias', [filters]),
        [`${f}.0.weight`, [W, E], 'filter'],
        vec(`${f}.0.bias`, [W]),
        vec(`${f}.1.freq`, [1, W]),
        [`${f}.2.weight`, [W, W], 'filter'],
        vec(`${f}.2.bias`, [W]),
        [`${f}.4.weight`, [filters, W], 'filter'],
        lin('out_proj', D, D),
        vec('out_proj.bias', [D]),
      ];
    }
    case 'rwkv7': {
      const C = D;
      const mix = (n: string) => vec(n, [1, 1, C]);
      const lora = (n: string, r: number): ParamEntry[] => [
        [`${n}1`, [C, r], 'linear'],
        [`${n}2`, [r, C], 'linear'],
      ];
      return [
        ...['x_r', 'x_w', 'x_k', 'x_v', 'x_a', 'x_g'].map(mix),
        mix('w0'),
        ...lora('w', m.decayRank),
        mix('a0'),
        ...lora('a', m.aRank),
        ...(first ? [] : [mix('v0'), ...lora('v', m.valueRank)]),
        ...lora('g', m.gateRank),
        mix('k_k'),
        mix('k_a'),
        vec('r_k', [C / m.headSize, m.headSize]),
        lin('receptance', C, C),
        lin('key', C, C),
        lin('value', C, C),
        lin('output', C, C),
        ['ln_x.weight', [C], 'norm'],
        ['ln_x.bias', [C], 'norm'],
      ];
    }
    case 'retnet': {
      const [K, V] = [m.keyExpand * D, m.valueExpand * D];
      const dv = V / m.heads;
      return [
        lin('q_proj', K, D),
        lin('k_proj', K, D),
        lin('v_proj', V, D),
        lin('g_proj', V, D),
        lin('o_proj', D, V),
        ['g_norm.weight', [dv], 'norm'],
      ];
    }
    case 'gdn': {
      const [H, dk] = [m.heads, m.headDim];
      const dv = m.valueExpand * dk;
      const [K, V] = [H * dk, H * dv];
      return [
        lin('q_proj', K, D),
        lin('k_proj', K, D),
        lin('v_proj', V, D),
        lin('a_proj', H, D),
        lin('b_proj', H, D),
        vec('A_log', [H]),
        vec('dt_bias', [H]),
        conv('q_conv1d', K, m.convSize),
        conv('k_conv1d', K, m.convSize),
        conv('v_conv1d', V, m.convSize),
        lin('g_proj', V, D),
        ['o_norm.weight', [dv], 'norm'],
        lin('o_proj', D, V),
      ];
    }
  }
}

export function channelParams(D: number, c: Channel): ParamEntry[] {
  const F = c.hidden;
  switch (c.kind) {
    case 'swiglu':
      return [
        ['gate_proj.weight', [F, D], 'linear'],
        ['up_proj.weight', [F, D], 'linear'],
        ['down_proj.weight', [D, F], 'linear'],
      ];
    case 'mlp':
      return [
        ['up_proj.weight', [F, D], 'linear'],
        ['down_proj.weight', [D, F], 'linear'],
      ];
    case 'rwkv-cmix':
      return [
        ['x_k', [1, 1, D], 'vector'],
        ['key.weight', [F, D], 'linear'],
        ['value.weight', [D, F], 'linear'],
      ];
  }
}

/**
 * One layer's parameters with full names. Pre-norm blocks (LLaMA): `input_layernorm` before the mixer,
 * `post_attention_layernorm` before the channel. Post-norm blocks (OLMo 2): `post_attention_layernorm`
 * after the mixer, `post_feedforward_layernorm` after the channel.
 */
export function layerParams(spec: ModelSpec, layer: Layer): ParamEntry[] {
  const D = spec.width;
  const l = `model.layers.${layer.index}`;
  const post = layer.mixer.kind === 'attention' && layer.mixer.postNorm;
  const mixerNorm = norm(`${l}.${post ? 'post_attention_layernorm' : 'input_layernorm'}`, D, spec.norm);
  const mp = `${l}.${MIXER_PREFIX[layer.mixer.kind]}`;
  const mixer = mixerParams(D, layer.mixer, layer.first).map(([n, s, r]): ParamEntry => [`${mp}.${n}`, s, r]);
  const out = post ? [...mixer, ...mixerNorm] : [...mixerNorm, ...mixer];
  if (!layer.channel) return out;
  const chNorm = norm(
    `${l}.${post ? 'post_feedforward_layernorm' : 'post_attention_layernorm'}`,
    D,
    spec.norm,
  );
  const cp = `${l}.${CHANNEL_PREFIX[layer.channel.kind]}`;
  const ch = channelParams(D, layer.channel).map(([n, s, r]): ParamEntry => [`${cp}.${n}`, s, r]);
  return post ? [...out, ...ch, ...chNorm] : [...out, ...chNorm, ...ch];
}

/**
 * Every parameter of the model, in creation order: `model.embed_tokens.weight`, `model.ln0` (if
 * embedNorm), the layers, `model.norm`, and `lm_head.weight` unless the embeddings are tied.
 */
export function specParams(spec: ModelSpec): ParamShape[] {
  const D = spec.width;
  const out: ParamShape[] = [];
  const push = (entries: ParamEntry[], layer: number | null) => {
    for (const [name, shape, role] of entries)
      out.push({ name, shape, size: shape.reduce((a, b) => a * b, 1), role, layer });
  };
  push([['model.embed_tokens.weight', [spec.vocab, D], 'embedding']], null);
  if (spec.embedNorm) push(norm('model.ln0', D, spec.norm), null);
  for (const layer of specLayers(spec)) push(layerParams(spec, layer), layer.index);
  push(norm('model.norm', D, spec.norm), null);
  if (!spec.tiedEmbeddings) push([['lm_head.weight', [spec.vocab, D], 'embedding']], null);
  return out;
}
