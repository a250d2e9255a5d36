// Softmax attention mixer (LAYERS.md): q/k/v projections, optional Primer depthwise causal convs on
// them (multi-dconv-head attention), optional OLMo QK-norm over the full projections, RoPE (or NoPE),
// causal flash attention with GQA and an optional sliding window, o_proj.
// Its decode step appends the token's k, v to a KV cache and attends the one query to the cache.
// Dimension letters: B batch, T time, H heads, Hkv kv heads, Dh head size, R = B·T rows, K conv width.
import * as op from '../../autograd/ops';
import { conv1d } from '../../autograd/ops-mixer';
import type { Tensor } from '../../kernels/tensor';
import { cachedAttention, conv1dStep } from '../decode-ops';
import type { Init } from '../params';
import type { AttentionMixer } from '../spec';
import type { ParamShape } from '../spec-params';
import { convInit } from './gdn';
import { param, project, type DecodeContext, type LayerContext } from './context';

/** Causal depthwise conv (no bias) of `name`'s projection p (R, channels) with its weight. */
type ShortConv = (name: string, p: Tensor, weight: Tensor, channels: number) => Tensor;

/**
 * q (R, H·Dh), k and v (R, Hkv·Dh) of x: the projections, each through `conv` when the mixer has
 * convs, then the QK-norm when it has one (RoPE comes after).
 */
function projectQkv(
  c: LayerContext,
  m: AttentionMixer,
  x: Tensor,
  conv: ShortConv,
): [Tensor, Tensor, Tensor] {
  const R = c.B * c.T;
  const Dh = c.spec.width / m.heads;
  const projected = (name: string, channels: number) => {
    const p = project(c, x, `${name}_proj`);
    return m.convSize > 0 ? conv(name, p, param(c, `${name}_conv1d.weight`), channels) : p;
  };
  let q = projected('q', m.heads * Dh);
  let k = projected('k', m.kvHeads * Dh);
  const v = projected('v', m.kvHeads * Dh);
  if (m.qkNorm) {
    q = op.rmsnorm(c.g, q, param(c, 'q_norm.weight'), R, m.heads * Dh, c.spec.normEps);
    k = op.rmsnorm(c.g, k, param(c, 'k_norm.weight'), R, m.kvHeads * Dh, c.spec.normEps);
  }
  return [q, k, v];
}

export function attentionMixer(c: LayerContext, m: AttentionMixer, x: Tensor): Tensor {
  const { g, B, T, spec } = c;
  const H = m.heads;
  const Hkv = m.kvHeads;
  const Dh = spec.width / H;
  const conv: ShortConv = (_, p, w, channels) => conv1d(g, p, w, undefined, B, T, channels, m.convSize);
  const [q, k, v] = projectQkv(c, m, x, conv); // (B, T, H, Dh), (B, T, Hkv, Dh) ×2
  const rope = (t: Tensor, heads: number) => (m.rope ? op.rope(g, t, B, T, heads, Dh, m.ropeBase) : t);
  const a = op.attention(g, rope(q, H), rope(k, Hkv), v, { B, T, H, Hkv, Dh, window: m.window }); // (B, T, H, Dh)
  return project(c, a, 'o_proj');
}

/** The conv weights (channels, 1, K) as Gated DeltaNet's (convInit); the rest by the model's rules. */
export function attentionInit(s: ParamShape): Init | undefined {
  return s.role === 'conv' ? convInit(s) : undefined;
}

/** Cache slots per sequence: a sliding window keeps only its last W positions (a ring of W slots). */
export function kvSlots(m: AttentionMixer, capacity: number): number {
  return m.window > 0 ? Math.min(capacity, m.window) : capacity;
}

/**
 * One token per sequence x (B, D) → (B, D), with the KV cache `k_cache`, `v_cache` (B, S, Hkv, Dh)
 * and, with convs, the states `{q,k,v}_conv_state` (B, channels, K − 1).
 */
export function attentionStep(c: DecodeContext, m: AttentionMixer, x: Tensor): Tensor {
  const { g, B, spec, pos } = c;
  const [H, Hkv, K] = [m.heads, m.kvHeads, m.convSize];
  const Dh = spec.width / H;
  const conv: ShortConv = (name, p, w, channels) =>
    conv1dStep(g, p, c.state(`${name}_conv_state`, [B, channels, K - 1]), w, undefined, B, channels, K);
  const [q, k, v] = projectQkv(c, m, x, conv); // (B, H·Dh), (B, Hkv·Dh) ×2
  const S = kvSlots(m, c.capacity);
  const cache = { k: c.state('k_cache', [B, S, Hkv, Dh]), v: c.state('v_cache', [B, S, Hkv, Dh]), S };
  const ropeBase = m.rope ? m.ropeBase : undefined;
  const a = cachedAttention(g, q, k, v, cache, pos, { B, H, Hkv, Dh, window: m.window, ropeBase }); // (B, H·Dh)
  return project(c, a, 'o_proj');
}
