// conv1d kernels: GPU vs CPU reference (T = 1, K = 1..4, odd C, B > 1, accumulate), CPU backwards by FD.
import { describe, it } from 'vitest';
import { Rng } from '../data/rng';
import { checkGradient, compareBackends, randn, type Case } from './testing';
import * as cv from './conv1d';

const CASES = 56;

/** Case c's sizes: T = 1 and K = 1 early, odd C, B up to 4, one long case for the two-pass dweight. */
function sizes(rng: Rng, c: number): cv.Conv1dSizes {
  return {
    B: 1 + rng.int(4),
    T: c % 6 === 0 ? 1 : c === 1 ? 1500 : 1 + rng.int(80),
    C: 2 * rng.int(20) + 1,
    K: 1 + (c % 4),
  };
}

function cases<A>(rng: Rng, make: (s: cv.Conv1dSizes, c: number) => Omit<Case<A>, 'label'>): Case<A>[] {
  return Array.from({ length: CASES }, (_, c) => {
    const s = sizes(rng, c);
    return { label: JSON.stringify({ ...s, c }), ...make(s, c) };
  });
}

describe('conv1d', () => {
  const rng = new Rng(17);

  it('forward matches the CPU reference', async () => {
    await compareBackends(
      cv.conv1d,
      cases(rng, (s, c) => ({
        inputs: { x: randn(rng, s.B * s.T * s.C), w: randn(rng, s.C * s.K), bias: randn(rng, s.C) },
        outputs: { out: randn(rng, s.B * s.T * s.C) },
        args: (t) => ({ out: t.out, x: t.x, weight: t.w, bias: c % 3 === 0 ? undefined : t.bias, ...s }),
      })),
    );
  });

  it('backwardInput matches the CPU reference', async () => {
    await compareBackends(
      cv.conv1dBackwardInput,
      cases(rng, (s, c) => ({
        inputs: { dy: randn(rng, s.B * s.T * s.C), w: randn(rng, s.C * s.K) },
        outputs: { dx: randn(rng, s.B * s.T * s.C) },
        args: (t) => ({ dx: t.dx, dy: t.dy, weight: t.w, accumulate: c % 2 === 1, ...s }),
      })),
    );
  });

  it('backwardWeight matches the CPU reference, one and two passes', async () => {
    await compareBackends(
      cv.conv1dBackwardWeight,
      cases(rng, (s, c) => ({
        inputs: { x: randn(rng, s.B * s.T * s.C), dy: randn(rng, s.B * s.T * s.C) },
        outputs: { dweight: randn(rng, s.C * s.K) },
        args: (t) => ({ dweight: t.dweight, x: t.x, dy: t.dy, accumulate: c % 2 === 1, ...s }),
        // A sum of B·T products of mixed signs: f32 rounding grows with its length.
        atol: { dweight: 1e-5 + 2e-7 * s.B * s.T },
      })),
    );
  });

  it('backward references agree with finite differences', () => {
    for (let c = 0; c < 8; c++) {
      const s = { B: 1 + rng.int(3), T: 1 + rng.int(7), C: 2 * rng.int(3) + 1, K: 1 + (c % 4) };
      const n = s.B * s.T * s.C;
      const x = Float64Array.from(randn(rng, n));
      const w = Float64Array.from(randn(rng, s.C * s.K));
      const bias = Float64Array.from(randn(rng, s.C));
      const R = Float64Array.from(randn(rng, n));
      const loss = () => {
        const out = new Float64Array(n);
        cv.conv1dRef(out, x, w, bias, s);
        return out.reduce((a, v, i) => a + v * R[i], 0);
      };
      const dx = new Float64Array(n);
      const dw = new Float64Array(s.C * s.K);
      cv.conv1dBackwardInputRef(dx, w, R, s);
      cv.conv1dBackwardWeightRef(dw, x, R, s);
      checkGradient(loss, x, dx, { label: `conv1d dx ${JSON.stringify(s)}` });
      checkGradient(loss, w, dw, { label: `conv1d dweight ${JSON.stringify(s)}` });
    }
  });
});
