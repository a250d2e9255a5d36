// Gradient norm: GPU against the float64 reference on random tensor lists (odd sizes, many tensors,
// one past the workgroup cap), bit-identical reruns, the NaN/±Inf/overflow guard and the running stats.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import { STATS, gradNorm, gradNormRef, gradNormScratchSize } from './reduce';
import { backends, expectClose, randn, throwGpuErrors } from './testing';
import type { Backend } from './backend';
import type { Tensor } from './tensor';

interface Setup {
  grads: Tensor[];
  norm: Tensor;
  stats: Tensor;
  scratch: Tensor;
  loss: Tensor;
}

function setup(b: Backend, data: Float32Array[]): Setup {
  const grads = data.map((d, i) => {
    const t = b.alloc([d.length], `g${i}`);
    b.write(t, d);
    return t;
  });
  const stats = b.alloc([4], 'stats');
  b.write(stats, new Float32Array(4));
  return {
    grads,
    norm: b.alloc([1], 'norm'),
    stats,
    scratch: b.alloc([gradNormScratchSize(grads)], 'scratch'),
    loss: b.alloc([2], 'loss'),
  };
}

function release(b: Backend, s: Setup): void {
  [...s.grads, s.norm, s.stats, s.scratch, s.loss].forEach((t) => b.free(t));
}

function randomSize(rng: Rng): number {
  const r = rng.next();
  if (r < 0.3) return 1 + rng.int(9);
  if (r < 0.95) return 1 + rng.int(3000);
  return 20000 + rng.int(80000);
}

describe('gradNorm', () => {
  it('matches the float64 reference on 60 random tensor lists', async () => {
    const { gpu, cpu } = await backends();
    const rng = new Rng(11);
    for (let c = 0; c < 60; c++) {
      // Every 10th list spans five or more 6-tensor dispatches.
      const count = c < 5 ? 1 : c % 10 === 0 ? 30 + rng.int(11) : 1 + rng.int(12);
      // Case 5 has a tensor of 58 workgroups, the last one partly filled.
      const data = Array.from({ length: count }, (_, i) =>
        randn(rng, c === 5 && i === 0 ? 950_001 : randomSize(rng), 10 ** rng.uniform(-4, 2)),
      );
      const ref = gradNormRef(data);
      const loss = new Float32Array([rng.uniform(0, 5), 1]);
      const g = setup(gpu, data);
      const h = setup(cpu, data);
      gpu.write(g.loss, loss);
      cpu.write(h.loss, loss);
      const op = gpu.op(gradNorm, g);
      gpu.run([op]);
      const first = await gpu.read(g.norm);
      gpu.run([op]);
      const second = await gpu.read(g.norm);
      const stats = await gpu.read(g.stats);
      throwGpuErrors(gpu);
      cpu.run([cpu.op(gradNorm, h)]);
      const label = `case ${c}: ${count} tensors, sizes ${data.map((d) => d.length).join(',')}`;
      expectClose(first, [ref], { rtol: 1e-4, atol: 0, label });
      expectClose(h.norm.f32, [ref], { rtol: 1e-6, atol: 0, label: `${label} (cpu op)` });
      expect(second[0], `${label}: rerun differs`).toBe(first[0]);
      expectClose(stats, [0, 2, 2 * loss[0], 2 * ref], { rtol: 1e-4, label: `${label} stats` });
      release(gpu, g);
      release(cpu, h);
    }
    expect(gpu.gpu.pool.liveBytes).toBe(0);
    expect(cpu.memory().liveBytes).toBe(0);
  });

  it('flags NaN, ±Inf and f32 overflow, and keeps running stats of the steps', async () => {
    const { gpu, cpu } = await backends();
    const rng = new Rng(12);
    const data = [4097, 3, 1, 9000, 7, 5, 70].map((n) => randn(rng, n));
    const g = setup(gpu, data);
    const h = setup(cpu, data);
    const gop = gpu.op(gradNorm, g);
    const cop = cpu.op(gradNorm, h);
    // Each poisoned step is followed by a clean one: the flag must not stick to the norm.
    const poison = [
      { t: 0, i: 4096, value: NaN }, // the last element, in a partly filled vec4
      { t: 1, i: 2, value: Infinity },
      { t: 3, i: 123, value: -Infinity },
      { t: 6, i: 69, value: NaN },
      { t: 4, i: 0, value: 2e19 }, // finite, but Σg² overflows f32
    ];
    const want = [0, 0, 0, 0];
    for (const step of poison.flatMap((p) => [p, null])) {
      const dirty = data.map((d) => d.slice());
      if (step) dirty[step.t][step.i] = step.value;
      const loss = new Float32Array([rng.uniform(0, 5), 1]);
      for (const [b, s] of [
        [gpu, g],
        [cpu, h],
      ] as const) {
        dirty.forEach((d, k) => b.write(s.grads[k], d));
        b.write(s.loss, loss);
      }
      gpu.run([gop]);
      cpu.run([cop]);
      want[STATS.steps]++;
      want[STATS.lossSum] += loss[0];
      if (step) want[STATS.nonFinite]++;
      else want[STATS.normSum] += gradNormRef(data);
      const [norm] = await gpu.read(g.norm);
      const stats = await gpu.read(g.stats);
      throwGpuErrors(gpu);
      const label = step ? `poison ${JSON.stringify(step)}` : 'clean step';
      expect(Number.isNaN(norm), label).toBe(step !== null);
      expect(Number.isNaN(h.norm.f32[0]), `${label} (cpu op)`).toBe(step !== null);
      if (!step) expectClose([norm], [gradNormRef(data)], { rtol: 1e-4, label });
      expectClose(stats, want, { rtol: 1e-4, label: `${label} stats` });
      expectClose(h.stats.f32, want, { rtol: 1e-6, label: `${label} stats (cpu op)` });
    }
    release(gpu, g);
    release(cpu, h);
    expect(gpu.gpu.pool.liveBytes).toBe(0);
  });
});
