// RWKV-7 "Goose" time-mix (LAYERS.md, RWKV-LM v7 names): token shift, the data-dependent decay w, value
// residual, in-context learning rate a, gate g, removal key κ, the WKV-7 recurrence, per-head group norm,
// the bonus term and the output projection; its decode step; and the RWKV-LM-style initialisation.
// Dimension letters: B batch, T time, C = width, H heads of N = headSize, R = B·T rows.
import * as op from '../../autograd/ops';
import { addCols, mulCols, scale, sigmoid } from '../../autograd/ops-mixer';
import { l2norm } from '../../autograd/ops-gdn';
import {
  bonus,
  matmulIn,
  mul,
  tanh,
  tokenShift,
  tokenShiftStep,
  wkv7,
  wkv7Step,
} from '../../autograd/ops-rwkv';
import type { Wkv7Inputs } from '../../kernels/wkv7';
import type { Tensor } from '../../kernels/tensor';
import type { Init } from '../params';
import type { Layer, Rwkv7Mixer } from '../spec';
import type { ParamShape } from '../spec-params';
import { param, project, type DecodeContext, type LayerContext } from './context';
import { uniformVariance } from './gdn';

/** ln_x: GroupNorm(H, C) with RWKV-LM's eps 1e-5 · head_size_divisor² = 64e-5. */
const LN_X_EPS = 64e-5;
/** log w = −σ(·)/√e: RWKV-LM's w = −softplus(−z) − 0.5 inside exp(−exp(w)). */
const LOG_DECAY_SCALE = -Math.exp(-0.5);
/** The key in `LayerContext.values` under which the first RWKV-7 layer leaves its v for the others. */
export const RWKV7_V_FIRST = 'rwkv7.v_first';

interface Sizes {
  R: number;
  C: number;
  H: number;
  N: number;
}

function sizesOf(c: LayerContext, m: Rwkv7Mixer): Sizes {
  const C = c.spec.width;
  return { R: c.B * c.T, C, H: C / m.headSize, N: m.headSize };
}

/**
 * The first RWKV-7 layer of a stack has no value-residual parameters (spec-params: v0, v1, v2 exist
 * exactly on the others), so their presence tells a layer which role it plays.
 */
function isFirst(c: LayerContext): boolean {
  return !c.p.params.some((p) => p.name === `${c.prefix}.v0`);
}

/** The recurrence inputs r, log w, k, v, κ, a (R, C) and the gate (R, C) from x and xx = x_{t−1} − x_t. */
function timeMixInputs(c: LayerContext, x: Tensor, xx: Tensor, s: Sizes) {
  const { g } = c;
  const { R, C, H, N } = s;
  const mix = (name: string) => op.add(g, x, mulCols(g, xx, param(c, `x_${name}`), R, C)); // x + xx ⊙ μ
  /** (x @ name1) @ name2, RWKV-LM's low-rank maps ((in, out) matrices), `inner` between them. */
  const lora = (xin: Tensor, name: string, inner = (h: Tensor) => h) =>
    matmulIn(g, inner(matmulIn(g, xin, param(c, `${name}1`), R)), param(c, `${name}2`), R);
  const xv = mix('v');
  const r = project(c, mix('r'), 'receptance');
  const wLogit = addCols(
    g,
    lora(mix('w'), 'w', (h) => tanh(g, h)),
    param(c, 'w0'),
    R,
    C,
  );
  const logw = scale(g, sigmoid(g, wLogit), LOG_DECAY_SCALE); // (R, C) in (−e^−½, 0)
  const k0 = project(c, mix('k'), 'key');
  let v = project(c, xv, 'value');
  // Value residual: the first layer's v reaches every later layer through the forward's shared map
  // (a first layer run on its own, without the map, has nobody to hand v₀ to).
  if (isFirst(c)) c.values?.set(RWKV7_V_FIRST, v);
  else {
    const v0 = c.values?.get(RWKV7_V_FIRST);
    if (!v0)
      throw new Error(
        `rwkv7: ${c.prefix} needs v₀ from the stack's first RWKV-7 layer in the context's \`values\`, and it is not there.`,
      );
    const mixV = sigmoid(g, addCols(g, lora(xv, 'v'), param(c, 'v0'), R, C));
    v = op.add(g, v, mul(g, op.add(g, v0, scale(g, v, -1)), mixV)); // v + (v₀ − v) ⊙ σ(…)
  }
  const a = sigmoid(g, addCols(g, lora(mix('a'), 'a'), param(c, 'a0'), R, C));
  const gate = matmulIn(g, sigmoid(g, matmulIn(g, mix('g'), param(c, 'g1'), R)), param(c, 'g2'), R);
  // κ, unit norm per head: fla's l2norm x/√(Σx² + 1e-6), where RWKV-LM's F.normalize uses x/max(‖x‖, 1e-12).
  const kk = l2norm(g, mulCols(g, k0, param(c, 'k_k'), R, C), R * H, N);
  // k ⊙ (1 + (a − 1) ⊙ k_a) = k + (k ⊙ k_a) ⊙ a − k ⊙ k_a
  const kka = mulCols(g, k0, param(c, 'k_a'), R, C);
  const k = op.add(g, op.add(g, k0, mul(g, kka, a)), scale(g, kka, -1));
  const inputs: Wkv7Inputs<Tensor> = { r, logw, k, v, kk, a };
  return { inputs, gate };
}

/** A constant (n) tensor of the graph that still takes a (discarded) gradient, as layernorm requires. */
function constant(c: LayerContext, n: number, value: number): Tensor {
  const t = c.g.trainable(c.g.tensor([n], `constant ${value}`));
  c.g.backend.write(t, new Float32Array(n).fill(value));
  return t;
}

