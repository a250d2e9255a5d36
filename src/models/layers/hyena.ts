// Hyena (order N, LAYERS.md; safari's HyenaOperator and HyenaFilter), its initialisation and decode step.
// Dimension letters: B batch, T time, D width, R = B·T rows, L filter positions, E = 1 + 2K features,
// W filter-FFN width, F = (N − 1)·D filter channels.
//
// Choices, following safari where LAYERS.md leaves room:
// - Positional features z(t) = [t/(T_max − 1), cos(f_k ω_t), −sin(f_k ω_t)], ω_t = 2πt/T_max,
//   f_k = linspace(1e-4, K − 1, K), exactly safari's PositionalEmbedding (its t is linspace(0, 1)).
// - T_max is spec.contextLength (safari's l_max): the filter of a shorter sequence is the first rows of
//   the filter at T_max, so training, shorter prefixes and decode all see the same h_t. Sequences longer
//   than contextLength are an error (the features are not defined there).
// - Filter FFN `Linear → Sin → Linear → Sin → Linear(no bias)`; safari appends the same Sin module
//   twice, so `implicit_filter.3` shares `implicit_filter.1.freq` (one learnable frequency per unit).
// - Window exp(−t·|δ_c|) on the same normalised t, δ = linspace(log(1e-2)/1.5, log(1e-2)/0.3, F): fixed,
//   not trained (safari's ExponentialModulation with modulation_lr = 0).
import * as op from '../../autograd/ops';
import { addCols, conv1d, mulCols, sliceCols } from '../../autograd/ops-mixer';
import { constant, longConv, longConvStep, mul, mulConst, sinFreq } from '../../autograd/ops-hyena';
import { conv1dStep } from '../../kernels/conv1d-step';
import type { Tensor } from '../../kernels/tensor';
import type { Init } from '../params';
import type { HyenaMixer } from '../spec';
import type { ParamShape } from '../spec-params';
import { param, project, type DecodeContext, type LayerContext } from './context';
import { convInit, uniformVariance } from './gdn';

const FILTER = 'filter_fn.implicit_filter';
/** safari's ExponentialModulation: decay to `target` within these fractions of T_max. */
const [FAST_DECAY, SLOW_DECAY, TARGET] = [0.3, 1.5, 1e-2];

/** torch.linspace(a, b, n)[i]. */
const linspace = (a: number, b: number, n: number, i: number) => (n === 1 ? a : a + ((b - a) * i) / (n - 1));

/** The features z(t) (L, 1 + 2K) of positions t < L of a filter defined over T_max positions. */
export function positionalFeatures(L: number, tMax: number, bands: number): Float32Array {
  const E = 1 + 2 * bands;
  const z = new Float32Array(L * E);
  for (let t = 0; t < L; t++) {
    const w = (2 * Math.PI * t) / tMax;
    z[t * E] = linspace(0, 1, tMax, t);
    for (let k = 0; k < bands; k++) {
      const f = linspace(1e-4, bands - 1, bands, k);
      z[t * E + 1 + k] = Math.cos(f * w);
      z[t * E + 1 + bands + k] = -Math.sin(f * w);
    }
  }
  return z;
}

/** The fixed window exp(−t·|δ_c|) (L, F) with t = linspace(0, 1, T_max). */
export function filterWindow(L: number, tMax: number, F: number): Float32Array {
  const [slow, fast] = [Math.log(TARGET) / SLOW_DECAY, Math.log(TARGET) / FAST_DECAY];
  const win = new Float32Array(L * F);
  for (let t = 0; t < L; t++)
    for (let c = 0; c < F; c++)
      win[t * F + c] = Math.exp(-linspace(0, 1, tMax, t) * Math.abs(linspace(slow, fast, F, c)));
  return win;
}

/** The implicit long filter h (L, F) for positions t < L: FFN of the positional features, windowed. */
export function hyenaFilter(c: LayerContext, m: HyenaMixer, L: number): Tensor {
  const { g, spec } = c;
  const tMax = spec.contextLength;
  if (L > tMax)
    throw new Error(
      `Hyena's filter is defined over contextLength = ${tMax} positions; ${L} were asked for (shorten the sequence or raise contextLength).`,
    );
  const [E, W, F] = [1 + 2 * m.filterBands, m.filterWidth, (m.order - 1) * spec.width];
  const z = constant(g, [L, E], `z(${L}/${tMax})`, positionalFeatures(L, tMax, m.filterBands));
  const freq = param(c, `${FILTER}.1.freq`);
  const layer = (x: Tensor, i: number, inF: number) =>
    sinFreq(
      g,
      addCols(
        g,
        op.linear(g, x, param(c, `${FILTER}.${i}.weight`), L, inF, W),
        param(c, `${FILTER}.${i}.bias`),
        L,
        W,
      ),
      freq,
      L,
      W,
    );
  const hidden = layer(layer(z, 0, E), 2, W); // (L, W)
  const h = op.linear(g, hidden, param(c, `${FILTER}.4.weight`), L, W, F); // (L, F)
  return mulConst(g, h, constant(g, [L, F], `window(${L}/${tMax})`, filterWindow(L, tMax, F)));
}

