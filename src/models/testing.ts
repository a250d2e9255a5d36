// Test helpers for training runs: a small repeated text, small overrides, a GPU run that collects
// its log rows and weights, and the "loss falls" check used by every preset's test.
import { expect } from 'vitest';
import type { LogRow } from '../protocol';
import { backends } from '../kernels/testing';
import { resolvePreset } from './presets';
import { train } from './train';

export const TEXT =
  'Call me Ishmael. Some years ago, never mind how long precisely, having little money. '.repeat(40);
export const DATA = { train: TEXT, val: TEXT.slice(0, 600) };

/** A model and run small enough for SwiftShader: 4 × 16 characters, a log row every step. */
export const SMALL_RUN = {
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

export async function trainOnGpu(
  preset: string,
  steps: number,
  seed: number,
  overrides: Record<string, number>,
) {
  const { gpu } = await backends();
  const rows: LogRow[] = [];
  const result = await train(gpu, { type: 'train', preset, steps, seed, overrides }, DATA, {
    onLog: (r) => rows.push(r),
    onSample: () => {},
    shouldStop: () => false,
  });
  const weights = await result.params.export();
  result.params.dispose();
  return { rows, summary: result.summary, weights };
}

/** Finite losses whose last four average at least `by` below the first four (single steps are noisy). */
export function expectLossFalls(rows: LogRow[], by = 0.2): void {
  expect(rows.every((r) => Number.isFinite(r.loss))).toBe(true);
  const mean = (rs: LogRow[]) => rs.reduce((a, r) => a + r.loss, 0) / rs.length;
  expect(mean(rows.slice(-4))).toBeLessThan(mean(rows.slice(0, 4)) - by);
}

/** The mixer kinds of the preset's stack, in order, resolved with SMALL_RUN. */
export function presetMixerKinds(preset: string): string[] {
  return resolvePreset(preset, SMALL_RUN).spec.stack.flatMap((s) => s.blocks.map((b) => b.mixer.kind));
}

/** The preset trains 16 GPU steps with SMALL_RUN (seed 1) without stopping early, and its loss falls. */
export async function expectPresetTrains(preset: string): Promise<void> {
  const r = await trainOnGpu(preset, 16, 1, SMALL_RUN);
  expect(r.summary.stoppedEarly).toBeFalsy();
  expectLossFalls(r.rows);
}
