// The fields of every mixer and channel kind: type, range, default derived from the width D (so a
// block can be written as just { mixer: 'gdn', channel: 'swiglu' }), and the rules that tie them to D.
import {
  LIMITS,
  type ChannelKind,
  type ChannelOf,
  type Fields,
  type Mixer,
  type MixerKind,
  type MixerOf,
  type SpecProblem,
} from './spec';

/** Divisors of n, ascending. */
function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

/** The largest divisor of n that is ≤ cap (at least 1), preferring ones that leave n/d even. */
function pickDivisor(n: number, cap: number): number {
  const ds = divisors(n).filter((d) => d <= Math.max(1, cap));
  return ds.filter((d) => (n / d) % 2 === 0).pop() ?? ds.pop() ?? 1;
}

/** Head size the defaults aim for: 16 for tiny widths, 32 from 128, 64 from 512. */
function headTarget(D: number): number {
  return D >= 512 ? 64 : D >= 128 ? 32 : 16;
}

/** Default head count for width D: head size ≈ headTarget(D), dividing D, even where possible. */
function defaultHeads(D: number): number {
  return pickDivisor(D, Math.floor(D / headTarget(D)));
}

/** SwiGLU hidden width ≈ 8D/3 rounded up to a multiple of 8 (LLaMA). */
export function swigluHidden(D: number): number {
  return Math.ceil((8 * D) / 3 / 8) * 8;
}

/** RWKV-LM's LoRA-rank rule c·D^p, rounded to a multiple of 8 (floor 8, not 32, so tiny stays tiny). */
function loraRank(D: number, c: number, p: number): number {
  return Math.max(8, Math.round((c * D ** p) / 8) * 8);
}

interface NumberField<M> {
  type: 'int' | 'number';
  min: number;
  max: number;
  default: (D: number, m: Fields<M>) => number;
  help: string;
}
interface BoolField<M> {
  type: 'bool';
  default: (D: number, m: Fields<M>) => boolean;
  help: string;
}
/** Every field of a mixer or channel: type, range and default (from width D and earlier fields). */
export type FieldTable<M> = {
  [F in Exclude<keyof M, 'kind'>]-?: [M[F]] extends [boolean] ? BoolField<M> : NumberField<M>;
};

/** The widest short conv on attention's q, k, v (Primer uses 3). */
const ATTENTION_CONV_MAX = 8;

const int = <M>(min: number, max: number, def: NumberField<M>['default'], help: string): NumberField<M> => ({
  type: 'int',
  min,
  max,
  default: def,
  help,
});
const bool = <M>(def: boolean, help: string): BoolField<M> => ({ type: 'bool', default: () => def, help });

export const MIXER_FIELDS: { [K in MixerKind]: FieldTable<MixerOf<K>> } = {
  attention: {
    heads: int(1, LIMITS.heads, defaultHeads, 'query heads; must divide width'),
    kvHeads: int(1, LIMITS.heads, (D, m) => m.heads ?? defaultHeads(D), 'key/value heads; divides heads'),
    window: int(0, LIMITS.contextLength, () => 0, 'sliding window W (0 = full attention)'),
    rope: bool(true, 'rotary position embedding (false = NoPE)'),
    ropeBase: { type: 'number', min: 2, max: 1e9, default: () => 10000, help: 'RoPE base θ' },
    qkNorm: bool(false, 'RMSNorm on q and k (OLMo)'),
    convSize: int(0, ATTENTION_CONV_MAX, () => 0, 'causal depthwise conv width on q, k, v (Primer; 0 = off)'),
    postNorm: bool(false, 'post-norm block (OLMo 2)'),
  },
  mamba: {
    expand: int(1, LIMITS.expand, () => 2, 'd_inner = expand·width'),
    dState: int(1, LIMITS.dState, () => 16, 'state size N'),
    dConv: int(1, LIMITS.conv, () => 4, 'causal conv width'),
    dtRank: int(1, LIMITS.rank, (D) => Math.ceil(D / 16), 'Δ rank R = ⌈width/16⌉'),
  },
  mamba2: {
    expand: int(1, LIMITS.expand, () => 2, 'd_inner = expand·width'),
    dState: int(1, LIMITS.dState, (D) => Math.min(128, Math.max(16, D)), 'state size N'),
    dConv: int(1, LIMITS.conv, () => 4, 'causal conv width'),
    headDim: int(1, LIMITS.headDim, (D, m) => pickHeadDim((m.expand ?? 2) * D), 'head size P'),
    groups: int(1, LIMITS.groups, () => 1, 'B/C groups; divides heads'),
  },
  hyena: {
    order: int(2, LIMITS.order, () => 2, 'Hyena order (2 = one long convolution)'),
    filterWidth: int(1, LIMITS.filterWidth, () => 64, 'implicit filter FFN width'),
    filterBands: int(1, LIMITS.filterBands, () => 4, 'sine/cosine bands K of the filter features'),
    shortConv: int(1, LIMITS.conv, () => 3, 'short depthwise conv width'),
  },
  rwkv7: {
    headSize: int(
      1,
      LIMITS.headDim,
      (D) => (D >= 256 ? pickDivisor(D, 64) : pickDivisor(D, 16)),
      'head size',
    ),
    decayRank: int(1, LIMITS.rank, (D) => loraRank(D, 1.8, 0.5), 'decay LoRA rank'),
    aRank: int(1, LIMITS.rank, (D) => loraRank(D, 1.8, 0.5), 'in-context learning rate LoRA rank'),
    valueRank: int(1, LIMITS.rank, (D) => loraRank(D, 1.3, 0.5), 'value-residual LoRA rank'),
    gateRank: int(1, LIMITS.rank, (D) => loraRank(D, 0.6, 0.8), 'gate LoRA rank'),
  },
  retnet: {
    heads: int(1, LIMITS.heads, defaultHeads, 'retention heads; must divide width'),
    keyExpand: int(1, LIMITS.expand, () => 1, 'key width = keyExpand·width'),
    valueExpand: int(1, LIMITS.expand, () => 2, 'value width = valueExpand·width'),
  },
  gdn: {
    heads: int(1, LIMITS.heads, defaultHeads, 'heads'),
    headDim: int(
      1,
      LIMITS.headDim,
      (D, m) => Math.max(1, Math.round((0.75 * D) / (m.heads ?? defaultHeads(D)))),
      'd_k',
    ),
    valueExpand: int(1, LIMITS.expand, () => 2, 'd_v = valueExpand·d_k'),
    negativeEigenvalues: bool(true, 'β ∈ (0, 2)'),
    convSize: int(1, LIMITS.conv, () => 4, 'short conv width of q, k, v'),
  },
};

