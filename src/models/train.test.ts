// The training loop: same seed → same losses; the NaN/Inf guard stops with a message and keeps the
// last good (finite) weights; the loss falls on real text.
import { describe, expect, it } from 'vitest';
import { TEXT, trainOnGpu } from './testing';

const tiny = {
  width: 16,
  layers: 1,
  heads: 2,
  contextLength: 16,
  batchSize: 4,
  warmup: 2,
  logEvery: 2,
  evalEvery: 4,
  evalBatches: 1,
  sampleEvery: 1000,
  sampleLength: 4,
};

const run = (seed: number, steps: number, extra: Record<string, number> = {}) =>
  trainOnGpu('transformer', steps, seed, { ...tiny, ...extra });

describe('training loop', () => {
  it('gives identical losses for the same seed and different ones for another seed', async () => {
    const a = await run(1, 8);
    const b = await run(1, 8);
    const c = await run(2, 8);
    expect(a.rows.map((r) => r.loss)).toEqual(b.rows.map((r) => r.loss));
    expect(a.rows.map((r) => r.valLoss)).toEqual(b.rows.map((r) => r.valLoss));
    expect(c.rows[0].loss).not.toBe(a.rows[0].loss);
    expect(a.rows).toHaveLength(4);
  });

  it('learns: the loss falls on a repeated sentence', async () => {
    const r = await run(3, 40, { lr: 1e-2, logEvery: 10, evalEvery: 40 });
    expect(r.rows[r.rows.length - 1].loss).toBeLessThan(r.rows[0].loss - 0.5);
    expect(r.summary.finalValLoss).toBeLessThan(Math.log(new Set(TEXT).size));
  });

  it('stops on a non-finite gradient and keeps the last good weights', async () => {
    const r = await run(1, 20, { lr: 1e36, clip: 0, logEvery: 1 });
    expect(r.summary.stoppedEarly).toMatch(/non-finite/);
    expect(r.summary.steps).toBeLessThan(20);
    for (const t of r.weights) expect(t.data.every((x) => Number.isFinite(x))).toBe(true);
  });
});
