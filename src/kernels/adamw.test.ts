// AdamW: several GPU steps against the float64 reference (clipping active, inactive and off, weight
// decay on and off), and the guard: a non-finite gradient leaves parameters and moments untouched.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import { adamw, adamwLive, setAdamwStep, type AdamWConfig } from './adamw';
import { STATS, gradNorm, gradNormRef, gradNormScratchSize } from './reduce';
import { backends, expectClose, randn, throwGpuErrors } from './testing';
import type { Backend, LiveScalars, Op } from './backend';
import type { Tensor } from './tensor';

interface Param {
  param: Tensor;
  m: Tensor;
  v: Tensor;
  grad: Tensor;
}

function alloc(b: Backend, p0: Float32Array, m0: Float32Array, v0: Float32Array): Param {
  const t = (label: string, data: Float32Array) => {
    const x = b.alloc([data.length], label);
    b.write(x, data);
    return x;
  };
  return {
    param: t('param', p0),
    m: t('m', m0),
    v: t('v', v0),
    grad: t('grad', new Float32Array(p0.length)),
  };
}

async function readAll(b: Backend, p: Param): Promise<Float32Array[]> {
  return (await Promise.all([p.param, p.m, p.v].map((x) => b.read(x)))) as Float32Array[];
}

function freeAll(b: Backend, tensors: Tensor[]): void {
  tensors.forEach((x) => b.free(x));
}

function randomConfig(rng: Rng): AdamWConfig {
  return {
    beta1: [0.9, 0.8, 0.95][rng.int(3)],
    beta2: [0.999, 0.95, 0.99][rng.int(3)],
    eps: [1e-8, 1e-6][rng.int(2)],
    weightDecay: [0, 0.1, 0.01][rng.int(3)],
    maxNorm: 0, // set per case
  };
}

