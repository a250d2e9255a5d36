// Pause and resume of the training loop: a run paused after step k and resumed gives exactly the
// losses of an uninterrupted run with the same seed, waits while paused, and leaves the pause out
// of its timings.
import { describe, expect, it } from 'vitest';
import { backends } from '../kernels/testing';
import type { LogRow } from '../protocol';
import { DATA } from './testing';
import { train, type TrainEvents } from './train';

const STEPS = 6;
const PAUSE_AFTER = 3;
const PAUSE_MS = 1000;
const tiny = {
  width: 16,
  layers: 1,
  heads: 2,
  contextLength: 16,
  batchSize: 4,
  warmup: 2,
  logEvery: 1,
  evalEvery: 3,
  evalBatches: 1,
  sampleEvery: 1000,
  sampleLength: 4,
};

async function run(events: Partial<TrainEvents> = {}) {
  const { gpu } = await backends();
  const rows: LogRow[] = [];
  const req = { type: 'train' as const, preset: 'transformer', steps: STEPS, seed: 5, overrides: tiny };
  const result = await train(gpu, req, DATA, {
    onLog: (r) => rows.push(r),
    onSample: () => {},
    shouldStop: () => false,
    ...events,
  });
  result.params.dispose();
  return { rows, summary: result.summary };
}

describe('training loop pause', () => {
  it('resumes after a pause with exactly the losses of an uninterrupted run', async () => {
    const plain = await run();
    let resumedAt = NaN;
    let stepsAtPause = -1;
    const rows: LogRow[] = [];
    const paused = await run({
      onLog: (r) => rows.push(r),
      // Paused once, before the step after PAUSE_AFTER; resumed by a timer.
      paused: () => {
        if (stepsAtPause >= 0 || rows.length < PAUSE_AFTER) return undefined;
        stepsAtPause = rows.length;
        return new Promise<void>((resolve) =>
          setTimeout(() => {
            resumedAt = performance.now();
            resolve();
          }, PAUSE_MS),
        );
      },
    });
    expect(stepsAtPause).toBe(PAUSE_AFTER);
    expect(Number.isNaN(resumedAt)).toBe(false);
    expect(paused.summary.steps).toBe(STEPS);
    expect(rows.map((r) => r.loss)).toEqual(plain.rows.map((r) => r.loss));
    expect(rows.map((r) => r.valLoss)).toEqual(plain.rows.map((r) => r.valLoss));
    expect(paused.summary.finalValLoss).toBe(plain.summary.finalValLoss);
    expect(rows.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
    // The pause is not training time: elapsed grows by about one step's time across it, not PAUSE_MS.
    const across = rows[PAUSE_AFTER].elapsedMs - rows[PAUSE_AFTER - 1].elapsedMs;
    const plainAcross = plain.rows[PAUSE_AFTER].elapsedMs - plain.rows[PAUSE_AFTER - 1].elapsedMs;
    expect(across).toBeLessThan(plainAcross + PAUSE_MS / 2);
  });

  it('a stop while paused ends the run at the paused step', async () => {
    let stop = false;
    const r = await run({
      paused: () => (stop ? undefined : Promise.resolve().then(() => void (stop = true))),
      shouldStop: () => stop,
    });
    expect(r.summary.steps).toBe(0);
    expect(r.summary.stoppedEarly).toMatch(/stopped by the user at step 0/);
  });
});
