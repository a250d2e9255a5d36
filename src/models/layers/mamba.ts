// Mamba (S6) mixer (LAYERS.md, mamba_ssm) and the initialisation of its conv, dt_proj, A_log and D.
// Dimension letters: B batch, T time, D width, Di = expand·D, N = dState, Rk = dtRank, R = B·T rows.
import { addCols, conv1d, exp, mulSilu, scale, silu, sliceCols, softplus } from '../../autograd/ops-mixer';
import { selectiveScan } from '../../autograd/ops-scan';
import type { Tensor } from '../../kernels/tensor';
import type { Init } from '../params';
import type { MambaMixer } from '../spec';
import type { ParamShape } from '../spec-params';
import { param, project, type LayerContext } from './context';
import { convInit, dtBiasAt, quantiles, uniformVariance } from './gdn';

export function mambaMixer(c: LayerContext, m: MambaMixer, u: Tensor): Tensor {
  const { g, B, T } = c;
  const [Di, N, Rk] = [m.expand * c.spec.width, m.dState, m.dtRank];
  const R = B * T;
  const xz = project(c, u, 'in_proj'); // (B, T, 2·Di)
  const xIn = sliceCols(g, xz, R, 0, Di); // (B, T, Di)
  const z = sliceCols(g, xz, R, Di, Di); // (B, T, Di)
  const conv = conv1d(g, xIn, param(c, 'conv1d.weight'), param(c, 'conv1d.bias'), B, T, Di, m.dConv);
  const x = silu(g, conv); // (B, T, Di)
  const dbc = project(c, x, 'x_proj'); // (B, T, Rk + 2N)
  const dtLow = sliceCols(g, dbc, R, 0, Rk); // (B, T, Rk)
  const Bm = sliceCols(g, dbc, R, Rk, N); // (B, T, N)
  const C = sliceCols(g, dbc, R, Rk + N, N); // (B, T, N)
  const delta = softplus(g, addCols(g, project(c, dtLow, 'dt_proj'), param(c, 'dt_proj.bias'), R, Di)); // (B, T, Di)
  const A = scale(g, exp(g, param(c, 'A_log')), -1); // (Di, N), < 0
  const y = selectiveScan(g, x, delta, A, Bm, C, param(c, 'D'), { B, T, dInner: Di, N }); // (B, T, Di)
  return project(c, mulSilu(g, y, z), 'out_proj'); // (B, T, D)
}

/**
 * mamba_ssm's initialisation: A_log[d, n] = log(n + 1) (S4D-real), D = 1, dt_proj.bias = softplus⁻¹ of
 * Δ log-uniform in [1e-3, 1e-1] (spread evenly over channels), dt_proj.weight with the variance of
 * U(±Rk^−½), conv weights as convInit and the conv bias 0. Other parameters: undefined (the model's rules).
 */
export function mambaInit(s: ParamShape): Init | undefined {
  if (s.name.endsWith('.A_log')) {
    const N = s.shape[1];
    return { kind: 'custom', values: Float32Array.from({ length: s.size }, (_, i) => Math.log((i % N) + 1)) };
  }
  if (s.name.endsWith('.D')) return { kind: 'const', value: 1 };
  if (s.name.endsWith('.dt_proj.bias')) return quantiles(s, dtBiasAt);
  if (s.name.endsWith('.dt_proj.weight')) return uniformVariance(1 / Math.sqrt(s.shape[1]));
  if (s.name.endsWith('.conv1d.bias')) return { kind: 'const', value: 0 };
  if (s.role === 'conv') return convInit(s);
  return undefined;
}
