// Gated DeltaNet mixer (LAYERS.md, fla / OLMo Hybrid), its decode step, the initialisation of its conv, A_log, dt_bias, and
// the init helpers it shares with Mamba.
// Dimension letters: B batch, T time, H heads, Dk = headDim, Dv = valueExpand·Dk, R = B·T rows.
import * as op from '../../autograd/ops';
import {
  addCols,
  conv1d,
  exp,
  mulCols,
  mulSilu,
  scale,
  sigmoid,
  silu,
  softplus,
} from '../../autograd/ops-mixer';
import { gdn, l2norm } from '../../autograd/ops-gdn';
import { gdnStep as gdnStepKernel } from '../../kernels/gdn';
import type { Tensor } from '../../kernels/tensor';
import type { Init } from '../params';
import type { GdnMixer } from '../spec';
import type { ParamShape } from '../spec-params';
import { conv1dStep } from '../decode-ops';
import { param, project, type DecodeContext, type LayerContext } from './context';

/** fla's FusedRMSNormGated epsilon. */
const O_NORM_EPS = 1e-5;

/** The parts of the mixer that differ between the parallel forward and the decode step. */
interface GdnTime {
  /** Causal short conv (no bias) of `name`'s projection p (R, channels). */
  conv: (name: string, p: Tensor, weight: Tensor, channels: number) => Tensor;
  /** The delta-rule recurrence, o (R, H·Dv). */
  recur: (q: Tensor, k: Tensor, v: Tensor, beta: Tensor, logDecay: Tensor) => Tensor;
}

/** The mixer over R = B·T rows, its time mixing (short convs and recurrence) given by `time`. */
function gatedDeltaNet(c: LayerContext, m: GdnMixer, x: Tensor, time: GdnTime): Tensor {
  const { g } = c;
  const [H, Dk] = [m.heads, m.headDim];
  const Dv = m.valueExpand * Dk;
  const R = c.B * c.T;
  /** silu(short_conv(name_proj x)): (B, T, channels). */
  const shortConv = (name: string, channels: number) =>
    silu(g, time.conv(name, project(c, x, `${name}_proj`), param(c, `${name}_conv1d.weight`), channels));
  const q = l2norm(g, shortConv('q', H * Dk), R * H, Dk, 1 / Math.sqrt(Dk)); // (B, T, H, Dk), norm 1/√Dk
  const k = l2norm(g, shortConv('k', H * Dk), R * H, Dk); // (B, T, H, Dk), unit norm
  const v = shortConv('v', H * Dv); // (B, T, H, Dv)
  const gate = sigmoid(g, project(c, x, 'b_proj')); // (B, T, H)
  const beta = m.negativeEigenvalues ? scale(g, gate, 2) : gate; // (B, T, H) in (0, 1) or (0, 2)
  const dt = softplus(g, addCols(g, project(c, x, 'a_proj'), param(c, 'dt_bias'), R, H)); // (B, T, H)
  const negA = scale(g, exp(g, param(c, 'A_log')), -1); // (H)
  const logDecay = mulCols(g, dt, negA, R, H); // (B, T, H), ≤ 0
  const o = time.recur(q, k, v, beta, logDecay); // (B, T, H, Dv)
  const normed = op.rmsnorm(g, o, param(c, 'o_norm.weight'), R * H, Dv, O_NORM_EPS); // (B·T·H, Dv)
  const gated = mulSilu(g, normed, project(c, x, 'g_proj')); // (B, T, H·Dv)
  return project(c, gated, 'o_proj'); // (B, T, D)
}

export function gdnMixer(c: LayerContext, m: GdnMixer, x: Tensor): Tensor {
  const { g, B, T } = c;
  const [H, Dk] = [m.heads, m.headDim];
  return gatedDeltaNet(c, m, x, {
    conv: (_, p, w, channels) => conv1d(g, p, w, undefined, B, T, channels, m.convSize),
    recur: (q, k, v, beta, logDecay) =>
      gdn(g, q, k, v, beta, logDecay, { B, T, H, Dk, Dv: m.valueExpand * Dk }),
  });
}

/**
 * One token per sequence x (B, D) → (B, D), with states `{q,k,v}_conv_state` (B, channels, K − 1) and
 * `recurrent_state` (B, H, Dk, Dv).
 */
export function gdnStep(c: DecodeContext, m: GdnMixer, x: Tensor): Tensor {
  const { g, B } = c;
  const [H, Dk, K] = [m.heads, m.headDim, m.convSize];
  const Dv = m.valueExpand * Dk;
  const state = c.state('recurrent_state', [B, H, Dk, Dv]);
  return gatedDeltaNet(c, m, x, {
    conv: (name, p, w, channels) =>
      conv1dStep(g, p, c.state(`${name}_conv_state`, [B, channels, K - 1]), w, undefined, B, channels, K),
    recur: (q, k, v, beta, logDecay) => {
      const o = g.tensor([B, H * Dv], 'gdn step o');
      g.forward(gdnStepKernel, { o, q, k, v, beta, g: logDecay, state, B, H, Dk, Dv });
      return o;
    },
  });
}

/** Values f((i + ½)/size) at evenly spaced quantiles, one per element of the parameter. */
export function quantiles(s: ParamShape, f: (u: number) => number): Init {
  return { kind: 'custom', values: Float32Array.from({ length: s.size }, (_, i) => f((i + 0.5) / s.size)) };
}

/** Mamba's dt bias at quantile u: softplus⁻¹ of Δ log-uniform in [1e-3, 1e-1]. */
export function dtBiasAt(u: number): number {
  const dt = Math.exp(Math.log(1e-3) + u * (Math.log(1e-1) - Math.log(1e-3)));
  return dt + Math.log(-Math.expm1(-dt)); // softplus⁻¹(dt)
}

/** A normal with the variance of U(±bound) (PyTorch's defaults, Mamba's dt_proj). */
export function uniformVariance(bound: number): Init {
  return { kind: 'normal', std: bound / Math.sqrt(3) };
}

/** Conv weights (C, 1, K) with the variance of PyTorch's default U(±1/√K). */
export function convInit(s: ParamShape): Init {
  return uniformVariance(1 / Math.sqrt(s.shape[2]));
}

/**
 * Per-head values at the quantiles (h + ½)/H of Mamba's distributions, spread evenly over heads:
 * A = exp(A_log) ∈ [1, 16], Δ = softplus(dt_bias) log-uniform in [1e-3, 1e-1]; conv weights as
 * convInit. Other parameters: undefined (the model's rules).
 */
export function gdnInit(s: ParamShape): Init | undefined {
  if (s.name.endsWith('.A_log')) return quantiles(s, (u) => Math.log(1 + 15 * u));
  if (s.name.endsWith('.dt_bias')) return quantiles(s, dtBiasAt);
  if (s.role === 'conv') return convInit(s);
  return undefined;
}
