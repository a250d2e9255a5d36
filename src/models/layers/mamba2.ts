// Mamba-2 (SSD) mixer (LAYERS.md, mamba_ssm's Mamba2), its decode step and initialisation.
// Dimension letters: B batch, T time, D width, Di = expand·D, H = Di/P heads of size P, N = dState,
// G groups sharing B and C, Cv = Di + 2·G·N conv channels, R = B·T rows.
// in_proj → [z (Di), xBC (Cv), dt (H)]; xBC = silu(conv1d(xBC)) = [x (Di), B (G·N), C (G·N)];
// Δ = softplus(dt + dt_bias); A = −exp(A_log); y = SSD(x, Δ, A, B, C) + D ⊙ x;
// out_proj(rmsnorm_group(y ⊙ silu(z)) ⊙ norm.weight): mamba_ssm's RMSNormGated with norm_before_gate =
// False (gate first) over groups of Di/G channels (group_size = d_ssm / ngroups), eps 1e-5.
import type { Graph } from '../../autograd/graph';
import * as op from '../../autograd/ops';
import {
  addCols,
  conv1d,
  exp,
  mulCols,
  mulSilu,
  scale,
  silu,
  sliceCols,
  softplus,
} from '../../autograd/ops-mixer';
import { ssd } from '../../autograd/ops-ssd';
import { ssdStep } from '../../kernels/ssd';
import type { Tensor } from '../../kernels/tensor';
import { conv1dStep } from '../decode-ops';
import type { Init } from '../params';
import type { Mamba2Mixer } from '../spec';
import type { ParamShape } from '../spec-params';
import { param, project, type DecodeContext, type LayerContext } from './context';
import { convInit, dtBiasAt, quantiles } from './gdn';

/** mamba_ssm's RMSNormGated epsilon. */
const NORM_EPS = 1e-5;

function sizesOf(c: LayerContext, m: Mamba2Mixer) {
  const Di = m.expand * c.spec.width;
  const [P, N, G] = [m.headDim, m.dState, m.groups];
  return { Di, H: Di / P, P, N, G, Cv: Di + 2 * G * N };
}

/** The in_proj output (R, Di + Cv + H) split into z (R, Di), the raw xBC (R, Cv) and dt (R, H). */
function splitProjection(c: LayerContext, m: Mamba2Mixer, u: Tensor) {
  const { Di, H, Cv } = sizesOf(c, m);
  const R = c.B * c.T;
  const zxbcdt = project(c, u, 'in_proj');
  return {
    z: sliceCols(c.g, zxbcdt, R, 0, Di),
    xBC: sliceCols(c.g, zxbcdt, R, Di, Cv),
    dt: sliceCols(c.g, zxbcdt, R, Di + Cv, H),
  };
}

/** The scan's inputs from the convolved xBC (R, Cv) and the raw dt (R, H). */
function scanInputs(c: LayerContext, m: Mamba2Mixer, xBC: Tensor, dtRaw: Tensor) {
  const { g } = c;
  const { Di, H, N, G } = sizesOf(c, m);
  const R = c.B * c.T;
  const act = silu(g, xBC);
  return {
    x: sliceCols(g, act, R, 0, Di), // (B, T, H, P)
    Bm: sliceCols(g, act, R, Di, G * N), // (B, T, G, N)
    C: sliceCols(g, act, R, Di + G * N, G * N), // (B, T, G, N)
    dt: softplus(g, addCols(g, dtRaw, param(c, 'dt_bias'), R, H)), // (B, T, H), Δ > 0
    A: scale(g, exp(g, param(c, 'A_log')), -1), // (H), < 0
    D: param(c, 'D'), // (H)
  };
}

/** out_proj(rmsnorm over groups of Di/G (y ⊙ silu(z)) ⊙ norm.weight). */
function gatedOutput(c: LayerContext, m: Mamba2Mixer, y: Tensor, z: Tensor): Tensor {
  const { g } = c;
  const { Di, G } = sizesOf(c, m);
  const R = c.B * c.T;
  const gated = mulSilu(g, y, z); // (R, Di)
  const w = param(c, 'norm.weight');
  const normed =
    G === 1
      ? op.rmsnorm(g, gated, w, R, Di, NORM_EPS)
      : mulCols(g, op.rmsnorm(g, gated, ones(g, Di / G), R * G, Di / G, NORM_EPS), w, R, Di);
  return project(c, normed, 'out_proj'); // (R, D)
}

/** A constant, gradient-free weight of ones (the per-group norm's weight comes after, per channel). */
function ones(g: Graph, n: number): Tensor {
  const t = g.tensor([n], `ones(${n})`);
  g.backend.write(t, new Float32Array(n).fill(1));
  return t;
}

export function mamba2Mixer(c: LayerContext, m: Mamba2Mixer, u: Tensor): Tensor {
  const { g, B, T } = c;
  const { H, P, N, G, Cv } = sizesOf(c, m);
  const { z, xBC, dt } = splitProjection(c, m, u);
  const conv = conv1d(g, xBC, param(c, 'conv1d.weight'), param(c, 'conv1d.bias'), B, T, Cv, m.dConv);
  const s = scanInputs(c, m, conv, dt);
  const y = ssd(g, s.x, s.dt, s.A, s.Bm, s.C, s.D, { B, T, H, P, N, G }); // (B, T, H·P)
  return gatedOutput(c, m, y, z);
}

/**
 * One token per sequence u (B, D) → (B, D), with states `conv_state` (B, Cv, K − 1) and `ssm_state`
 * (B, H, P, N).
 */
export function mamba2Step(c: DecodeContext, m: Mamba2Mixer, u: Tensor): Tensor {
  const { g, B } = c;
  const { Di, H, P, N, G, Cv } = sizesOf(c, m);
  const K = m.dConv;
  const { z, xBC, dt } = splitProjection(c, m, u);
  const convState = c.state('conv_state', [B, Cv, K - 1]);
  const conv = conv1dStep(g, xBC, convState, param(c, 'conv1d.weight'), param(c, 'conv1d.bias'), B, Cv, K);
  const s = scanInputs(c, m, conv, dt);
  const y = g.tensor([B, Di], 'ssd step');
  const state = c.state('ssm_state', [B, H, P, N]);
  g.forward(ssdStep, { y, x: s.x, dt: s.dt, A: s.A, Bm: s.Bm, C: s.C, D: s.D, state, B, H, P, N, G });
  return gatedOutput(c, m, y, z);
}

/**
 * mamba_ssm's Mamba2 initialisation, spread evenly over heads (quantiles (h + ½)/H): A = exp(A_log) ∈
 * [1, 16], Δ = softplus(dt_bias) log-uniform in [1e-3, 1e-1], D = 1; conv weights as convInit. The conv
 * bias starts at 0 (as the Mamba layer here; PyTorch's default would be U(±1/√K)). Other parameters:
 * undefined (the model's rules).
 */
export function mamba2Init(s: ParamShape): Init | undefined {
  if (s.name.endsWith('.A_log')) return quantiles(s, (u) => Math.log(1 + 15 * u));
  if (s.name.endsWith('.dt_bias')) return quantiles(s, dtBiasAt);
  if (s.name.endsWith('.D')) return { kind: 'const', value: 1 };
  if (s.name.endsWith('.conv1d.bias')) return { kind: 'const', value: 0 };
  if (s.role === 'conv') return convInit(s);
  return undefined;
}
