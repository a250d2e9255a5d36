// Training on a synthetic task (CPU reference backend, tiny models): rows carry the held-out loss and
// accuracy, the summary reports accuracy per length (beyond the training length marked), the graph
// at another length shares the trained parameters, runs are deterministic, and a model learns MQAR.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../kernels/cpu-backend';
import { Rng } from '../data/rng';
import type { LogRow } from '../protocol';
import { resolvePreset } from './presets';
import { ParamStore } from './params';
import { defineModelParams } from './model';
import { ForwardPass } from './trainer';
import { trainTask, type TaskTrainRequest } from './task-train';

const tiny = {
  width: 16,
  heads: 2,
  layers: 1,
  batchSize: 4,
  warmup: 2,
  logEvery: 2,
  evalEvery: 4,
  heldOut: 8,
};

async function run(req: Partial<TaskTrainRequest> & { task: string }) {
  const rows: (LogRow & { accuracy?: number })[] = [];
  const r = await trainTask(
    new CpuBackend(),
    {
      type: 'train',
      preset: 'transformer',
      steps: 4,
      seed: 1,
      ...req,
      overrides: { ...tiny, ...req.overrides },
    },
    { onLog: (row) => rows.push(row), onSample: () => {}, shouldStop: () => false },
  );
  r.params.dispose();
  return { rows, summary: r.summary, preset: r.preset };
}

describe('task training', () => {
  it('logs accuracy at evaluation steps and reports it per length, beyond training marked', async () => {
    const { rows, summary, preset } = await run({
      task: 'parity',
      overrides: { contextLength: 8 },
      lengths: [8, 16],
    });
    expect(preset.spec.vocab).toBe(2);
    expect(rows.map((r) => r.step)).toEqual([2, 4]);
    expect(rows[0].accuracy).toBeUndefined();
    expect(rows[1].accuracy).toBeGreaterThanOrEqual(0);
    expect(rows[1].accuracy).toBeLessThanOrEqual(1);
    expect(summary.accuracy.map((a) => [a.length, a.answers, a.beyondTraining])).toEqual([
      [8, 64, false], // parity answers every position: 8 sequences × 8
      [16, 128, true],
    ]);
    expect(summary.accuracy[0].accuracy).toBe(rows[1].accuracy);
    expect(summary.trainLength).toBe(8);
    expect(summary.decodeStateBytes).toBeGreaterThan(0);
  });

  it('is deterministic per seed and splits task options from model settings', async () => {
    const a = await run({ task: 'mqar', overrides: { pairs: 2, keys: 4, values: 4, contextLength: 12 } });
    const b = await run({ task: 'mqar', overrides: { pairs: 2, keys: 4, values: 4, contextLength: 12 } });
    expect(a.rows).toEqual(
      b.rows.map((r, i) => ({ ...r, tokensPerSec: a.rows[i].tokensPerSec, elapsedMs: a.rows[i].elapsedMs })),
    );
    expect(a.summary.options).toEqual({ pairs: 2, keys: 4, values: 4 });
    expect(a.preset.spec.vocab).toBe(9);
    expect(a.summary.accuracy.map((x) => x.answers)).toEqual([16]);
    await expect(run({ task: 'mqar', overrides: { contextLength: 12 } })).rejects.toThrow(/too short/);
  });

  it('shares parameters with a graph at another length: a causal prefix gives the same logits', async () => {
    const backend = new CpuBackend();
    const preset = resolvePreset('mamba', { width: 16, layers: 1, contextLength: 8, dState: 4 }, 5);
    const params = new ParamStore(backend, new Rng(2));
    defineModelParams(params, preset.spec);
    const short = new ForwardPass(backend, params, preset.spec, 1, 8);
    const long = new ForwardPass(backend, params, preset.spec, 1, 16);
    const tokens = Int32Array.from({ length: 16 }, (_, i) => (i * 3) % 5);
    short.run({ inputs: tokens.slice(0, 8), targets: new Int32Array(8).fill(-1) });
    long.run({ inputs: tokens, targets: new Int32Array(16).fill(-1) });
    const a = await short.read(short.logits);
    const b = (await long.read(long.logits)).subarray(0, a.length);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 4);
    short.dispose();
    long.dispose();
    params.dispose();
  });

  it('learns MQAR with two pairs well above chance', async () => {
    const { summary } = await run({
      task: 'mqar',
      steps: 150,
      overrides: {
        pairs: 2,
        keys: 4,
        values: 4,
        contextLength: 8,
        width: 32,
        layers: 2,
        lr: 1e-2,
        evalEvery: 150,
        heldOut: 64,
        batchSize: 16,
      },
    });
    expect(summary.accuracy[0].accuracy).toBeGreaterThan(0.6); // chance: 1/4
  }, 300_000);
});
