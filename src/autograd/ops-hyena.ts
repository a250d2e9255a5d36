// Differentiable Hyena pieces: the causal long convolution, sin(w·x) with a learnable frequency, the
// elementwise product of two activations, a product with a constant, constants, and the decode steps.
import type { Graph } from './graph';
import type { Tensor } from '../kernels/tensor';
import { mul as mulKernel } from '../kernels/elementwise';
import { longConv as longConvKernel, longConvBackward, type LongConvSizes } from '../kernels/long-conv';
import { longConvStep as longConvStepKernel } from '../kernels/long-conv-step';
import { sinFreq as sinFreqKernel, sinFreqBackward } from '../kernels/hyena-sin';

/** A tensor of fixed values without a gradient (positional features, windows). */
export function constant(g: Graph, shape: number[], label: string, values: Float32Array): Tensor {
  const t = g.tensor(shape, label);
  g.backend.write(t, values);
  return t;
}

/** y[b, t, c] = Σ_{τ ≤ t} h[τ, c] · u[b, t − τ, c]: u (B, T, C), h (T, C) shared by the batch. */
export function longConv(g: Graph, h: Tensor, u: Tensor, s: LongConvSizes): Tensor {
  const y = g.tensor([s.B * s.T, s.C], `${h.label}∗${u.label}`);
  g.forward(longConvKernel, { y, h, u, ...s }, [y], [h, u]);
  g.onBackward(() => {
    const dy = g.grad(y);
    if (!dy) return;
    const du = g.gradTarget(u);
    const dh = g.gradTarget(h);
    if (!du && !dh) return;
    g.back(longConvBackward, {
      du: du?.grad,
      dh: dh?.grad,
      h,
      u,
      dy,
      accumulateInput: du?.accumulate,
      accumulateFilter: dh?.accumulate,
      ...s,
    });
  });
  return y;
}

/** sin(freq[c] · x[r, c]) for x (rows, cols), freq (cols) (safari's Sin activation). */
export function sinFreq(g: Graph, x: Tensor, freq: Tensor, rows: number, cols: number): Tensor {
  const y = g.tensor(x.shape, `sin(${freq.label}·${x.label})`);
  g.forward(sinFreqKernel, { y, x, freq, rows, cols }, [y], [x, freq]);
  g.onBackward(() => {
    const dy = g.grad(y);
    if (!dy) return;
    const dx = g.gradTarget(x) ?? { grad: g.tensor(x.shape, 'unused dx'), accumulate: false };
    const df = g.gradTarget(freq) ?? { grad: g.tensor([cols], 'unused dfreq'), accumulate: false };
    g.back(sinFreqBackward, {
      dx: dx.grad,
      dfreq: df.grad,
      x,
      freq,
      dy,
      rows,
      cols,
      accumulate: dx.accumulate,
      accumulateFreq: df.accumulate,
    });
  });
  return y;
}

/** a ⊙ b for two tensors of the same size; each gets the other times dy. */
export function mul(g: Graph, a: Tensor, b: Tensor): Tensor {
  if (a.size !== b.size)
    throw new Error(`mul: "${a.label}" (${a.size}) and "${b.label}" (${b.size}) differ in size.`);
  const y = g.tensor(a.shape, `${a.label}⊙${b.label}`);
  g.forward(mulKernel, { out: y, a, b }, [y], [a, b]);
  g.onBackward(() => {
    const dy = g.grad(y);
    if (!dy) return;
    for (const [t, other] of [
      [a, b],
      [b, a],
    ]) {
      const d = g.gradTarget(t);
      if (d) g.back(mulKernel, { out: d.grad, a: dy, b: other, accumulate: d.accumulate });
    }
  });
  return y;
}

/** x ⊙ c for a constant c of the same size (no gradient to c). */
export function mulConst(g: Graph, x: Tensor, c: Tensor): Tensor {
  const y = g.tensor(x.shape, `${x.label}⊙${c.label}`);
  g.forward(mulKernel, { out: y, a: x, b: c }, [y], [x]);
  g.onBackward(() => {
    const dy = g.grad(y);
    const dx = g.gradTarget(x);
    if (dy && dx) g.back(mulKernel, { out: dx.grad, a: dy, b: c, accumulate: dx.accumulate });
  });
  return y;
}

/**
 * Decode: appends u (B, C) at row `pos` of `history` (B, capacity, C) and returns its convolution with
 * the filter h (capacity, C) over the history. Forward only.
 */
export function longConvStep(
  g: Graph,
  h: Tensor,
  u: Tensor,
  history: Tensor,
  pos: Tensor,
  s: { B: number; C: number; capacity: number },
): Tensor {
  const y = g.tensor([s.B, s.C], `${h.label}∗${u.label} step`);
  g.forward(longConvStepKernel, { y, history, h, u, pos, ...s });
  return y;
}
