// Mixer activations: GPU vs CPU reference (partial n, accumulate both ways), CPU backwards by FD; tanh
// and relu² also at ±40 (tanh must not overflow).
import { describe, it } from 'vitest';
import { Rng } from '../data/rng';
import type { KernelDef } from './backend';
import type { Tensor } from './tensor';
import type { ActivationBackwardArgs, UnaryArgs } from './elementwise';
import { checkGradient, compareBackends, randn, type Case, weightedSum } from './testing';
import * as act from './activations';

const CASES = 56;

/** Case c: n elements of tensors of `size` ≥ n (the tail must stay), accumulating on odd cases. */
function shape(rng: Rng, c: number) {
  const n = c < 4 ? [1, 255, 257, 3001][c] : 1 + rng.int(2000);
  const partial = c % 5 === 4;
  return { n, size: partial ? n + 1 + rng.int(40) : n, accumulate: c % 2 === 1, partial };
}

function unaryCases(rng: Rng, std: number): Case<UnaryArgs>[] {
  return Array.from({ length: CASES }, (_, c) => {
    const { n, size, accumulate, partial } = shape(rng, c);
    return {
      label: JSON.stringify({ n, size, accumulate }),
      inputs: { x: randn(rng, size, std) },
      outputs: { out: randn(rng, size) },
      args: (t) => ({ out: t.out, x: t.x, n: partial ? n : undefined, accumulate }),
    };
  });
}

function backwardCases(rng: Rng): Case<ActivationBackwardArgs>[] {
  return Array.from({ length: CASES }, (_, c) => {
    const { n, size, accumulate, partial } = shape(rng, c);
    return {
      label: JSON.stringify({ n, size, accumulate }),
      inputs: { x: randn(rng, size, 6), dy: randn(rng, size) },
      outputs: { dx: randn(rng, size) },
      args: (t) => ({ dx: t.dx, x: t.x, dy: t.dy, n: partial ? n : undefined, accumulate }),
    };
  });
}

describe('activations', () => {
  const rng = new Rng(11);

  it('softplus, sigmoid and exp match the CPU reference', async () => {
    const ops: [KernelDef<UnaryArgs>, number][] = [
      [act.softplus, 8],
      [act.sigmoid, 6],
      [act.exp, 2],
    ];
    for (const [op, std] of ops) await compareBackends(op, unaryCases(rng, std));
  });

  it('softplus and sigmoid backwards match the CPU reference', async () => {
    await compareBackends(act.softplusBackward, backwardCases(rng));
    await compareBackends(act.sigmoidBackward, backwardCases(rng));
  });

  it('backward references agree with finite differences', () => {
    for (let c = 0; c < 6; c++) {
      const n = 1 + rng.int(40);
      const R = Float64Array.from(randn(rng, n));
      const x = Float64Array.from(randn(rng, n, 3));
      const dx = new Float64Array(n);
      act.softplusBackwardRef(dx, x, R);
      checkGradient(
        weightedSum(R, (o) => act.softplusRef(o, x)),
        x,
        dx,
        { label: 'softplus' },
      );
      act.sigmoidBackwardRef(dx, x, R);
      checkGradient(
        weightedSum(R, (o) => act.sigmoidRef(o, x)),
        x,
        dx,
        { label: 'sigmoid' },
      );
    }
  });
});

const RWKV_PAIRS = [
  ['tanh', act.tanh, act.tanhBackward, act.tanhRef, act.tanhBackwardRef],
  ['reluSquare', act.reluSquare, act.reluSquareBackward, act.reluSquareRef, act.reluSquareBackwardRef],
] as const;

describe.each(RWKV_PAIRS)('%s', (fn, forward, backward, ref, backwardRef) => {
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
    backwardRef(dx, x, R);
    checkGradient(
      weightedSum(R, (o) => ref(o, x)),
      x,
      dx,
      { eps: 1e-5, label: fn },
    );
  });
});
