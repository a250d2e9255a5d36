// Differentiable Mamba selective scan: the fused forward saves its chunk-start states for the backward.
import type { Graph } from './graph';
import type { Tensor } from '../kernels/tensor';
import { selectiveScan as scanKernel } from '../kernels/selective-scan';
import { selectiveScanBackward } from '../kernels/selective-scan-backward';
import { scanChunking, type ScanSizes } from '../kernels/selective-scan-plan';

/**
 * y_t = C_t·h_t + Dskip ⊙ x_t with h_t = exp(Δ_t A) ⊙ h_{t−1} + Δ_t B_t x_t (LAYERS.md): x and delta
 * (already softplus'ed) (B, T, dInner), A = −exp(A_log) (dInner, N), Bm and C (B, T, N), Dskip
 * (dInner) → y (B, T, dInner). Only the chunk-start states are kept, never the full state sequence.
 */
export function selectiveScan(
  g: Graph,
  x: Tensor,
  delta: Tensor,
  A: Tensor,
  Bm: Tensor,
  C: Tensor,
  Dskip: Tensor,
  s: ScanSizes,
): Tensor {
  const { B, T, dInner } = s;
  const y = g.tensor([B * T, dInner], 'scan');
  const chunkStates = g.tensor([B, scanChunking(s).nChunks, dInner, s.N], 'scan chunk states');
  const inputs = [x, delta, A, Bm, C, Dskip];
  g.forward(scanKernel, { y, x, delta, A, Bm, C, Dskip, chunkStates, ...s }, [y], inputs);
  g.onBackward(() => {
    const dy = g.grad(y);
    if (!dy) return;
    const [dx, ddelta, dA, dBm, dC, dDskip] = inputs.map((t) => g.gradTarget(t));
    if (
      !dx ||
      !ddelta ||
      !dA ||
      !dBm ||
      !dC ||
      !dDskip ||
      [ddelta, dA, dBm, dC, dDskip].some((d) => d.accumulate !== dx.accumulate)
    ) {
      throw new Error(
        'selective scan backward expects x, delta, A, Bm, C and Dskip all needing gradients, and either ' +
          'all or none already holding another contribution.',
      );
    }
    g.back(selectiveScanBackward, {
      dx: dx.grad,
      ddelta: ddelta.grad,
      dA: dA.grad,
      dBm: dBm.grad,
      dC: dC.grad,
      dDskip: dDskip.grad,
      x,
      delta,
      A,
      Bm,
      C,
      Dskip,
      chunkStates,
      dy,
      accumulate: dx.accumulate,
      ...s,
    });
  });
  return y;
}
