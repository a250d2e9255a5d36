// The FMA kernel computes exactly what a CPU replay computes (so its work is real), its ceiling
// measurement is sane, and the tfjs peer runs on our device and computes the same product.
import { describe, expect, it } from 'vitest';
import { nodeGpu } from '../gpu/node-gpu';
import { benchMatmul } from './bench-matmul';
import { checkFma, FMA_VARIANTS, FmaKernel, fmaCeiling, fmaReference, variantName } from './fma-ceiling';

describe('FMA ceiling kernel', () => {
  it('matches the CPU replay in every variant, and the replay depends on every round', async () => {
    const gpu = await nodeGpu();
    for (const spec of FMA_VARIANTS) {
      const k = new FmaKernel(gpu, spec, 4);
      try {
        expect(await checkFma(k, 5, 256), variantName(spec)).toBeNull();
        // One round fewer gives different numbers: a kernel that skipped work would fail above.
        const a = fmaReference(7, 5, spec);
        const b = fmaReference(7, 4, spec);
        expect(Math.abs(a[0] - b[0])).toBeGreaterThan(1e-4);
        // And the check does catch a mismatch.
        const got = await k.read(1);
        expect(Math.abs(got[0] - fmaReference(0, 4, spec)[0])).toBeGreaterThan(1e-4);
      } finally {
        k.release();
      }
    }
    expect(gpu.pool.liveBytes).toBe(0);
  });

  it('measures a positive ceiling with every variant timed', async () => {
    const gpu = await nodeGpu();
    const c = await fmaCeiling(gpu, { groups: 64, targetMs: 5 });
    expect(c.variants.map((v) => v.name)).toEqual(FMA_VARIANTS.map(variantName));
    for (const v of c.variants) expect(v.sample.times.length).toBe(5);
    expect(c.gflops).toBe(Math.max(...c.variants.map((v) => v.gflops)));
    expect(c.gflops).toBeGreaterThan(0);
  });
});

describe('matmul benchmark', () => {
  it('runs TensorFlow.js on our device and gets the same product', async () => {
    const gpu = await nodeGpu();
    const r = await benchMatmul(gpu, { sizes: [48], ceiling: false });
    expect(r.peer.sharesDevice).toBe(true);
    expect(r.rows).toHaveLength(1);
    const row = r.rows[0];
    expect(row.relDiff).toBeLessThan(1e-4);
    expect(row.oursTimesMs).toHaveLength(5);
    expect(row.theirsTimesMs).toHaveLength(5);
    expect(row.ratio).toBeCloseTo(row.theirsMs / row.oursMs, 9);
    expect(row.oursCeilingFraction).toBeNull();
    expect(gpu.pool.liveBytes).toBe(0);
  });
});