/** Mamba-2 head size: 64 where d_inner allows at least 4 heads of it, else d_inner/4 or less. */
function pickHeadDim(inner: number): number {
  return pickDivisor(inner, Math.min(64, Math.floor(inner / 4)));
}

export const CHANNEL_FIELDS: { [K in ChannelKind]: FieldTable<ChannelOf<K>> } = {
  swiglu: { hidden: int(1, LIMITS.hidden, swigluHidden, 'hidden width (≈ 8·width/3)') },
  mlp: { hidden: int(1, LIMITS.hidden, (D) => 4 * D, 'hidden width (4·width)') },
  'rwkv-cmix': { hidden: int(1, LIMITS.hidden, (D) => 4 * D, 'hidden width (4·width)') },
};

export const MIXER_KINDS = Object.keys(MIXER_FIELDS) as MixerKind[];
export const CHANNEL_KINDS = Object.keys(CHANNEL_FIELDS) as ChannelKind[];

/** Divisors of n up to 32 that pass `ok`, as a suggestion. */
function tryList(n: number, ok: (d: number) => boolean = () => true): string {
  const ds = divisors(n).filter((d) => d <= 32 && ok(d));
  return ds.length ? `try ${ds.join(', ')}` : 'no value fits';
}

const known = (...xs: number[]) => xs.every(Number.isFinite);

/**
 * The rules that tie a mixer's fields to each other and to the width D (fields already checked one
 * by one; invalid ones are NaN and their rules are skipped). `path` is the mixer's path.
 */
export function mixerRules(m: Mixer, D: number, path: string): SpecProblem[] {
  const out: SpecProblem[] = [];
  const report = (key: string, message: string) => out.push({ path: `${path}.${key}`, message });
  const headsDivide = (mm: MixerOf<'attention'> | MixerOf<'retnet'>) => {
    if (!known(mm.heads)) return false;
    if (D % mm.heads === 0) return true;
    report('heads', `heads (${mm.heads}) must divide width (${D}): ${tryList(D)}`);
    return false;
  };
  switch (m.kind) {
    case 'attention': {
      const headsOk = headsDivide(m);
      if (known(m.heads, m.kvHeads) && m.heads % m.kvHeads !== 0)
        report('kvHeads', `kvHeads (${m.kvHeads}) must divide heads (${m.heads}): ${tryList(m.heads)}`);
      if (headsOk && m.rope && (D / m.heads) % 2 !== 0)
        report(
          'heads',
          `RoPE needs an even head size, but width/heads = ${D}/${m.heads} = ${D / m.heads}: ` +
            (D % 2 === 0 ? `${tryList(D, (d) => (D / d) % 2 === 0)}` : 'make width even') +
            ', or set rope to false',
        );
      if (m.convSize === 1)
        report(
          'convSize',
          `convSize 1 only rescales each channel: use 0 (no conv) or a width from 2 to ${ATTENTION_CONV_MAX} (Primer uses 3)`,
        );
      break;
    }
    case 'mamba2': {
      const inner = m.expand * D;
      if (!known(inner, m.headDim)) break;
      if (inner % m.headDim !== 0) {
        report('headDim', `headDim (${m.headDim}) must divide expand·width = ${inner}: ${tryList(inner)}`);
        break;
      }
      const heads = inner / m.headDim;
      if (known(m.groups) && heads % m.groups !== 0)
        report(
          'groups',
          `groups (${m.groups}) must divide the ${heads} heads (${inner}/${m.headDim}): ${tryList(heads)}`,
        );
      break;
    }
    case 'rwkv7':
      if (known(m.headSize) && D % m.headSize !== 0)
        report('headSize', `headSize (${m.headSize}) must divide width (${D}): ${tryList(D)}`);
      break;
    case 'retnet':
      headsDivide(m);
      break;
  }
  return out;
}
