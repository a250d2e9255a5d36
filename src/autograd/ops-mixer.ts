// Differentiable mixer building blocks: conv1d, sliceCols, softplus, sigmoid, exp, mulSilu, silu, scale,
// addCols, mulCols.
import type { Graph } from './graph';
import { swiglu } from './ops';
import type { Tensor } from '../kernels/tensor';
import {
  add,
  copy,
  mul,
  scale as scaleKernel,
  silu as siluKernel,
  siluBackward,
  sumRows,
} from '../kernels/elementwise';
import { conv1d as conv1dKernel, conv1dBackwardInput, conv1dBackwardWeight } from '../kernels/conv1d';
import { scatterCols, sliceCols as sliceColsKernel } from '../kernels/slice';
import {
  exp as expKernel,
  sigmoid as sigmoidKernel,
  sigmoidBackward,
  softplus as softplusKernel,
  softplusBackward,
} from '../kernels/activations';

/** Causal depthwise conv over time: x (B, T, C), weight (C, 1, K), optional bias (C) → (B, T, C). */
export function conv1d(
  g: Graph,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | undefined,
  B: number,
  T: number,
  C: number,
  K: number,
): Tensor {
  const sizes = { B, T, C, K };
  const y = g.tensor([B * T, C], `conv1d(${x.label})`);
  g.forward(conv1dKernel, { out: y, x, weight, bias, ...sizes }, [y], bias ? [x, weight, bias] : [x, weight]);
  g.onBackward(() => {
    const dy = g.grad(y);
    if (!dy) return;
    const dx = g.gradTarget(x);
    if (dx) g.back(conv1dBackwardInput, { dx: dx.grad, weight, dy, accumulate: dx.accumulate, ...sizes });
    const dw = g.gradTarget(weight);
    if (dw) g.back(conv1dBackwardWeight, { dweight: dw.grad, x, dy, accumulate: dw.accumulate, ...sizes });
    const db = bias && g.gradTarget(bias);
    if (db) g.back(sumRows, { out: db.grad, x: dy, rows: B * T, cols: C, accumulate: db.accumulate });
  });
  return y;
}

/** Columns [offset, offset + cols) of x (rows, x.size / rows) → (rows, cols). */
export function sliceCols(g: Graph, x: Tensor, rows: number, offset: number, cols: number): Tensor {
  if (x.size % rows !== 0) throw new Error(`sliceCols: "${x.label}" (${x.size}) is not ${rows} rows.`);
  const range = { rows, cols, offset, stride: x.size / rows };
  const y = g.tensor([rows, cols], `${x.label}[:, ${offset}:${offset + cols}]`);
  g.forward(sliceColsKernel, { out: y, x, ...range }, [y], [x]);
  g.onBackward(() => {
    const dy = g.grad(y);
    const dx = g.gradTarget(x);
    if (dy && dx) g.back(scatterCols, { dx: dx.grad, dy, ...range, accumulate: dx.accumulate });
  });
  return y;
}

/** log(1 + eˣ) (Mamba's Δ, GDN's decay). */
export function softplus(g: Graph, x: Tensor): Tensor {
  const y = g.tensor(x.shape, `softplus(${x.label})`);
  g.forward(softplusKernel, { out: y, x }, [y], [x]);
  g.onBackward(() => {
    const dy = g.grad(y);
    const dx = g.gradTarget(x);
    if (dy && dx) g.back(softplusBackward, { dx: dx.grad, x, dy, accumulate: dx.accumulate });
  });
  return y;
}

/** σ(x) = 1 / (1 + e⁻ˣ) (gates). */
export function sigmoid(g: Graph, x: Tensor): Tensor {
  const y = g.tensor(x.shape, `sigmoid(${x.label})`);
  g.forward(sigmoidKernel, { out: y, x }, [y], [x]);
  g.onBackward(() => {
    const dy = g.grad(y);
    const dx = g.gradTarget(x);
    if (dy && dx) g.back(sigmoidBackward, { dx: dx.grad, x, dy, accumulate: dx.accumulate });
  });
  return y;
}

/** eˣ; its backward is dx (+)= y ⊙ dy. */
export function exp(g: Graph, x: Tensor): Tensor {
  const y = g.tensor(x.shape, `exp(${x.label})`);
  g.forward(expKernel, { out: y, x }, [y], [x]);
  g.onBackward(() => {
    const dy = g.grad(y);
    const dx = g.gradTarget(x);
    if (dy && dx) g.back(mul, { out: dx.grad, a: y, b: dy, accumulate: dx.accumulate });
  });
  return y;
}

/** y ⊙ silu(z) (Mamba's output gate): swiglu with z as the gate. */
export function mulSilu(g: Graph, y: Tensor, z: Tensor): Tensor {
  return swiglu(g, z, y);
}

/** silu(x) = x·σ(x) (the short convolutions' activation). */
export function silu(g: Graph, x: Tensor): Tensor {
  const y = g.tensor(x.shape, `silu(${x.label})`);
  g.forward(siluKernel, { out: y, x }, [y], [x]);
  g.onBackward(() => {
    const dy = g.grad(y);
    const dx = g.gradTarget(x);
    if (dy && dx) g.back(siluBackward, { dx: dx.grad, x, dy, accumulate: dx.accumulate });
  });
  return y;
}

/** s·x for a constant s. */
export function scale(g: Graph, x: Tensor, s: number): Tensor {
  const y = g.tensor(x.shape, `${s}·${x.label}`);
  g.forward(scaleKernel, { out: y, x, s }, [y], [x]);
  g.onBackward(() => {
    const dy = g.grad(y);
    const dx = g.gradTarget(x);
    if (dy && dx) g.back(scaleKernel, { out: dx.grad, x: dy, s, accumulate: dx.accumulate });
  });
  return y;
}

/** x (rows, cols) + b (cols) on every row (a bias). */
export function addCols(g: Graph, x: Tensor, b: Tensor, rows: number, cols: number): Tensor {
  const y = g.tensor(x.shape, `${x.label}+${b.label}`);
  g.forward(add, { out: y, a: x, b, cols }, [y], [x, b]);
  g.onBackward(() => {
    const dy = g.grad(y);
    if (!dy) return;
    const dx = g.gradTarget(x);
    if (dx) g.back(copy, { out: dx.grad, x: dy, accumulate: dx.accumulate });
    const db = g.gradTarget(b);
    if (db) g.back(sumRows, { out: db.grad, x: dy, rows, cols, accumulate: db.accumulate });
  });
  return y;
}

/** x (rows, cols) ⊙ w (cols) on every row (a per-column scale). */
export function mulCols(g: Graph, x: Tensor, w: Tensor, rows: number, cols: number): Tensor {
  const y = g.tensor(x.shape, `${x.label}⊙${w.label}`);
  g.forward(mul, { out: y, a: x, b: w, cols }, [y], [x, w]);
  g.onBackward(() => {
    const dy = g.grad(y);
    if (!dy) return;
    const dx = g.gradTarget(x);
    if (dx) g.back(mul, { out: dx.grad, a: dy, b: w, cols, accumulate: dx.accumulate });
    const dw = g.gradTarget(w);
    if (dw) {
      const prod = g.tensor(x.shape, `d${y.label}⊙${x.label}`);
      g.back(mul, { out: prod, a: dy, b: x });
      g.back(sumRows, { out: dw.grad, x: prod, rows, cols, accumulate: dw.accumulate });
    }
  });
  return y;
}
