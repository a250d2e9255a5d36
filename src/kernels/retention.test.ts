// Retention forward: hand-worked values, GPU vs the f64 CPU reference on random shapes, decode steps vs
// the forward.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import { expectStepsMatchForward, forwardCase, stepCase } from './matrix-state-testing';
import {
  retention,
  retentionDecay,
  retentionRef,
  retentionStateBytes,
  retentionStep,
  type RetentionArgs,
  type RetentionStepArgs,
} from './retention';
import { RETENTION, retentionCase, type RetentionInputs } from './retention-cases';
import { compareBackends, expectClose } from './testing';

const CASES = 32;

describe('retention', () => {
  const rng = new Rng(42);

  it('decays head h by γ_h = 1 − 2^(−5−h): o_t = Σ_{s≤t} γ^{t−s} (q_t·k_s) v_s', () => {
    expect(retentionDecay(0)).toBe(1 - 1 / 32);
    expect(retentionDecay(3)).toBe(1 - 1 / 256);
    // Dk = Dv = 1, two heads, q = k = 1, v = (1, 2, 3): o = v₀, γv₀ + v₁, γ²v₀ + γv₁ + v₂.
    const [T, H] = [3, 2];
    const v = Float64Array.from([1, 1, 2, 2, 3, 3]); // (T, H)
    const o = new Float64Array(T * H);
    retentionRef(
      { o, q: new Float64Array(T * H).fill(1), k: new Float64Array(T * H).fill(1), v },
      {
        B: 1,
        T,
        H,
        Dk: 1,
        Dv: 1,
      },
    );
    const want = [0, 1].flatMap((h) => {
      const g = retentionDecay(h);
      return [1, g + 2, g * g + 2 * g + 3];
    });
    expectClose([o[0], o[2], o[4], o[1], o[3], o[5]], want, { rtol: 1e-12, label: 'hand-worked' });
  });

  it(`GPU matches the CPU reference on ${CASES} random cases and at Dk = Dv = 128`, async () => {
    const cases = Array.from({ length: CASES }, (_, c) => {
      const s = retentionCase(rng, c);
      return forwardCase<RetentionInputs, RetentionArgs>(RETENTION, rng, s, JSON.stringify(s));
    });
    const big = { B: 1, T: 3, H: 2, Dk: 128, Dv: 128, withState: true };
    cases.push(forwardCase(RETENTION, rng, big, '128 × 128'));
    // The state is updated in place, so the second run of compareBackends starts from the first's end.
    await compareBackends(retention, cases);
  });

  it('the decode step matches the CPU reference', async () => {
    const cases = [0, 1, 2, 3].map((c) =>
      stepCase<RetentionInputs, RetentionStepArgs>(RETENTION, rng, retentionCase(rng, c)),
    );
    await compareBackends(retentionStep, cases);
  });

  it('decode steps reproduce the parallel forward', async () => {
    await expectStepsMatchForward(RETENTION, rng, retention, retentionStep);
    expect(retentionStateBytes(3, 16, 24, 2)).toBe(2 * 3 * 16 * 24 * 4);
  });
});
