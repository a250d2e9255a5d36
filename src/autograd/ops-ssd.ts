// Differentiable SSD (Mamba-2) scan: the forward (ssdScan) keeps no state (the backward needs only y); the
// backward (ssdBackward) writes or adds each input's gradient according to its own accumulate flag.
import type { Graph } from './graph';
import type { Tensor } from '../kernels/tensor';
import { ssdScan, type SsdSizes } from '../kernels/ssd';
import { ssdBackward, type SsdGradName } from '../kernels/ssd-backward';

/**
 * y = SSD(x, Δ, A, B, C) + D ⊙ x: x (B, T, H, P), Δ (B, T, H) > 0, A (H) < 0, Bm and C (B, T, G, N),
 * D (H) → y (B, T, H, P). Inputs that need no gradient get theirs written to a discarded tensor.
 */
export function ssd(
  g: Graph,
  x: Tensor,
  dt: Tensor,
  A: Tensor,
  Bm: Tensor,
  C: Tensor,
  D: Tensor,
  s: SsdSizes,
): Tensor {
  const { B, T, H, P } = s;
  const y = g.tensor([B * T, H * P], 'ssd');
  const inputs = { x, dt, A, Bm, C, D };
  g.forward(ssdScan, { y, ...inputs, ...s }, [y], Object.values(inputs));
  g.onBackward(() => {
    const dout = g.grad(y);
    if (!dout) return;
    const grads = {} as Record<SsdGradName, Tensor>;
    const accumulate: Partial<Record<SsdGradName, boolean>> = {};
    for (const [k, t] of Object.entries(inputs)) {
      const name = `d${k === 'Bm' ? 'B' : k}` as SsdGradName;
      const target = g.gradTarget(t);
      grads[name] = target?.grad ?? g.tensor(t.shape, `unused ${name}`);
      accumulate[name] = target?.accumulate ?? false;
    }
    g.back(ssdBackward, { ...grads, ...inputs, y, dout, accumulate, ...s });
  });
  return y;
}
