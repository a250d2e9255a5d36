// The benchmark protocol on synthetic timers: warm-up untimed, A B A B order, medians, the
// minimum of 5 runs, and before/after hooks kept out of the timings.
import { describe, expect, it } from 'vitest';
import { gflops, median, MIN_RUNS, timeAlternating, type Contender } from './timing';

/** A fake clock and contenders whose runs take scripted durations on it. */
function scripted(durations: Record<string, number[]>) {
  let now = 0;
  const log: string[] = [];
  const contenders: Contender[] = Object.entries(durations).map(([name, ds]) => {
    let i = 0;
    return {
      name,
      before: async () => {
        log.push(`${name}:before`);
        now += 1000; // untimed setup must not show in the timings
      },
      run: async () => {
        log.push(name);
        await Promise.resolve();
        now += ds[i++];
      },
      after: () => {
        log.push(`${name}:after`);
        now += 500;
      },
    };
  });
  return { contenders, log, clock: () => now };
}

describe('median', () => {
  it('takes the middle of an odd count and the mean of the two middles of an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([9, 1, 7, 3])).toBe(5);
    expect(median([2])).toBe(2);
    expect(median([4, 4, 1, 100, 4])).toBe(4);
    expect(() => median([])).toThrow(/empty/);
  });

  it('does not reorder its input', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('timeAlternating', () => {
  it('warms up each side untimed, then alternates A B A B and reports medians', async () => {
    // First entry of each list is the warm-up (a slow compile), then 5 timed runs.
    const { contenders, log, clock } = scripted({
      A: [900, 10, 30, 20, 50, 40],
      B: [800, 7, 1, 5, 3, 9],
    });
    const [a, b] = await timeAlternating(contenders, { warmup: 1, runs: 5, clock });
    expect(a.times).toEqual([10, 30, 20, 50, 40]);
    expect(b.times).toEqual([7, 1, 5, 3, 9]);
    expect(a.median).toBe(30);
    expect(b.median).toBe(5);
    expect(a.min).toBe(10);
    expect(b.max).toBe(9);
    const runs = log.filter((e) => !e.includes(':'));
    expect(runs).toEqual(['A', 'B', 'A', 'B', 'A', 'B', 'A', 'B', 'A', 'B', 'A', 'B']);
    // Hooks wrap every run, warm-up included.
    expect(log.slice(0, 6)).toEqual(['A:before', 'A', 'A:after', 'B:before', 'B', 'B:after']);
  });

  it('refuses fewer than the protocol minimum of timed runs', async () => {
    const { contenders, clock } = scripted({ A: [1, 1, 1, 1, 1] });
    await expect(timeAlternating(contenders, { runs: MIN_RUNS - 1, clock })).rejects.toThrow(/at least 5/);
  });

  it('is robust to one outlier run where a mean would not be', async () => {
    const { contenders, clock } = scripted({ A: [0, 10, 10, 1000, 10, 10] });
    const [a] = await timeAlternating(contenders, { clock });
    expect(a.median).toBe(10);
  });
});

describe('gflops', () => {
  it('converts FLOPs and milliseconds to GFLOP/s', () => {
    expect(gflops(2 * 1024 ** 3, 1000)).toBeCloseTo(2.147483648, 9);
    expect(gflops(1e9, 1)).toBe(1000);
  });
});
