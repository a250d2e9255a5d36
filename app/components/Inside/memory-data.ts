// The numbers behind the KV-cache-versus-fixed-state illustration, all from the cost model: what each
// layer of the current stack keeps while decoding, as a fixed part plus a part that grows with T
// (the KV cache, capped by a sliding window; Hyena's input history). Identical layers are grouped.
import { FLOAT_BYTES, modelCost } from '../../../src/measure/cost-model';
import { kvSlots } from '../../../src/models/layers/attention';
import { specLayers, type Layer, type ModelSpec } from '../../../src/models/spec';
import { MIXER_CONTENT } from '../../content/layers';

/** The largest T drawn: well past any training context, where caches dominate. */
export const MEMORY_T_MAX = 16384;

export interface LayerGroup {
  /** "attention + swiglu" */
  label: string;
  kind: Layer['mixer']['kind'];
  family: 'attention' | 'ssm' | 'linear' | 'conv';
  /** Indices of the layers in the group (same kind, same bytes at every T). */
  layers: number[];
  /** Bytes that do not depend on T (recurrent and conv states, token shifts), per layer. */
  fixed: number;
  /** Bytes added per token while the cache grows, per layer; 0 for a fixed-size state. */
  perToken: number;
  /** Positions after which the layer stops growing (a sliding window); Infinity when it never does. */
  cap: number;
  /** What the layer keeps, in symbols with this stack's sizes. */
  what: string;
}

/** Bytes one layer of the group keeps after T tokens. */
export const groupBytes = (g: LayerGroup, T: number): number => g.fixed + g.perToken * Math.min(T, g.cap);

/** Bytes the whole stack keeps after T tokens (batch 1). */
export const stackBytes = (groups: readonly LayerGroup[], T: number): number =>
  groups.reduce((n, g) => n + g.layers.length * groupBytes(g, T), 0);

/**
 * The reference the chart draws dashed: every layer of the stack as full multi-head attention of the
 * same width, which caches a key and a value of D floats per token per layer.
 */
export const allAttentionBytes = (spec: ModelSpec, T: number): number =>
  specLayers(spec).length * 2 * spec.width * FLOAT_BYTES * T;

/** What a layer keeps, written with the stack's sizes ("K, V: 2 × 4 kv heads × 32 × T"). */
function whatItKeeps(l: Layer, D: number): string {
  const m = l.mixer;
  const conv = (ch: number, k: number) => (k > 1 ? ` + conv ${ch} × ${k - 1}` : '');
  switch (m.kind) {
    case 'attention': {
      const T = m.window > 0 ? `min(T, ${m.window})` : 'T';
      return `K and V: 2 × ${m.kvHeads} kv heads × ${D / m.heads} dims × ${T} tokens`;
    }
    case 'mamba':
      return `state h: ${m.expand * D} channels × ${m.dState}${conv(m.expand * D, m.dConv)}`;
    case 'mamba2': {
      const di = m.expand * D;
      return `state h: ${di / m.headDim} heads × ${m.headDim} × ${m.dState}${conv(di + 2 * m.groups * m.dState, m.dConv)}`;
    }
    case 'gdn':
      return `state S: ${m.heads} heads × ${m.headDim} × ${m.headDim * m.valueExpand}${conv((2 + m.valueExpand) * m.heads * m.headDim, m.convSize)}`;
    case 'retnet':
      return `state S: ${m.heads} heads × ${(m.keyExpand * D) / m.heads} × ${(m.valueExpand * D) / m.heads}`;
    case 'rwkv7':
      return `state S: ${D / m.headSize} heads × ${m.headSize} × ${m.headSize} + token shift`;
    case 'hyena':
      return `input history: ${m.order - 1} × ${D} × T tokens + short conv`;
  }
}

/** The stack's layers, grouped by what they keep, in stack order. */
export function memoryGroups(spec: ModelSpec): LayerGroup[] {
  const [one, two] = [1, 2].map((T) => modelCost(spec, T).layers);
  const groups: LayerGroup[] = [];
  for (const l of specLayers(spec)) {
    const [b1, b2] = [one, two].map((c) => c[l.index].decodeStateBytes);
    const perToken = b2 - b1;
    const m = l.mixer;
    // A window caps the cache at W slots (kvSlots); past it the layer keeps a fixed amount.
    const cap =
      perToken === 0
        ? Infinity
        : m.kind === 'attention' && m.window > 0
          ? kvSlots(m, MEMORY_T_MAX)
          : Infinity;
    const g: Omit<LayerGroup, 'layers'> = {
      label: l.channel ? `${MIXER_CONTENT[m.kind].name} + ${l.channel.kind}` : MIXER_CONTENT[m.kind].name,
      kind: m.kind,
      family: MIXER_CONTENT[m.kind].family,
      fixed: b1 - perToken,
      perToken,
      cap,
      what: whatItKeeps(l, spec.width),
    };
    const same = groups.find(
      (x) => x.label === g.label && x.fixed === g.fixed && x.perToken === g.perToken && x.cap === g.cap,
    );
    if (same) same.layers.push(l.index);
    else groups.push({ ...g, layers: [l.index] });
  }
  return groups;
}
