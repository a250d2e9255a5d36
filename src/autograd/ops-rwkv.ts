// Differentiable RWKV-7 pieces: token shift, x @ W for RWKV-LM's (in, out) LoRA matrices, tanh, relu²,
// elementwise product, the bonus term, and the WKV-7 recurrence (wkv7 / wkv7Backward).
import type { Graph } from './graph';
import type { Tensor } from '../kernels/tensor';
import { matmul } from '../kernels/matmul';
import { mul as mulKernel } from '../kernels/elementwise';
import { tokenShift as shiftKernel, tokenShiftBackward } from '../kernels/rwkv-shift';
import {
  reluSquare as reluSquareKernel,
  reluSquareBackward,
  tanh as tanhKernel,
  tanhBackward,
} from '../kernels/activations';
import { bonus as bonusKernel, bonusBackward } from '../kernels/rwkv-bonus';
import {
  WKV7_INPUTS,
  wkv7Chunking,
  wkv7 as wkv7Kernel,
  wkv7Step as wkv7StepKernel,
  type Wkv7Inputs,
  type Wkv7Sizes,
} from '../kernels/wkv7';
import { WKV7_GRADS, wkv7Backward, type Wkv7Grad } from '../kernels/wkv7-backward';

/** xx = x_{t−1} − x_t over (B, T, C), each sequence starting from zero. */
export function tokenShift(g: Graph, x: Tensor, B: number, T: number, C: number): Tensor {
  const y = g.tensor(x.shape, `shift(${x.label})`);
  g.forward(shiftKernel, { out: y, x, B, T, C }, [y], [x]);
  g.onBackward(() => {
    const dy = g.grad(y);
    const dx = g.gradTarget(x);
    if (dy && dx) g.back(tokenShiftBackward, { dx: dx.grad, dy, B, T, C, accumulate: dx.accumulate });
  });
  return y;
}

/** y (rows, outF) = x (rows, inF) · W for W stored (inF, outF), as RWKV-LM's w1/w2, a1/a2 … (`x @ w1`). */
export function matmulIn(g: Graph, x: Tensor, W: Tensor, rows: number): Tensor {
  const [inF, outF] = W.shape;
  const y = g.tensor([rows, outF], `x@${W.label}`);
  g.forward(matmul, { out: y, a: x, b: W, M: rows, N: outF, K: inF }, [y], [x, W]);
  g.onBackward(() => {
    const dy = g.grad(y);
    if (!dy) return;
    const dx = g.gradTarget(x);
    if (dx)
      g.back(matmul, {
        out: dx.grad,
        a: dy,
        b: W,
        M: rows,
        N: inF,
        K: outF,
        transB: true,
        accumulate: dx.accumulate,
      });
    const dW = g.gradTarget(W);
    if (dW)
      g.back(matmul, {
        out: dW.grad,
        a: x,
        b: dy,
        M: inF,
        N: outF,
        K: rows,
        transA: true,
        accumulate: dW.accumulate,
      });
  });
  return y;
}

function activation(
  g: Graph,
  x: Tensor,
  name: string,
  fwd: typeof tanhKernel,
  bwd: typeof tanhBackward,
): Tensor {
  const y = g.tensor(x.shape, `${name}(${x.label})`);
  g.forward(fwd, { out: y, x }, [y], [x]);
  g.onBackward(() => {
    const dy = g.grad(y);
    const dx = g.gradTarget(x);
    if (dy && dx) g.back(bwd, { dx: dx.grad, x, dy, accumulate: dx.accumulate });
  });
  return y;
}

export const tanh = (g: Graph, x: Tensor): Tensor => activation(g, x, 'tanh', tanhKernel, tanhBackward);
/** relu(x)² (the channel-mix). */
export const reluSquare = (g: Graph, x: Tensor): Tensor =>
  activation(g, x, 'relu²', reluSquareKernel, reluSquareBackward);

