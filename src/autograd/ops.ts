// Differentiable ops over the kernels: each records its forward op and, for `Graph.backward()`,
// the backward ops that add its contribution to its inputs' gradients.
import type { Graph } from './graph';
import type { Tensor } from '../kernels/tensor';
import { matmul } from '../kernels/matmul';
import {
  add as addKernel,
  copy,
  gelu as geluKernel,
  geluBackward,
  swiglu as swigluKernel,
  swigluBackward,
} from '../kernels/elementwise';
import { layernorm as layernormKernel, layernormBackward } from '../kernels/layernorm';
import { rmsnorm as rmsnormKernel, rmsnormBackward } from '../kernels/rmsnorm';
import { rope as ropeKernel, ropeBackward } from '../kernels/rope';
import { attention as attentionKernel, type AttentionSizes } from '../kernels/attention';
import { attentionBackward } from '../kernels/attention-backward';
import { embedding as embeddingKernel, embeddingBackward } from '../kernels/embedding';
import { crossEntropy as ceKernel, crossEntropyBackward } from '../kernels/cross-entropy';

/** y (rows, outF) = x (rows, inF) · Wᵀ with W stored (outF, inF) as in PyTorch. */
export function linear(g: Graph, x: Tensor, W: Tensor, rows: number, inF: number, outF: number): Tensor {
  const y = g.tensor([rows, outF], `${W.label}(x)`);
  g.forward(matmul, { out: y, a: x, b: W, M: rows, N: outF, K: inF, transB: true }, [y], [x, W]);
  g.onBackward(() => {
    const dy = g.grad(y);
    if (!dy) return;
    const dx = g.gradTarget(x);
    if (dx)
      g.back(matmul, { out: dx.grad, a: dy, b: W, M: rows, N: inF, K: outF, accumulate: dx.accumulate });
    const dW = g.gradTarget(W);
    if (dW) {
      g.back(matmul, {
        out: dW.grad,
        a: dy,
        b: x,
        M: outF,
        N: inF,
        K: rows,
        transA: true,
        accumulate: dW.accumulate,
      });
    }
  });
  return y;
}

export function add(g: Graph, a: Tensor, b: Tensor): Tensor {
  const y = g.tensor(a.shape, `${a.label}+`);
  g.forward(addKernel, { out: y, a, b }, [y], [a, b]);
  g.onBackward(() => {
    const dy = g.grad(y);
    if (!dy) return;
    for (const t of [a, b]) {
      const d = g.gradTarget(t);
      if (d) g.back(copy, { out: d.grad, x: dy, accumulate: d.accumulate });
    }
  });
  return y;
}

/** RMSNorm over rows of D; a weight that needs no gradient (a constant) gets its gradient discarded. */
export function rmsnorm(g: Graph, x: Tensor, weight: Tensor, rows: number, D: number, eps: number): Tensor {
  const y = g.tensor([rows, D], `rmsnorm(${x.label})`);
  const rstd = g.tensor([rows], 'rstd');
  g.forward(rmsnormKernel, { out: y, rstd, x, weight, rows, D, eps }, [y], [x, weight]);
  g.onBackward(() => {
    const dy = g.grad(y);
    if (!dy) return;
    const dx = g.gradTarget(x);
    if (!dx) throw new Error('rmsnorm backward expects a gradient for its input.');
    const dw = g.gradTarget(weight) ?? { grad: g.tensor([D], 'unused dweight'), accumulate: false };
    g.back(rmsnormBackward, {
      dx: dx.grad,
      dweight: dw.grad,
      x,
      weight,
      rstd,
      dy,
      rows,
      D,
      accumulate: dx.accumulate,
      accumulateParams: dw.accumulate,
    });
  });
  return y;
}

export function layernorm(
  g: Graph,
  x: Tensor,
  weight: Tensor,
  bias: Tensor,
  rows: number,
  D: number,
  eps: number,
): Tensor {
  const y = g.tensor([rows, D], `layernorm(${x.label})`);
  const mean = g.tensor([rows], 'mean');
  const rstd = g.tensor([rows], 'rstd');
  g.forward(layernormKernel, { out: y, mean, rstd, x, weight, bias, rows, D, eps }, [y], [x, weight, bias]);
  g.onBackward(() => {
    const dy = g.grad(y);
    if (!dy) return;
    const dx = g.gradTarget(x);
    const dw = g.gradTarget(weight);
    const db = g.gradTarget(bias);
    if (!dx || !dw || !db || dw.accumulate !== db.accumulate) {
      throw new Error('layernorm backward expects gradients for its input, weight and bias.');
    }
    g.back(layernormBackward, {
      dx: dx.grad,
      dweight: dw.grad,
      dbias: db.grad,
      x,
      weight,
      mean,
      rstd,
      dy,
      rows,
      D,
      accumulate: dx.accumulate,
      accumulateParams: dw.accumulate,
    });
  });
  return y;
}

