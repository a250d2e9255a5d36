// RetNet multi-scale retention mixer (LAYERS.md, fla's MultiScaleRetention without rotary/xPos):
// q = q_proj(x)/√Dk, k = k_proj(x), v = v_proj(x); retention with γ_h = 1 − 2^(−5−h) per head;
// o = rmsnorm_Dv(o)·g_norm.weight ⊙ silu(g_proj x); o_proj. The decode step keeps the (H, Dk, Dv) state.
// Dimension letters: B batch, T time, H heads, Dk = keyExpand·D/H, Dv = valueExpand·D/H, R = B·T rows.
import * as op from '../../autograd/ops';
import { mulSilu, scale } from '../../autograd/ops-mixer';
import { retention, retentionDecode } from '../../autograd/ops-retnet';
import type { Tensor } from '../../kernels/tensor';
import type { RetnetMixer } from '../spec';
import { param, project, type DecodeContext, type LayerContext } from './context';

/** fla's FusedRMSNormGated epsilon (norm_eps). */
const G_NORM_EPS = 1e-5;

function sizes(c: LayerContext, m: RetnetMixer) {
  const H = m.heads;
  return { H, Dk: (m.keyExpand * c.spec.width) / H, Dv: (m.valueExpand * c.spec.width) / H };
}

/** Scaled queries, keys and values of the rows of x: (R, H·Dk), (R, H·Dk), (R, H·Dv). */
function qkv(c: LayerContext, x: Tensor, Dk: number): [Tensor, Tensor, Tensor] {
  const q = scale(c.g, project(c, x, 'q_proj'), 1 / Math.sqrt(Dk));
  return [q, project(c, x, 'k_proj'), project(c, x, 'v_proj')];
}

/** The per-head RMSNorm, the silu gate and o_proj over the retention output o (R, H·Dv). */
function output(c: LayerContext, x: Tensor, o: Tensor, H: number, Dv: number): Tensor {
  const normed = op.rmsnorm(c.g, o, param(c, 'g_norm.weight'), c.B * c.T * H, Dv, G_NORM_EPS);
  const gated = mulSilu(c.g, normed, project(c, x, 'g_proj')); // (R, H·Dv)
  return project(c, gated, 'o_proj'); // (R, D)
}

export function retnetMixer(c: LayerContext, m: RetnetMixer, x: Tensor): Tensor {
  const { H, Dk, Dv } = sizes(c, m);
  const [q, k, v] = qkv(c, x, Dk);
  const o = retention(c.g, q, k, v, { B: c.B, T: c.T, H, Dk, Dv }); // (B, T, H, Dv)
  return output(c, x, o, H, Dv);
}

/** One token x (B, D) → y (B, D), advancing the layer's retention state (B, H, Dk, Dv). */
export function retnetStep(c: DecodeContext, m: RetnetMixer, x: Tensor): Tensor {
  const { H, Dk, Dv } = sizes(c, m);
  const state = c.state('retention', [c.B, H, Dk, Dv]);
  const [q, k, v] = qkv(c, x, Dk);
  const o = retentionDecode(c.g, q, k, v, state, { B: c.B, H, Dk, Dv }); // (B, H·Dv)
  return output(c, x, o, H, Dv);
}
