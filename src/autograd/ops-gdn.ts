// Differentiable Gated DeltaNet pieces: the recurrence (gdnRecurrence / gdnBackward) and per-head L2 norm.
import type { Graph } from './graph';
import { rmsnorm } from './ops';
import type { Tensor } from '../kernels/tensor';
import { gdnChunking, gdnRecurrence, type GdnSizes } from '../kernels/gdn';
import { gdnBackward } from '../kernels/gdn-backward';

/** fla's l2norm epsilon: x / √(Σx² + ε). */
const L2_EPS = 1e-6;

/**
 * scale · x / √(Σx² + 1e-6) over each row of D (fla's l2norm): RMSNorm with eps 1e-6/D and the
 * constant, gradient-free weight scale/√D.
 */
export function l2norm(g: Graph, x: Tensor, rows: number, D: number, scale = 1): Tensor {
  const weight = g.tensor([D], `l2norm weight ${scale}/√${D}`);
  g.backend.write(weight, new Float32Array(D).fill(scale / Math.sqrt(D)));
  return rmsnorm(g, x, weight, rows, D, L2_EPS / D);
}

/**
 * The gated delta rule over time: q, k (B, T, H, Dk), already normalised; v (B, T, H, Dv); beta and the
 * log-decay (B, T, H) → o (B, T, H, Dv). The chunk-start states are kept for the backward.
 */
export function gdn(
  g: Graph,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  beta: Tensor,
  logDecay: Tensor,
  s: GdnSizes,
): Tensor {
  const { B, T, H, Dk, Dv } = s;
  const o = g.tensor([B * T, H * Dv], 'gdn');
  const chunkStates = g.tensor([B, H, gdnChunking(s).nChunks, Dk, Dv], 'gdn chunk states');
  const inputs = [q, k, v, beta, logDecay];
  g.forward(gdnRecurrence, { o, q, k, v, beta, g: logDecay, chunkStates, ...s }, [o], inputs);
  g.onBackward(() => {
    const dout = g.grad(o);
    if (!dout) return;
    const [dq, dk, dv, dbeta, dg] = inputs.map((t) => g.gradTarget(t));
    if (
      !dq ||
      !dk ||
      !dv ||
      !dbeta ||
      !dg ||
      [dk, dv, dbeta, dg].some((d) => d.accumulate !== dq.accumulate)
    ) {
      throw new Error(
        'gdn backward expects q, k, v, beta and the decay each used once, all needing gradients.',
      );
    }
    g.back(gdnBackward, {
      dq: dq.grad,
      dk: dk.grad,
      dv: dv.grad,
      dbeta: dbeta.grad,
      dg: dg.grad,
      q,
      k,
      v,
      beta,
      g: logDecay,
      chunkStates,
      dout,
      accumulate: dq.accumulate,
      ...s,
    });
  });
  return o;
}
