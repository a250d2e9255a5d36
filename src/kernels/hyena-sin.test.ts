// sin(w·x) with a learnable frequency per column: GPU vs CPU, and the CPU backward by finite differences.
import { describe, it } from 'vitest';
import { Rng } from '../data/rng';
import { sinFreq, sinFreqBackward, sinFreqBackwardRef, sinFreqRef } from './hyena-sin';
import type { SinFreqArgs, SinFreqBackwardArgs, SinFreqSizes } from './hyena-sin';
import { checkGradient, compareBackends, randn, weightedSum, type Case } from './testing';

const SHAPES: SinFreqSizes[] = [
  { rows: 1, cols: 1 },
  { rows: 7, cols: 5 },
  { rows: 64, cols: 16 },
  { rows: 300, cols: 9 }, // more rows than one block of the column sum
];

describe('sinFreq', () => {
  const rng = new Rng(5);
  const inputs = (s: SinFreqSizes) => ({
    x: randn(rng, s.rows * s.cols, 2),
    freq: randn(rng, s.cols, 1).map((v) => 1 + 0.5 * v),
  });

  it('GPU forward and backward match the CPU reference', async () => {
    await compareBackends(
      sinFreq,
      SHAPES.map((s): Case<SinFreqArgs> => ({
        label: JSON.stringify(s),
        inputs: inputs(s),
        outputs: { y: new Float32Array(s.rows * s.cols) },
        args: (t) => ({ ...s, y: t.y, x: t.x, freq: t.freq }),
      })),
    );
    await compareBackends(
      sinFreqBackward,
      SHAPES.map((s, i): Case<SinFreqBackwardArgs> => ({
        label: JSON.stringify(s),
        inputs: { ...inputs(s), dy: randn(rng, s.rows * s.cols) },
        outputs: { dx: randn(rng, s.rows * s.cols), dfreq: randn(rng, s.cols) },
        args: (t) => ({
          ...s,
          dx: t.dx,
          dfreq: t.dfreq,
          x: t.x,
          freq: t.freq,
          dy: t.dy,
          accumulate: i % 2 === 0,
          accumulateFreq: i % 3 === 0,
        }),
        atol: { dfreq: 1e-4 * s.rows },
      })),
    );
  });

  it('the CPU backward matches finite differences', () => {
    const s = { rows: 6, cols: 4 };
    const x = Float64Array.from(randn(rng, s.rows * s.cols, 2));
    const w = Float64Array.from(randn(rng, s.cols));
    const R = Float64Array.from(randn(rng, s.rows * s.cols));
    const [dx, dw] = [new Float64Array(x.length), new Float64Array(w.length)];
    sinFreqBackwardRef(dx, dw, x, w, R, s);
    const f = weightedSum(R, (out) => sinFreqRef(out, x, w, s));
    checkGradient(f, x, dx, { eps: 1e-5, rtol: 1e-6, atol: 1e-8, label: 'dx' });
    checkGradient(f, w, dw, { eps: 1e-5, rtol: 1e-6, atol: 1e-8, label: 'dfreq' });
  });
});
