// Softmax attention mixer (LAYERS.md): q/k/v projections, optional OLMo QK-norm over the full
// projections, RoPE (or NoPE), causal flash attention with GQA and an optional sliding window, o_proj.
// Dimension letters: B batch, T time, H heads, Hkv kv heads, Dh head size, R = B·T rows.
import * as op from '../../autograd/ops';
import type { Tensor } from '../../kernels/tensor';
import type { AttentionMixer } from '../spec';
import { param, project, type LayerContext } from './context';

export function attentionMixer(c: LayerContext, m: AttentionMixer, x: Tensor): Tensor {
  const { g, B, T, spec } = c;
  const H = m.heads;
  const Hkv = m.kvHeads;
  const Dh = spec.width / H;
  const R = B * T;
  let q = project(c, x, 'q_proj'); // (B, T, H, Dh)
  let k = project(c, x, 'k_proj'); // (B, T, Hkv, Dh)
  const v = project(c, x, 'v_proj'); // (B, T, Hkv, Dh)
  if (m.qkNorm) {
    q = op.rmsnorm(g, q, param(c, 'q_norm.weight'), R, H * Dh, spec.normEps);
    k = op.rmsnorm(g, k, param(c, 'k_norm.weight'), R, Hkv * Dh, spec.normEps);
  }
  if (m.rope) {
    q = op.rope(g, q, B, T, H, Dh, m.ropeBase);
    k = op.rope(g, k, B, T, Hkv, Dh, m.ropeBase);
  }
  const a = op.attention(g, q, k, v, { B, T, H, Hkv, Dh, window: m.window }); // (B, T, H, Dh)
  return project(c, a, 'o_proj');
}
