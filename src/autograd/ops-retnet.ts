// Differentiable RetNet retention (retention / retentionBackward) and its decode step.
import type { Graph } from './graph';
import type { Tensor } from '../kernels/tensor';
import {
  retention as retentionKernel,
  retentionChunking,
  retentionStep,
  type RetentionSizes,
} from '../kernels/retention';
import { retentionBackward } from '../kernels/retention-backward';

/**
 * Retention over time with the fixed per-head decay γ_h: q (already scaled), k (B, T, H, Dk) and
 * v (B, T, H, Dv) → o (B, T, H, Dv), from a zero state. The chunk-start states are kept for the backward.
 */
export function retention(g: Graph, q: Tensor, k: Tensor, v: Tensor, s: RetentionSizes): Tensor {
  const { B, T, H, Dk, Dv } = s;
  const o = g.tensor([B * T, H * Dv], 'retention');
  const chunkStates = g.tensor([B, H, retentionChunking(s).nChunks, Dk, Dv], 'retention chunk states');
  g.forward(retentionKernel, { o, q, k, v, chunkStates, ...s }, [o], [q, k, v]);
  g.onBackward(() => {
    const dout = g.grad(o);
    if (!dout) return;
    const [dq, dk, dv] = [q, k, v].map((t) => g.gradTarget(t));
    if (!dq && !dk && !dv) return;
    g.back(retentionBackward, {
      dq: dq?.grad,
      dk: dk?.grad,
      dv: dv?.grad,
      q,
      k,
      v,
      chunkStates,
      dout,
      accumulate: { dq: dq?.accumulate, dk: dk?.accumulate, dv: dv?.accumulate },
      ...s,
    });
  });
  return o;
}

/**
 * One decode token for B sequences: q, k (B, H, Dk), v (B, H, Dv) → o (B, H·Dv), advancing `state`
 * (B, H, Dk, Dv) in place. Inference only: no backward.
 */
export function retentionDecode(
  g: Graph,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  state: Tensor,
  s: Omit<RetentionSizes, 'T' | 'chunk'>,
): Tensor {
  const o = g.tensor([s.B, s.H * s.Dv], 'retention step');
  g.forward(retentionStep, { o, q, k, v, state, ...s });
  return o;
}