/** a ⊙ b for two tensors of the same size. */
export function mul(g: Graph, a: Tensor, b: Tensor): Tensor {
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

/** The bonus term (Σ_n r ⊙ k ⊙ r_k)·v per head: r, k, v (rows, H·N), r_k (H, N) → (rows, H·N). */
export function bonus(
  g: Graph,
  r: Tensor,
  k: Tensor,
  v: Tensor,
  rk: Tensor,
  rows: number,
  H: number,
  N: number,
): Tensor {
  const s = { rows, H, N };
  const y = g.tensor(v.shape, 'bonus');
  g.forward(bonusKernel, { out: y, r, k, v, rk, ...s }, [y], [r, k, v, rk]);
  g.onBackward(() => {
    const dout = g.grad(y);
    if (!dout) return;
    const [dr, dk, dv, drk] = [r, k, v, rk].map((t) => g.gradTarget(t));
    if (!dr || !dk || !dv || !drk)
      throw new Error('bonus backward expects r, k, v and r_k all needing gradients.');
    g.back(bonusBackward, {
      dr: dr.grad,
      dk: dk.grad,
      dv: dv.grad,
      drk: drk.grad,
      r,
      k,
      v,
      rk,
      dout,
      // v may already hold the gradient of later layers (the first layer's v is their v₀).
      accumulate: { dr: dr.accumulate, dk: dk.accumulate, dv: dv.accumulate },
      accumulateRk: drk.accumulate,
      ...s,
    });
  });
  return y;
}

/**
 * The WKV-7 recurrence over time: r, log w, k, v, κ, a (B, T, H, N) → y (B, T, H, N). sa and the
 * chunk-start states are kept for the backward.
 */
export function wkv7(g: Graph, x: Wkv7Inputs<Tensor>, s: Wkv7Sizes): Tensor {
  const { B, T, H, N } = s;
  const y = g.tensor([B * T, H * N], 'wkv7');
  const sa = g.tensor([B * T, H * N], 'wkv7 sa');
  const chunkStates = g.tensor([B, H, wkv7Chunking(s).nChunks, N, N], 'wkv7 chunk states');
  const inputs = WKV7_INPUTS.map((k) => x[k]);
  g.forward(wkv7Kernel, { y, sa, chunkStates, ...x, ...s }, [y], inputs);
  g.onBackward(() => {
    const dy = g.grad(y);
    if (!dy) return;
    const targets = inputs.map((t) => g.gradTarget(t));
    if (targets.some((d) => !d))
      throw new Error('wkv7 backward expects r, log w, k, v, κ and a all needing gradients.');
    // r, k and v also feed the bonus term, so some gradients are added to and others written.
    const grads = Object.fromEntries(WKV7_GRADS.map((k, i) => [k, targets[i]!.grad])) as Record<
      Wkv7Grad,
      Tensor
    >;
    const accumulate = Object.fromEntries(WKV7_GRADS.map((k, i) => [k, targets[i]!.accumulate]));
    g.back(wkv7Backward, { ...grads, ...x, sa, chunkStates, dy, accumulate, ...s });
  });
  return y;
}

/** Decode: xx = x_prev − x for one token per sequence (x (B, C)), the state (B, C) then holding x. */
export function tokenShiftStep(g: Graph, x: Tensor, state: Tensor, B: number, C: number): Tensor {
  const y = g.tensor(x.shape, `shift(${x.label})`);
  g.forward(shiftKernel, { out: y, x, B, T: 1, C, state });
  return y;
}

/** Decode: one WKV-7 step for inputs (B, H, N), the state (B, H, N, N) updated in place. */
export function wkv7Step(
  g: Graph,
  x: Wkv7Inputs<Tensor>,
  state: Tensor,
  s: Omit<Wkv7Sizes, 'T' | 'chunk'>,
): Tensor {
  const y = g.tensor([s.B, s.H * s.N], 'wkv7 step');
  g.forward(wkv7StepKernel, { y, state, ...x, ...s });
  return y;
}
