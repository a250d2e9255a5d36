// conv1dStep: GPU vs CPU reference (K = 1..4, odd C, B > 1, with and without bias, state updated twice),
// and T steps of the reference reproduce the parallel conv1d at every position.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import { compareBackends, expectClose, randn, type Case } from './testing';
import { conv1dRef } from './conv1d';
import { conv1dStep, conv1dStepRef, type Conv1dStepArgs } from './conv1d-step';

describe('conv1dStep', () => {
  const rng = new Rng(23);

  it('matches the CPU reference (output and updated state)', async () => {
    const cases: Case<Conv1dStepArgs>[] = Array.from({ length: 24 }, (_, c) => {
      const s = { B: 1 + rng.int(4), C: 2 * rng.int(40) + 1, K: 1 + (c % 4) };
      const n = s.B * s.C;
      return {
        label: JSON.stringify({ ...s, c }),
        inputs: { x: randn(rng, n), w: randn(rng, s.C * s.K), bias: randn(rng, s.C) },
        outputs: { out: randn(rng, n), state: randn(rng, Math.max(1, n * (s.K - 1))) },
        args: (t) => ({
          out: t.out,
          state: t.state,
          x: t.x,
          weight: t.w,
          bias: c % 3 ? t.bias : undefined,
          ...s,
        }),
      };
    });
    await compareBackends(conv1dStep, cases);
  });

  it('T steps from a zero state equal the parallel conv1d', () => {
    for (const K of [1, 2, 4]) {
      const s = { B: 3, T: 9, C: 5, K };
      const x = randn(rng, s.B * s.T * s.C);
      const w = randn(rng, s.C * K);
      const bias = randn(rng, s.C);
      const ref = new Float64Array(x.length);
      conv1dRef(ref, x, w, bias, s);
      const state = new Float64Array(s.B * s.C * (K - 1));
      const y = new Float64Array(s.B * s.C);
      for (let t = 0; t < s.T; t++) {
        const xt = new Float64Array(s.B * s.C);
        for (let b = 0; b < s.B; b++)
          for (let c = 0; c < s.C; c++) xt[b * s.C + c] = x[(b * s.T + t) * s.C + c];
        conv1dStepRef(y, state, xt, w, bias, s);
        const want = Array.from({ length: s.B * s.C }, (_, j) => {
          const b = Math.floor(j / s.C);
          return ref[(b * s.T + t) * s.C + (j % s.C)];
        });
        expectClose(y, want, { rtol: 1e-12, atol: 1e-12, label: `K=${K} t=${t}` });
      }
      expect(state.length).toBe(s.B * s.C * (K - 1));
    }
  });
});
