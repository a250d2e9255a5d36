// RWKV-7 bonus term (Σ_n r ⊙ k ⊙ r_k)·v: GPU vs CPU forward and backward, CPU backward vs finite differences.
import { describe, it } from 'vitest';
import { Rng } from '../data/rng';
import { bonus, bonusBackward, bonusBackwardRef, bonusRef, type BonusSizes } from './rwkv-bonus';
import { checkGradient, compareBackends, randn, weightedSum } from './testing';
import type { Tensor } from './tensor';

const SHAPES: BonusSizes[] = [
  { rows: 1, H: 1, N: 3 },
  { rows: 7, H: 2, N: 5 },
  { rows: 300, H: 4, N: 16 },
];

describe('rwkvBonus', () => {
  const rng = new Rng(8);

  it('GPU matches the CPU reference, forward and backward', async () => {
    await compareBackends(
      bonus,
      SHAPES.map((s, c) => {
        const n = s.rows * s.H * s.N;
        return {
          label: JSON.stringify(s),
          inputs: { r: randn(rng, n), k: randn(rng, n), v: randn(rng, n), rk: randn(rng, s.H * s.N) },
          outputs: { out: randn(rng, n) },
          args: (t: Record<string, Tensor>) => ({
            ...s,
            out: t.out,
            r: t.r,
            k: t.k,
            v: t.v,
            rk: t.rk,
            accumulate: c === 1,
          }),
        };
      }),
    );
    await compareBackends(
      bonusBackward,
      SHAPES.flatMap((s) => {
        const n = s.rows * s.H * s.N;
        return [false, true, { dv: true }].map((accumulate) => ({
          label: `${JSON.stringify(s)} accumulate ${accumulate}`,
          inputs: {
            r: randn(rng, n),
            k: randn(rng, n),
            v: randn(rng, n),
            rk: randn(rng, s.H * s.N),
            dout: randn(rng, n),
          },
          outputs: { dr: randn(rng, n), dk: randn(rng, n), dv: randn(rng, n), drk: randn(rng, s.H * s.N) },
          args: (t: Record<string, Tensor>) => ({
            ...s,
            dr: t.dr,
            dk: t.dk,
            dv: t.dv,
            drk: t.drk,
            r: t.r,
            k: t.k,
            v: t.v,
            rk: t.rk,
            dout: t.dout,
            accumulate,
            accumulateRk: accumulate === false,
          }),
          atol: { drk: 1e-4 },
        }));
      }),
    );
  });

  it('CPU backward passes finite differences', () => {
    const s = { rows: 3, H: 2, N: 3 };
    const n = 18;
    const x = {
      r: Float64Array.from(randn(rng, n)),
      k: Float64Array.from(randn(rng, n)),
      v: Float64Array.from(randn(rng, n)),
      rk: Float64Array.from(randn(rng, 6)),
    };
    const R = Float64Array.from(randn(rng, n));
    const g = {
      dr: new Float64Array(n),
      dk: new Float64Array(n),
      dv: new Float64Array(n),
      drk: new Float64Array(6),
    };
    bonusBackwardRef(g, { ...x, dout: R }, s);
    const loss = weightedSum(R, (o) => bonusRef(o, x.r, x.k, x.v, x.rk, s));
    for (const [name, grad] of [
      ['r', g.dr],
      ['k', g.dk],
      ['v', g.dv],
      ['rk', g.drk],
    ] as const)
      checkGradient(loss, x[name], grad, { eps: 1e-5, label: name });
  });
});