/**
 * The gated recurrence shared by the forward and the decode step, on `rows` rows of the short-conv
 * output uc = [x₀, …, x_{N−1}, v]: for o < N − 1, v ← conv_o(v ⊙ x_{N−1−o}) + bias_o ⊙ (v ⊙ x_{N−1−o});
 * then out_proj(v ⊙ x₀).
 */
function gatedConvolutions(
  c: LayerContext,
  m: HyenaMixer,
  uc: Tensor,
  rows: number,
  convolve: (o: number, u: Tensor) => Tensor,
): Tensor {
  const { g } = c;
  const D = c.spec.width;
  const xs = Array.from({ length: m.order }, (_, i) => sliceCols(g, uc, rows, i * D, D)); // (rows, D) each
  let v = sliceCols(g, uc, rows, m.order * D, D);
  const bias = param(c, 'filter_fn.bias'); // (F)
  for (let o = 0; o < m.order - 1; o++) {
    const u = mul(g, v, xs[m.order - 1 - o]);
    const b = m.order === 2 ? bias : sliceCols(g, bias, 1, o * D, D);
    v = op.add(g, convolve(o, u), mulCols(g, u, b, rows, D));
  }
  const y = project(c, mul(g, v, xs[0]), 'out_proj');
  return addCols(g, y, param(c, 'out_proj.bias'), rows, D);
}

/** The columns of filter o (L, D) of h (L, F). */
function filterOf(c: LayerContext, m: HyenaMixer, h: Tensor, L: number, o: number): Tensor {
  const D = c.spec.width;
  return m.order === 2 ? h : sliceCols(c.g, h, L, o * D, D);
}

export function hyenaMixer(c: LayerContext, m: HyenaMixer, x: Tensor): Tensor {
  const { g, B, T } = c;
  const [R, inner] = [B * T, (m.order + 1) * c.spec.width];
  const proj = addCols(g, project(c, x, 'in_proj'), param(c, 'in_proj.bias'), R, inner); // (R, inner)
  const w = param(c, 'short_filter.weight');
  const uc = conv1d(g, proj, w, param(c, 'short_filter.bias'), B, T, inner, m.shortConv);
  const h = hyenaFilter(c, m, T); // (T, F), computed once per forward
  const sizes = { B, T, C: c.spec.width };
  return gatedConvolutions(c, m, uc, R, (o, u) => longConv(g, filterOf(c, m, h, T, o), u, sizes));
}

/**
 * One decode token x (B, D). State: the short conv's last K − 1 inputs and, per long convolution, the
 * whole history of its input (B, capacity, D) — Hyena has no compact state. The filter over `capacity`
 * positions depends only on the parameters: it is computed by the decoder's setup graph, once per reset.
 */
export function hyenaStep(c: DecodeContext, m: HyenaMixer, x: Tensor): Tensor {
  const { g, B, capacity } = c;
  const [D, inner, K] = [c.spec.width, (m.order + 1) * c.spec.width, m.shortConv];
  const proj = addCols(g, project(c, x, 'in_proj'), param(c, 'in_proj.bias'), B, inner);
  const uc = g.tensor([B, inner], 'hyena short conv');
  g.forward(conv1dStep, {
    out: uc,
    state: c.state('short_filter', [B, inner, Math.max(1, K - 1)]),
    x: proj,
    weight: param(c, 'short_filter.weight'),
    bias: param(c, 'short_filter.bias'),
    B,
    C: inner,
    K,
  });
  const setup = { ...c, g: c.setup };
  const h = hyenaFilter(setup, m, capacity);
  const filters = Array.from({ length: m.order - 1 }, (_, o) => filterOf(setup, m, h, capacity, o));
  return gatedConvolutions(c, m, uc, B, (o, u) => {
    const history = c.state(o === 0 ? 'history' : `history.${o}`, [B, capacity, D]);
    return longConvStep(g, filters[o], u, history, c.pos, { B, C: D, capacity });
  });
}

/**
 * safari's initialisation (PyTorch defaults: a Linear or Conv1d of fan-in n has weight and bias
 * U(±1/√n), here as normals of that variance), except in_proj/out_proj weights (the model's rule) and
 * their biases (0): filter_fn.bias N(0, 1), Sin frequencies 1 (safari's w = 1). Two biases cannot see
 * their fan-in in their shape and use safari's defaults: short_filter (K = 3), implicit_filter.0 (E = 3).
 */
export function hyenaInit(s: ParamShape): Init | undefined {
  const n = s.name;
  if (n.endsWith('.in_proj.bias') || n.endsWith('.out_proj.bias')) return { kind: 'const', value: 0 };
  if (n.endsWith('.short_filter.weight')) return convInit(s);
  if (n.endsWith('.short_filter.bias')) return uniformVariance(1 / Math.sqrt(3));
  if (n.endsWith('.filter_fn.bias')) return { kind: 'normal', std: 1 };
  if (n.endsWith(`${FILTER}.1.freq`)) return { kind: 'const', value: 1 };
  if (n.endsWith(`${FILTER}.0.bias`)) return uniformVariance(1 / Math.sqrt(3));
  if (n.includes(`${FILTER}.`) && n.endsWith('.weight')) return uniformVariance(1 / Math.sqrt(s.shape[1]));
  if (n.includes(`${FILTER}.`) && n.endsWith('.bias')) return uniformVariance(1 / Math.sqrt(s.shape[0]));
  return undefined;
}
