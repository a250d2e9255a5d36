// The model spec (LAYERS.md): model-wide settings and a stack of groups of blocks, each block a mixer
// plus an optional channel sublayer; the shorthand input form, its defaults per mixer, and the layers.

export type NormKind = 'rmsnorm' | 'layernorm';
export const NORM_KINDS: readonly NormKind[] = ['rmsnorm', 'layernorm'];

/** Softmax attention (MHA / GQA), head size width/heads. window 0 = full causal attention. */
export interface AttentionMixer {
  kind: 'attention';
  heads: number;
  kvHeads: number;
  window: number;
  rope: boolean;
  ropeBase: number;
  /** OLMo-style RMSNorm over the full q and k projections. */
  qkNorm: boolean;
  /**
   * Primer's multi-dconv-head attention: a causal depthwise conv of this width (no bias) on each of
   * the q, k, v projections, before QK-norm and RoPE; 0 = off.
   */
  convSize: number;
  /** OLMo 2 post-norm for the whole block: h = x + norm(attn(x)); y = h + norm(mlp(h)). */
  postNorm: boolean;
}

/** Mamba (S6): d_inner = expand·width, N = dState, dConv, R = dtRank. */
export interface MambaMixer {
  kind: 'mamba';
  expand: number;
  dState: number;
  dConv: number;
  dtRank: number;
}

/** Mamba-2 (SSD): heads = expand·width/headDim (P), B and C shared by each of `groups`. */
export interface Mamba2Mixer {
  kind: 'mamba2';
  expand: number;
  dState: number;
  dConv: number;
  headDim: number;
  groups: number;
}

/** Hyena of the given order: implicit filter FFN of filterWidth over 1 + 2·filterBands features. */
export interface HyenaMixer {
  kind: 'hyena';
  order: number;
  filterWidth: number;
  filterBands: number;
  shortConv: number;
}

/** RWKV-7 time-mix: heads = width/headSize; LoRA ranks of the decay, a, value-residual, gate. */
export interface Rwkv7Mixer {
  kind: 'rwkv7';
  headSize: number;
  decayRank: number;
  aRank: number;
  valueRank: number;
  gateRank: number;
}

/** RetNet retention: d_k = keyExpand·width/heads, d_v = valueExpand·width/heads. */
export interface RetnetMixer {
  kind: 'retnet';
  heads: number;
  keyExpand: number;
  valueExpand: number;
}

/** Gated DeltaNet: d_k = headDim (default 0.75·width/heads), d_v = valueExpand·d_k. */
export interface GdnMixer {
  kind: 'gdn';
  heads: number;
  headDim: number;
  valueExpand: number;
  /** β ∈ (0, 2) instead of (0, 1) (OLMo Hybrid default). */
  negativeEigenvalues: boolean;
  convSize: number;
}

export type Mixer =
  AttentionMixer | MambaMixer | Mamba2Mixer | HyenaMixer | Rwkv7Mixer | RetnetMixer | GdnMixer;
export type MixerKind = Mixer['kind'];
export type MixerOf<K extends MixerKind> = Extract<Mixer, { kind: K }>;

export interface SwigluChannel {
  kind: 'swiglu';
  hidden: number;
}
export interface MlpChannel {
  kind: 'mlp';
  hidden: number;
}
/** RWKV channel-mix: W_v relu(W_k(x + xx ⊙ μ_k))². */
export interface RwkvCmixChannel {
  kind: 'rwkv-cmix';
  hidden: number;
}
export type Channel = SwigluChannel | MlpChannel | RwkvCmixChannel;
export type ChannelKind = Channel['kind'];
export type ChannelOf<K extends ChannelKind> = Extract<Channel, { kind: K }>;

export interface Block {
  mixer: Mixer;
  channel: Channel | null;
  /** Consecutive copies of this block (independent weights). */
  repeat: number;
}

export interface Group {
  blocks: Block[];
  /** Copies of the whole group, in order. */
  repeat: number;
}

/** A fully resolved spec: every field present. */
export interface ModelSpec {
  width: number;
  vocab: number;
  contextLength: number;
  norm: NormKind;
  normEps: number;
  tiedEmbeddings: boolean;
  /** A norm right after the embedding (RWKV's ln0). */
  embedNorm: boolean;
  stack: Group[];
}

/** The settings of a mixer or channel M, each optional (the shorthand form). */
export type Fields<M> = Partial<Omit<M, 'kind'>>;
/** A mixer as written: its kind alone, or the kind with any fields to override. */
export type MixerInput = MixerKind | { [K in MixerKind]: { kind: K } & Fields<MixerOf<K>> }[MixerKind];
export type ChannelInput =
  ChannelKind | { [K in ChannelKind]: { kind: K } & Fields<ChannelOf<K>> }[ChannelKind];

export interface BlockInput {
  mixer: MixerInput;
  channel?: ChannelInput | null;
  repeat?: number;
}
export interface GroupInput {
  blocks: BlockInput[];
  repeat?: number;
}
/** The spec as written (shorthand): `resolveSpec` fills in the defaults. A ModelSpec is one too. */
export interface SpecInput {
  width: number;
  vocab: number;
  contextLength: number;
  norm?: NormKind;
  normEps?: number;
  tiedEmbeddings?: boolean;
  embedNorm?: boolean;
  stack: GroupInput[];
}

/**
 * One problem of a spec: where (e.g. "stack[1].blocks[0].mixer.heads"; "" = the spec itself), and
 * what is wrong and what to change.
 */
export interface SpecProblem {
  path: string;
  message: string;
}

/** Sane upper limits: past these a spec is refused (a browser could not hold or train it). */
export const LIMITS = {
  width: 16384,
  vocab: 1 << 20,
  contextLength: 1 << 20,
  layers: 512,
  repeat: 512,
  heads: 1024,
  headDim: 1024,
  expand: 16,
  dState: 1024,
  conv: 64,
  rank: 4096,
  order: 8,
  filterWidth: 4096,
  filterBands: 256,
  groups: 64,
  hidden: 262144,
} as const;

/** One layer of the expanded stack. `path` points at its block in the spec. */
export interface Layer {
  index: number;
  path: string;
  mixer: Mixer;
  channel: Channel | null;
  /** The first layer with this mixer kind (RWKV-7's first layer produces v₀ for the others). */
  first: boolean;
}

/** The stack expanded into layers, in order (group repeats outside, block repeats inside). */
export function specLayers(spec: ModelSpec): Layer[] {
  const out: Layer[] = [];
  const seen = new Set<MixerKind>();
  spec.stack.forEach((g, gi) => {
    for (let r = 0; r < g.repeat; r++)
      g.blocks.forEach((b, bi) => {
        for (let k = 0; k < b.repeat; k++) {
          const first = !seen.has(b.mixer.kind);
          seen.add(b.mixer.kind);
          out.push({
            index: out.length,
            path: `stack[${gi}].blocks[${bi}]`,
            mixer: b.mixer,
            channel: b.channel,
            first,
          });
        }
      });
  });
  return out;
}

/** A short label such as "gdn + swiglu" or "attention (window 32) + mlp". */
export function blockLabel(b: { mixer: Mixer; channel: Channel | null }): string {
  const m =
    b.mixer.kind === 'attention' && b.mixer.window > 0
      ? `attention (window ${b.mixer.window})`
      : b.mixer.kind;
  return b.channel ? `${m} + ${b.channel.kind}` : m;
}
