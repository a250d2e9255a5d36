// Causal depthwise conv1d over time (x (B, T, C), weight (C, 1, K), optional bias) and its backwards.
import type { KernelDef } from './backend';
import { prepareDispatch, grid, withScratch } from './dispatch';
import { checkSizes, prepareColumnSum, rowsPerBlock, type Floats } from './elementwise';
import type { Tensor } from './tensor';
import code from './conv1d.wgsl?raw';

export interface Conv1dSizes {
  B: number;
  T: number;
  C: number;
  K: number;
}
/** y[b, t, c] = bias[c] + Σ_{i<K} w[c, i]·x[b, t − K + 1 + i, c] (zero for t − K + 1 + i < 0). */
export interface Conv1dArgs extends Conv1dSizes {
  out: Tensor;
  x: Tensor;
  weight: Tensor;
  bias?: Tensor;
}
/** dx (+)= ∂L/∂x given dy. */
export interface Conv1dBackwardInputArgs extends Conv1dSizes {
  dx: Tensor;
  weight: Tensor;
  dy: Tensor;
  accumulate?: boolean;
}
/**
 * dweight (C, K) (+)= Σ over B·T of dy ⊙ shifted x, in two passes (fixed order, no atomics).
 * The bias gradient is sumRows(dy) (elementwise.ts).
 */
export interface Conv1dBackwardWeightArgs extends Conv1dSizes {
  dweight: Tensor;
  x: Tensor;
  dy: Tensor;
  accumulate?: boolean;
}

// ---- CPU references (plain loops, f64 sums)

type Vals = ArrayLike<number>;

/** Calls f(j, jx, c, i) for each element j = (b, t, c) and tap i whose input jx = (b, t−K+1+i, c) exists. */
function forEachTap(s: Conv1dSizes, f: (j: number, jx: number, c: number, i: number) => void): void {
  for (let bt = 0; bt < s.B * s.T; bt++)
    for (let c = 0; c < s.C; c++)
      for (let i = 0; i < s.K; i++) {
        const shift = s.K - 1 - i;
        if (shift <= bt % s.T) f(bt * s.C + c, (bt - shift) * s.C + c, c, i);
      }
}

export function conv1dRef(out: Floats, x: Vals, w: Vals, bias: Vals | undefined, s: Conv1dSizes): void {
  for (let j = 0; j < s.B * s.T * s.C; j++) out[j] = bias ? bias[j % s.C] : 0;
  forEachTap(s, (j, jx, c, i) => (out[j] += w[c * s.K + i] * x[jx]));
}

export function conv1dBackwardInputRef(
  dx: Floats,
  w: Vals,
  dy: Vals,
  s: Conv1dSizes,
  accumulate = false,
): void {
  const d = new Float64Array(s.B * s.T * s.C);
  forEachTap(s, (j, jx, c, i) => (d[jx] += w[c * s.K + i] * dy[j]));
  for (let j = 0; j < d.length; j++) dx[j] = accumulate ? dx[j] + d[j] : d[j];
}

export function conv1dBackwardWeightRef(
  dw: Floats,
  x: Vals,
  dy: Vals,
  s: Conv1dSizes,
  accumulate = false,
): void {
  const d = new Float64Array(s.C * s.K);
  forEachTap(s, (j, jx, c, i) => (d[c * s.K + i] += dy[j] * x[jx]));
  for (let k = 0; k < d.length; k++) dw[k] = accumulate ? dw[k] + d[k] : d[k];
}

// ---- GPU dispatch

const WG = 256;

/** Checks the sizes: activations (B·T·C), weight (C·K), the optional bias (C). */
function check(name: string, s: Conv1dSizes, acts: Tensor[], weight: Tensor, bias?: Tensor): void {
  checkSizes(name, s.B * s.T * s.C, acts);
  checkSizes(name, s.C * s.K, [weight]);
  if (bias) checkSizes(name, s.C, [bias]);
}

export const conv1d: KernelDef<Conv1dArgs> = {
  name: 'conv1d',
  cpu(a) {
    check('conv1d', a, [a.out, a.x], a.weight, a.bias);
    return () => conv1dRef(a.out.f32, a.x.f32, a.weight.f32, a.bias?.f32, a);
  },
  gpu(gpu, a) {
    check('conv1d', a, [a.out, a.x], a.weight, a.bias);
    return prepareDispatch(gpu, {
      kernel: { name: 'conv1d.forward', code, entry: 'forward' },
      // Without a bias the weight is bound in its place (never read).
      buffers: [a.out, a.x, a.weight, a.bias ?? a.weight],
      u32: [a.B * a.T, a.T, a.C, a.K, a.bias ? 1 : 0, 0],
      workgroups: grid(a.B * a.T * a.C, WG),
    });
  },
};

export const conv1dBackwardInput: KernelDef<Conv1dBackwardInputArgs> = {
  name: 'conv1dBackwardInput',
  cpu(a) {
    check('conv1dBackwardInput', a, [a.dx, a.dy], a.weight);
    return () => conv1dBackwardInputRef(a.dx.f32, a.weight.f32, a.dy.f32, a, a.accumulate);
  },
  gpu(gpu, a) {
    check('conv1dBackwardInput', a, [a.dx, a.dy], a.weight);
    return prepareDispatch(gpu, {
      kernel: { name: 'conv1d.backwardInput', code, entry: 'backwardInput' },
      buffers: [a.dx, a.dy, a.weight],
      u32: [a.B * a.T, a.T, a.C, a.K, a.accumulate ? 1 : 0, 0],
      workgroups: grid(a.B * a.T * a.C, WG),
    });
  },
};

export const conv1dBackwardWeight: KernelDef<Conv1dBackwardWeightArgs> = {
  name: 'conv1dBackwardWeight',
  cpu(a) {
    check('conv1dBackwardWeight', a, [a.x, a.dy], a.dweight);
    return () => conv1dBackwardWeightRef(a.dweight.f32, a.x.f32, a.dy.f32, a, a.accumulate);
  },
  gpu(gpu, a) {
    check('conv1dBackwardWeight', a, [a.x, a.dy], a.dweight);
    const rows = a.B * a.T;
    const cols = a.C * a.K;
    const per = rowsPerBlock(rows);
    const blocks = Math.ceil(rows / per);
    const partial = gpu.pool.acquire(blocks * cols * 4, 'conv1d dweight partials');
    return withScratch(
      gpu,
      [
        prepareDispatch(gpu, {
          kernel: { name: 'conv1d.weightPartials', code, entry: 'weightPartials' },
          buffers: [partial, a.x, a.dy],
          u32: [rows, a.T, a.C, a.K, 0, per],
          workgroups: [Math.ceil(cols / 64), blocks],
        }),
        prepareColumnSum(gpu, a.dweight, partial, { rows: blocks, cols, accumulate: a.accumulate }),
      ],
      [partial],
    );
  },
};
