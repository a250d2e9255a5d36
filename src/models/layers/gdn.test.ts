// Gated DeltaNet: the per-head L2 norm is fla's, and the OLMo Hybrid preset (3 × [GDN + SwiGLU],
// 1 × [attention + SwiGLU]) trains on the GPU.
import { describe, expect, it } from 'vitest';
import { Graph } from '../../autograd/graph';
import { l2norm } from '../../autograd/ops-gdn';
import { Rng } from '../../data/rng';
import { backends, expectClose, randn } from '../../kernels/testing';
import { expectPresetTrains, presetMixerKinds } from '../testing';

describe('l2norm', () => {
  it('is scale · x / √(Σx² + 1e-6) per row, as fla', async () => {
    const { cpu } = await backends();
    const [rows, D, scale] = [5, 6, 0.4];
    const x = randn(new Rng(4), rows * D);
    x.fill(0, 0, D); // a zero row stays zero
    x.forEach((v, i) => (x[i] = i < 2 * D ? v * 1e-3 : v)); // a tiny row feels the epsilon
    const g = new Graph(cpu);
    const t = g.tensor([rows, D], 'x');
    cpu.write(t, x);
    const y = l2norm(g, t, rows, D, scale);
    cpu.run(g.forwardOps);
    const want = new Float64Array(rows * D);
    for (let r = 0; r < rows; r++) {
      const row = x.subarray(r * D, (r + 1) * D);
      const n = Math.sqrt(row.reduce((a, v) => a + v * v, 0) + 1e-6);
      row.forEach((v, i) => (want[r * D + i] = (scale * v) / n));
    }
    expectClose(y.f32, want, { rtol: 1e-5, atol: 1e-7, label: 'l2norm' });
    g.dispose();
  });
});

describe('olmo-hybrid preset', () => {
  it('resolves with trainable Gated DeltaNet layers', () =>
    expect(presetMixerKinds('olmo-hybrid')).toContain('gdn'));
  it('trains on the GPU: the loss falls', () => expectPresetTrains('olmo-hybrid'));
});