/** ln_x per head, the bonus term, the gate and the output projection. */
function timeMixOutput(c: LayerContext, y: Tensor, x: Wkv7Inputs<Tensor>, gate: Tensor, s: Sizes): Tensor {
  const { g } = c;
  const { R, C, H, N } = s;
  const perHead = op.layernorm(g, y, constant(c, N, 1), constant(c, N, 0), R * H, N, LN_X_EPS);
  const normed = addCols(g, mulCols(g, perHead, param(c, 'ln_x.weight'), R, C), param(c, 'ln_x.bias'), R, C);
  const out = op.add(g, normed, bonus(g, x.r, x.k, x.v, param(c, 'r_k'), R, H, N));
  return project(c, mul(g, out, gate), 'output'); // (R, C)
}

export function rwkv7Mixer(c: LayerContext, m: Rwkv7Mixer, x: Tensor): Tensor {
  const s = sizesOf(c, m);
  const { B, T } = c;
  const { inputs, gate } = timeMixInputs(c, x, tokenShift(c.g, x, B, T, s.C), s);
  const y = wkv7(c.g, inputs, { B, T, H: s.H, N: s.N }); // (B, T, H, N)
  return timeMixOutput(c, y, inputs, gate, s);
}

/** One token per sequence: the token shift and the WKV state (H·N² + C floats per sequence) persist. */
export function rwkv7Step(c: DecodeContext, m: Rwkv7Mixer, x: Tensor): Tensor {
  const s = sizesOf(c, m);
  const { B } = c;
  const xx = tokenShiftStep(c.g, x, c.state('shift', [B, s.C]), B, s.C);
  const { inputs, gate } = timeMixInputs(c, x, xx, s);
  const y = wkv7Step(c.g, inputs, c.state('wkv', [B, s.H, s.N, s.N]), { B, H: s.H, N: s.N });
  return timeMixOutput(c, y, inputs, gate, s);
}

/** Per channel n of C: n/(C − 1) − ½ and RWKV-LM's per-head zigzag z|z| with z ∈ [−1, 1] over the head. */
function channelRamps(n: number, C: number, N: number): { linear: number; zigzag: number } {
  const z = N > 1 ? ((n % N) - (N - 1) / 2) / ((N - 1) / 2) : 0;
  return { linear: C > 1 ? n / (C - 1) - 0.5 : 0, zigzag: z * Math.abs(z) };
}

const perChannel = (s: ParamShape, f: (n: number, C: number) => number): Init => ({
  kind: 'custom',
  values: Float32Array.from({ length: s.size }, (_, n) => f(n, s.size)),
});

/** Token-shift mix μ = 1 − (n/C)^p: ramped over channels from all-previous-token to all-current. */
const shiftMix = (s: ParamShape, p: number) => perChannel(s, (n, C) => 1 - (n / C) ** p);

/** Exponents of RWKV-LM v7's μ ramps (its first layer's, for every layer). */
const MIX_POWER: Record<string, number> = { x_r: 0.2, x_w: 0.9, x_k: 0.7, x_v: 0.7, x_a: 0.9, x_g: 0.2 };

/**
 * RWKV-LM v7's initialisation in spirit: μ ramped over channels; the decay bias w0 spread from slow
 * (σ(w0) ≈ 0, w ≈ 1) to fast (w ≈ e^−0.58) over the channels plus a per-head zigzag; a0, v0, k_k, k_a,
 * r_k at its constants; first LoRA matrices zero and second ones small (an orthogonal 0.1 has entries
 * ~0.1/√C); receptance, key, value uniform as RWKV-LM. The output projection keeps the model's small
 * residual-out normal (RWKV-LM zeroes it), so the block contributes from step one. Channel-mix params
 * are left to rwkvCmixInit.
 */
export function rwkv7Init(s: ParamShape, layer?: Layer): Init | undefined {
  const m = layer?.mixer.kind === 'rwkv7' ? layer.mixer : undefined;
  const name = s.name.split('.att.')[1];
  if (!m || name === undefined) return undefined;
  const C = s.shape[s.shape.length - 1];
  const N = m.headSize;
  if (name in MIX_POWER) return shiftMix(s, MIX_POWER[name]);
  const ramp = (n: number) => channelRamps(n, C, N);
  switch (name) {
    case 'w0':
      return perChannel(s, (n) => -6 + 6 * (n / Math.max(1, C - 1)) + 0.5 + 2.5 * ramp(n).zigzag);
    case 'a0':
      return perChannel(s, (n) => -0.19 + 0.3 * ramp(n).zigzag + 0.4 * ramp(n).linear);
    case 'v0':
      return perChannel(s, (n) => 0.73 - 0.4 * ramp(n).linear);
    case 'k_k':
      return perChannel(s, (n) => 0.71 - 0.1 * ramp(n).linear);
    case 'k_a':
      return { kind: 'const', value: 1.02 };
    case 'r_k':
      return { kind: 'const', value: -0.04 };
    case 'w1':
    case 'a1':
    case 'v1':
    case 'g1':
      return { kind: 'const', value: 0 };
    case 'w2':
    case 'a2':
    case 'v2':
    case 'g2':
      return { kind: 'normal', std: 0.1 / Math.sqrt(s.shape[1]) };
    case 'receptance.weight':
    case 'value.weight':
      return uniformVariance(0.5 / Math.sqrt(s.shape[1]));
    case 'key.weight':
      return uniformVariance(0.05 / Math.sqrt(s.shape[1]));
  }
  return undefined;
}
