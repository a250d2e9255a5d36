// The fit check: the cost model's training bytes against the budget, the largest buffer against the
// binding limit, and messages that give needed and available bytes.
import { describe, expect, it } from 'vitest';
import { presetSpec } from '../models/spec-presets';
import { modelCost } from './cost-model';
import { checkFit, formatBytes, largestBufferBytes, memoryLimits } from './memory-fit';

describe('memory fit', () => {
  const spec = presetSpec('transformer');

  it('fits a tiny model and measures it with the cost model', () => {
    const fit = checkFit(spec, 16, memoryLimits(2 ** 30, 8));
    expect(fit.ok).toBe(true);
    expect(fit.neededBytes).toBe(modelCost(spec, spec.contextLength, { batch: 16 }).training.total);
    expect(fit.budgetBytes).toBe(4 * 2 ** 30);
    expect(fit.message).toBeUndefined();
  });

  it('refuses past the budget with needed vs available bytes', () => {
    const limits = { budgetBytes: 1_000_000, maxBufferBytes: 2 ** 30, source: 'a test budget' };
    const fit = checkFit(spec, 16, limits);
    expect(fit.ok).toBe(false);
    expect(fit.message).toContain(`needs ${formatBytes(fit.neededBytes)}`);
    expect(fit.message).toContain('but 977 KB is available (a test budget)');
  });

  it('refuses a buffer past the binding limit', () => {
    // SwiGLU's hidden activations (batch · T · 176 floats) are wider than the logits (vocab 80).
    expect(largestBufferBytes(spec, 16)).toBe(16 * 64 * 176 * 4);
    const fit = checkFit(spec, 16, { budgetBytes: 2 ** 40, maxBufferBytes: 1024, source: '' });
    expect(fit.ok).toBe(false);
    expect(fit.message).toContain('one buffer needs 704 KB but the adapter binds at most 1.0 KB');
  });

  it('formats bytes', () => {
    expect(formatBytes(640)).toBe('640 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(8 * 2 ** 30)).toBe('8.0 GB');
  });
});
