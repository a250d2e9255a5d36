// Softmax attention mixer (LAYERS.md): q/k/v projections, optional OLMo QK-norm over the full
// projections, RoPE (or NoPE), causal flash attention with GQA and an optional sliding window, o_proj.
// Its decode step appends the token's k, v to a KV cache and attends the one query to the cache.
// Dimension letters: B batch, T time, H heads, Hkv kv heads, Dh head size, R = B·T rows.
import * as op from '../../autograd/ops';
import type { Tensor } from '../../kernels/tensor';
import { cachedAttention, ropeAt } from '../decode-ops';
import type { AttentionMixer } from '../spec';
import { param, project, type DecodeContext, type LayerContext } from './context';

/** q (R, H·Dh), k and v (R, Hkv·Dh) of x, with the QK-norm when the mixer has one (before RoPE). */
function projectQkv(c: LayerContext, m: AttentionMixer, x: Tensor): [Tensor, Tensor, Tensor] {
  const R = c.B * c.T;
  const Dh = c.spec.width / m.heads;
  let q = project(c, x, 'q_proj');
  let k = project(c, x, 'k_proj');
  const v = project(c, x, 'v_proj');
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
  const [q, k, v] = projectQkv(c, m, x); // (B, T, H, Dh), (B, T, Hkv, Dh) ×2
  const rope = (t: Tensor, heads: number) => (m.rope ? op.rope(g, t, B, T, heads, Dh, m.ropeBase) : t);
  const a = op.attention(g, rope(q, H), rope(k, Hkv), v, { B, T, H, Hkv, Dh, window: m.window }); // (B, T, H, Dh)
  return project(c, a, 'o_proj');
}

/** Cache slots per sequence: a sliding window keeps only its last W positions (a ring of W slots). */
export function kvSlots(m: AttentionMixer, capacity: number): number {
  return m.window > 0 ? Math.min(capacity, m.window) : capacity;
}

/** One token per sequence x (B, D) → (B, D), with the KV cache `k_cache`, `v_cache` (B, S, Hkv, Dh). */
export function attentionStep(c: DecodeContext, m: AttentionMixer, x: Tensor): Tensor {
  const { g, B, spec, pos } = c;
  const [H, Hkv] = [m.heads, m.kvHeads];
  const Dh = spec.width / H;
  const [q, k, v] = projectQkv(c, m, x); // (B, H·Dh), (B, Hkv·Dh) ×2
  const rope = (t: Tensor, heads: number) => (m.rope ? ropeAt(g, t, pos, B, heads, Dh, m.ropeBase) : t);
  const S = kvSlots(m, c.capacity);
  const cache = { k: c.state('k_cache', [B, S, Hkv, Dh]), v: c.state('v_cache', [B, S, Hkv, Dh]), S };
  const a = cachedAttention(g, rope(q, H), rope(k, Hkv), v, cache, pos, { B, H, Hkv, Dh, window: m.window }); // (B, H·Dh)
  return project(c, a, 'o_proj');
}
