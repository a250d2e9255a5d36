// Token shift: GPU vs CPU (with and without a state, accumulated backward), finite differences of the
// CPU backward, and the decode form (T = 1 with a state) reproducing the parallel shift token by token.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import { tokenShift, tokenShiftBackward, tokenShiftBackwardRef, tokenShiftRef } from './rwkv-shift';
import { checkGradient, compareBackends, randn, weightedSum } from './testing';

const SHAPES = [
  { B: 1, T: 1, C: 3 },
  { B: 2, T: 5, C: 7 },
  { B: 3, T: 4, C: 300 },
];

describe('tokenShift', () => {
  const rng = new Rng(5);

  it('GPU matches the CPU reference, forward and backward', async () => {
    await compareBackends(
      tokenShift,
      SHAPES.flatMap((s, c) => {
        const n = s.B * s.T * s.C;
        return [false, true].map((withState) => ({
          label: `${JSON.stringify(s)} state ${withState}`,
          inputs: { x: randn(rng, n) },
          outputs: { out: randn(rng, n), ...(withState ? { state: randn(rng, s.B * s.C) } : {}) },
          args: (t: Record<string, import('./tensor').Tensor>) => ({
            ...s,
            out: t.out,
            x: t.x,
            state: t.state,
          }),
          c,
        }));
      }),
    );
    await compareBackends(
      tokenShiftBackward,
      SHAPES.flatMap((s) => {
        const n = s.B * s.T * s.C;
        return [false, true].map((accumulate) => ({
          label: `${JSON.stringify(s)} accumulate ${accumulate}`,
          inputs: { dy: randn(rng, n) },
          outputs: { dx: randn(rng, n) },
          args: (t: Record<string, import('./tensor').Tensor>) => ({ ...s, dx: t.dx, dy: t.dy, accumulate }),
        }));
      }),
    );
  });

  it('shifts within each sequence and its CPU backward passes finite differences', () => {
    const s = { B: 2, T: 3, C: 2 };
    const x = Float64Array.from(randn(rng, 12));
    const out = new Float64Array(12);
    tokenShiftRef(out, x, s);
    // Sequence 1 starts from zero, not from sequence 0's last token.
    expect(out[6]).toBe(-x[6]);
    expect(out[8]).toBeCloseTo(x[6] - x[8], 12);
    const R = Float64Array.from(randn(rng, 12));
    const dx = new Float64Array(12);
    tokenShiftBackwardRef(dx, R, s);
    checkGradient(
      weightedSum(R, (o) => tokenShiftRef(o, x, s)),
      x,
      dx,
      { eps: 1e-5, label: 'dx' },
    );
  });

  it('T = 1 with a state reproduces the parallel shift step by step', () => {
    const s = { B: 2, T: 4, C: 3 };
    const x = randn(rng, 24);
    const want = new Float64Array(24);
    tokenShiftRef(want, x, s);
    const state = new Float64Array(6);
    for (let t = 0; t < s.T; t++) {
      const xt = new Float64Array(6);
      for (let b = 0; b < 2; b++) for (let c = 0; c < 3; c++) xt[b * 3 + c] = x[(b * 4 + t) * 3 + c];
      const yt = new Float64Array(6);
      tokenShiftRef(yt, xt, { B: 2, T: 1, C: 3 }, state);
      for (let b = 0; b < 2; b++)
        for (let c = 0; c < 3; c++) expect(yt[b * 3 + c]).toBe(want[(b * 4 + t) * 3 + c]);
    }
  });
});
