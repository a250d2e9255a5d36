// Mamba: Jamba and Samba resolve as trainable, the init is mamba_ssm's, and the Mamba preset trains on the GPU.
import { describe, expect, it } from 'vitest';
import type { LogRow } from '../../protocol';
import { backends } from '../../kernels/testing';
import { resolvePreset } from '../presets';
import { specParams } from '../spec-params';
import { train } from '../train';
import { mambaInit } from './mamba';

const TEXT = 'Call me Ishmael. Some years ago, never mind how long precisely, having little money. '.repeat(
  40,
);
const overrides = {
  width: 32,
  contextLength: 16,
  batchSize: 4,
  lr: 1e-2,
  warmup: 2,
  logEvery: 1,
  evalEvery: 1000,
  evalBatches: 1,
  sampleEvery: 1000,
  sampleLength: 4,
};

describe('hybrid presets with Mamba blocks', () => {
  it.each(['jamba', 'samba'])('%s resolves as trainable', (name) => {
    const kinds = resolvePreset(name, overrides).spec.stack.flatMap((s) => s.blocks.map((b) => b.mixer.kind));
    expect(kinds).toContain('mamba');
  });
});

describe('mamba preset', () => {
  const { spec } = resolvePreset('mamba', overrides);

  it('initialises A_log, D and the dt bias as mamba_ssm', () => {
    const values = (suffix: string) => {
      const s = specParams(spec).find((p) => p.name === `model.layers.0.mixer.${suffix}`)!;
      const init = mambaInit(s);
      if (init?.kind !== 'custom') throw new Error(`${suffix}: expected custom values, got ${init?.kind}.`);
      return { s, v: [...init.values] };
    };
    const A = values('A_log');
    const N = A.s.shape[1];
    expect(A.v.slice(0, 2 * N)).toEqual(
      [...Array(2)].flatMap(() => [...Array(N)].map((_, n) => Math.fround(Math.log(n + 1)))),
    );
    const dt = values('dt_proj.bias').v.map((b) => Math.log1p(Math.exp(b))); // softplus
    expect(Math.min(...dt)).toBeGreaterThan(1e-3);
    expect(Math.max(...dt)).toBeLessThan(1e-1);
    const D = specParams(spec).find((p) => p.name === 'model.layers.0.mixer.D')!;
    expect(mambaInit(D)).toEqual({ kind: 'const', value: 1 });
  });

  it('trains on the GPU: the loss falls', async () => {
    const rows: LogRow[] = [];
    const { gpu } = await backends();
    const result = await train(
      gpu,
      { type: 'train', preset: 'mamba', steps: 16, seed: 1, overrides },
      { train: TEXT, val: TEXT.slice(0, 600) },
      { onLog: (r) => rows.push(r), onSample: () => {}, shouldStop: () => false },
    );
    result.params.dispose();
    expect(result.summary.stoppedEarly).toBeFalsy();
    expect(rows.every((r) => Number.isFinite(r.loss))).toBe(true);
    // Per-step losses are noisy (batches of 4): compare the means of the first and the last four.
    const mean = (rs: LogRow[]) => rs.reduce((a, r) => a + r.loss, 0) / rs.length;
    expect(mean(rows.slice(-4))).toBeLessThan(mean(rows.slice(0, 4)) - 0.2);
  });
});