describe('adamw', () => {
  it('matches the CPU reference over several steps on 60 random cases', async () => {
    const { gpu, cpu } = await backends();
    const rng = new Rng(31);
    let clipped = 0;
    for (let c = 0; c < 60; c++) {
      const n = c < 3 ? 1 : rng.next() < 0.5 ? 1 + rng.int(300) : 1 + rng.int(5000);
      const config = randomConfig(rng);
      const gradStd = 10 ** rng.uniform(-3, 1);
      const normScale = Math.sqrt(n) * gradStd;
      // Clipping off, inactive (maxNorm far above the norm) or active (below it).
      config.maxNorm = [0, 100 * normScale, 0.3 * normScale][c % 3];
      const p0 = randn(rng, n);
      const fresh = rng.next() < 0.5;
      const m0 = fresh ? new Float32Array(n) : randn(rng, n, 0.1);
      const v0 = fresh ? new Float32Array(n) : randn(rng, n, 0.1).map(Math.abs);
      const live = adamwLive();
      const sides = [gpu, cpu].map((b) => {
        const p = alloc(b, p0, m0, v0);
        const norm = b.alloc([1], 'norm');
        return { b, p, norm, op: b.op(adamw, { ...p, norm, live, ...config }) };
      });
      const steps = 1 + rng.int(5);
      for (let t = 1; t <= steps; t++) {
        const g = randn(rng, n, gradStd);
        const norm = new Float32Array([gradNormRef([g])]);
        if (config.maxNorm > 0 && config.maxNorm < norm[0]) clipped++;
        setAdamwStep(live, 10 ** rng.uniform(-4, -1), t + (fresh ? 0 : 10), config.beta1, config.beta2);
        for (const s of sides) {
          s.b.write(s.p.grad, g);
          s.b.write(s.norm, norm);
          s.b.run([s.op]);
        }
      }
      const [got, ref] = await Promise.all(sides.map((s) => readAll(s.b, s.p)));
      throwGpuErrors(gpu);
      const label = `case ${c} n=${n} steps=${steps} ${JSON.stringify(config)}`;
      expectClose(got[0], ref[0], { rtol: 1e-4, atol: 1e-6, label: `${label} param` });
      expectClose(got[1], ref[1], { rtol: 1e-4, atol: 1e-7, label: `${label} m` });
      expectClose(got[2], ref[2], { rtol: 1e-4, atol: 1e-9, label: `${label} v` });
      for (const s of sides) freeAll(s.b, [s.p.param, s.p.m, s.p.v, s.p.grad, s.norm]);
    }
    expect(clipped).toBeGreaterThan(20);
    expect(gpu.gpu.pool.liveBytes).toBe(0);
    expect(cpu.memory().liveBytes).toBe(0);
  });

  it('skips the whole step on the GPU when any gradient is non-finite', async () => {
    const { gpu, cpu } = await backends();
    const rng = new Rng(32);
    const sizes = [1000, 3, 257];
    const config: AdamWConfig = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, maxNorm: 1 };
    const live: LiveScalars = adamwLive();
    const init = sizes.map((n) => [randn(rng, n), randn(rng, n, 0.01), randn(rng, n, 0.01).map(Math.abs)]);
    const sides = [gpu, cpu].map((b) => {
      const params = init.map(([p0, m0, v0]) => alloc(b, p0, m0, v0));
      const grads = params.map((p) => p.grad);
      const norm = b.alloc([1], 'norm');
      const stats = b.alloc([4], 'stats');
      b.write(stats, new Float32Array(4));
      const loss = b.alloc([2], 'loss');
      b.write(loss, new Float32Array([1, 1]));
      const scratch = b.alloc([gradNormScratchSize(grads)], 'scratch');
      const ops: Op[] = [
        b.op(gradNorm, { norm, stats, scratch, grads, loss }),
        ...params.map((p) => b.op(adamw, { ...p, norm, live, ...config })),
      ];
      return { b, params, norm, stats, scratch, loss, ops };
    });
    // Steps 2 and 4 carry a NaN and an Inf: they must change nothing, and the others must still match.
    const poison = new Map([
      [2, { t: 1, i: 1, value: NaN }],
      [4, { t: 0, i: 999, value: Infinity }],
    ]);
    for (let step = 1; step <= 5; step++) {
      const grads = sizes.map((n) => randn(rng, n));
      const bad = poison.get(step);
      if (bad) grads[bad.t][bad.i] = bad.value;
      setAdamwStep(live, 1e-2, step, config.beta1, config.beta2);
      const before = await Promise.all(sides[0].params.map((p) => readAll(gpu, p)));
      for (const s of sides) {
        s.params.forEach((p, k) => s.b.write(p.grad, grads[k]));
        s.b.run(s.ops);
      }
      const after = await Promise.all(sides[0].params.map((p) => readAll(gpu, p)));
      const refs = await Promise.all(sides[1].params.map((p) => readAll(cpu, p)));
      throwGpuErrors(gpu);
      for (let k = 0; k < sizes.length; k++) {
        const label = `step ${step} tensor ${k}`;
        for (let j = 0; j < 3; j++) {
          if (bad) expect(after[k][j], `${label}: changed on a non-finite step`).toEqual(before[k][j]);
          expectClose(after[k][j], refs[k][j], { rtol: 1e-4, atol: 1e-7, label });
        }
      }
      const stats = await gpu.read(sides[0].stats);
      const nonFinite = [...poison.keys()].filter((s) => s <= step).length;
      for (const st of [stats, sides[1].stats.f32]) {
        expect([st[STATS.nonFinite], st[STATS.steps]], `step ${step} stats`).toEqual([nonFinite, step]);
      }
    }
    for (const s of sides)
      freeAll(s.b, [
        ...s.params.flatMap((p) => [p.param, p.m, p.v, p.grad]),
        s.norm,
        s.stats,
        s.scratch,
        s.loss,
      ]);
    expect(gpu.gpu.pool.liveBytes).toBe(0);
    expect(cpu.memory().liveBytes).toBe(0);
  });
});
