// tanh and relu² with their backwards: GPU vs CPU (plain and accumulated), CPU backwards vs finite differences.
import { describe, it } from 'vitest';
import { Rng } from '../data/rng';
import {
  activationBackwardRef,
  activationRef,
  reluSquare,
  reluSquareBackward,
  tanh,
  tanhBackward,
} from './rwkv-activations';
import { checkGradient, compareBackends, randn, weightedSum } from './testing';
import type { Tensor } from './tensor';

const PAIRS = [
  ['tanh', tanh, tanhBackward],
  ['reluSquare', reluSquare, reluSquareBackward],
] as const;

describe.each(PAIRS)('%s', (fn, forward, backward) => {
  const rng = new Rng(6);

  it('GPU matches the CPU reference, forward and backward', async () => {
    const x = randn(rng, 777, 3);
    x[0] = 40; // tanh must not overflow
    x[1] = -40;
    await compareBackends(
      forward,
      [false, true].map((accumulate) => ({
        label: `accumulate ${accumulate}`,
        inputs: { x },
        outputs: { out: randn(rng, 777) },
        args: (t: Record<string, Tensor>) => ({ out: t.out, x: t.x, accumulate }),
      })),
    );
    await compareBackends(
      backward,
      [false, true].map((accumulate) => ({
        label: `accumulate ${accumulate}`,
        inputs: { x, dy: randn(rng, 777) },
        outputs: { dx: randn(rng, 777) },
        args: (t: Record<string, Tensor>) => ({ dx: t.dx, x: t.x, dy: t.dy, accumulate }),
      })),
    );
  });

  it('CPU backward passes finite differences', () => {
    const x = Float64Array.from(randn(rng, 20, 2)).map((v) => (Math.abs(v) < 0.01 ? 0.5 : v));
    const R = Float64Array.from(randn(rng, 20));
    const dx = new Float64Array(20);
    activationBackwardRef(fn, dx, x, R);
    checkGradient(
      weightedSum(R, (o) => activationRef(fn, o, x)),
      x,
      dx,
      { eps: 1e-5, label: fn },
    );
  });
});