/** GELU (tanh approximation, GPT-2). */
export function gelu(g: Graph, x: Tensor): Tensor {
  const y = g.tensor(x.shape, `gelu(${x.label})`);
  g.forward(geluKernel, { out: y, x }, [y], [x]);
  g.onBackward(() => {
    const dy = g.grad(y);
    const dx = g.gradTarget(x);
    if (dy && dx) g.back(geluBackward, { dx: dx.grad, x, dy, accumulate: dx.accumulate });
  });
  return y;
}

/** Rotary position embedding on (B, T, nHeads, Dh). */
export function rope(
  g: Graph,
  x: Tensor,
  B: number,
  T: number,
  nHeads: number,
  Dh: number,
  base: number,
): Tensor {
  const y = g.tensor(x.shape, `rope(${x.label})`);
  const sizes = { B, T, nHeads, Dh, base };
  g.forward(ropeKernel, { out: y, x, ...sizes }, [y], [x]);
  g.onBackward(() => {
    const dy = g.grad(y);
    const dx = g.gradTarget(x);
    if (dy && dx) g.back(ropeBackward, { dx: dx.grad, dy, accumulate: dx.accumulate, ...sizes });
  });
  return y;
}

/** Causal (optionally sliding-window, grouped-query) flash attention; q (B,T,H,Dh), k/v (B,T,Hkv,Dh). */
export function attention(
  g: Graph,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  s: Omit<AttentionSizes, 'scale'> & { scale?: number },
): Tensor {
  const sizes: AttentionSizes = { ...s, scale: s.scale ?? 1 / Math.sqrt(s.Dh) };
  const o = g.tensor([s.B * s.T, s.H * s.Dh], 'attn');
  const lse = g.tensor([s.B, s.H, s.T], 'lse');
  g.forward(attentionKernel, { o, lse, q, k, v, ...sizes }, [o], [q, k, v]);
  g.onBackward(() => {
    const dO = g.grad(o);
    if (!dO) return;
    const [dq, dk, dv] = [q, k, v].map((t) => g.gradTarget(t));
    if (!dq || !dk || !dv || dq.accumulate !== dk.accumulate || dk.accumulate !== dv.accumulate) {
      throw new Error('attention backward expects q, k and v each used once, all needing gradients.');
    }
    g.back(attentionBackward, {
      dq: dq.grad,
      dk: dk.grad,
      dv: dv.grad,
      q,
      k,
      v,
      o,
      lse,
      dO,
      accumulate: dq.accumulate,
      ...sizes,
    });
  });
  return o;
}

/** silu(gate) ⊙ up */
export function swiglu(g: Graph, gate: Tensor, up: Tensor): Tensor {
  const y = g.tensor(gate.shape, 'swiglu');
  g.forward(swigluKernel, { out: y, gate, up }, [y], [gate, up]);
  g.onBackward(() => {
    const dy = g.grad(y);
    if (!dy) return;
    const dg = g.gradTarget(gate);
    const du = g.gradTarget(up);
    if (!dg || !du || dg.accumulate !== du.accumulate)
      throw new Error('swiglu backward expects gate and up each used once.');
    g.back(swigluBackward, { dgate: dg.grad, dup: du.grad, gate, up, dy, accumulate: dg.accumulate });
  });
  return y;
}

/** Rows of `table` (V, D) picked by i32 token ids: (rows, D). */
export function embedding(g: Graph, table: Tensor, tokens: Tensor, rows: number, D: number): Tensor {
  const y = g.tensor([rows, D], 'embed');
  g.forward(embeddingKernel, { out: y, table, tokens, rows, D }, [y], [table]);
  g.onBackward(() => {
    const dy = g.grad(y);
    const dt = g.gradTarget(table);
    if (dy && dt) {
      g.back(embeddingBackward, {
        dtable: dt.grad,
        tokens,
        dy,
        rows,
        V: table.shape[0],
        D,
        accumulate: dt.accumulate,
      });
    }
  });
  return y;
}

/**
 * Mean next-token cross-entropy over rows whose target is not −1. Returns the loss tensor
 * [mean NLL, counted rows] and the per-row NLL; its backward seeds ∂L/∂logits.
 */
export function crossEntropy(
  g: Graph,
  logits: Tensor,
  targets: Tensor,
  rows: number,
  V: number,
): { loss: Tensor; rowLoss: Tensor } {
  const loss = g.tensor([2], 'loss');
  const rowLoss = g.tensor([rows], 'row loss');
  const lse = g.tensor([rows], 'lse');
  g.forward(ceKernel, { loss, rowLoss, lse, logits, targets, rows, V });
  g.onBackward(() => {
    const d = g.gradTarget(logits);
    if (d)
      g.back(crossEntropyBackward, {
        dlogits: d.grad,
        logits,
        lse,
        targets,
        loss,
        rows,
        V,
        accumulate: d.accumulate,
      });
  });
  return { loss, rowLoss };
}
