// SSD (Mamba-2) backward: CPU reference vs finite differences of sum(y ⊙ R); GPU vs CPU on random shapes.
import { describe, it } from 'vitest';
import { Rng } from '../data/rng';
import { ssdRef, type SsdSizes } from './ssd';
import { ssdBackward, ssdBackwardRef, type SsdBackwardArgs, type SsdGradName } from './ssd-backward';
import { ssdCase, ssdInputs, type SsdCase } from './ssd-cases';
import { checkGradient, compareBackends, randn, type Case } from './testing';

const CASES = 32;
const GRADS: SsdGradName[] = ['dx', 'ddt', 'dA', 'dB', 'dC', 'dD'];

/** Forward inputs (with the initial state when the case has one) and the forward's output. */
function forwardOf(rng: Rng, s: SsdCase) {
  const { B, T, H, P } = s;
  const { state, ...rest } = ssdInputs(rng, s);
  const inputs = s.withState ? { ...rest, state } : rest;
  const y = new Float32Array(B * T * H * P);
  ssdRef({ ...inputs, y, state: s.withState ? state.slice() : undefined }, s);
  return { inputs, y };
}

describe('ssdBackward', () => {
  const rng = new Rng(53);

  it('CPU reference passes finite differences of sum(y ⊙ R)', () => {
    const shapes: SsdSizes[] = [
      { B: 2, T: 7, H: 4, P: 3, N: 2, G: 2 },
      { B: 1, T: 1, H: 1, P: 2, N: 1, G: 1 },
      { B: 1, T: 9, H: 2, P: 2, N: 5, G: 1 },
    ];
    for (const [c, s] of shapes.entries()) {
      const { B, T, H, P, N, G } = s;
      const data = ssdInputs(rng, s); // with an initial state: the backward must account for it
      const x = Object.fromEntries(Object.entries(data).map(([key, a]) => [key, Float64Array.from(a)])) as {
        [K in keyof typeof data]: Float64Array;
      };
      const R = Float64Array.from(randn(rng, B * T * H * P));
      const y = new Float64Array(B * T * H * P);
      const loss = () => {
        ssdRef({ ...x, y, state: x.state.slice() }, s);
        return y.reduce((acc, yi, i) => acc + yi * R[i], 0);
      };
      loss();
      const g = {
        dx: new Float64Array(B * T * H * P),
        ddt: new Float64Array(B * T * H),
        dA: new Float64Array(H),
        dB: new Float64Array(B * T * G * N),
        dC: new Float64Array(B * T * G * N),
        dD: new Float64Array(H),
      };
      ssdBackwardRef(g, { ...x, dout: R }, s);
      const pairs = [
        [x.x, g.dx, 'dx'],
        [x.dt, g.ddt, 'ddt'],
        [x.A, g.dA, 'dA'],
        [x.Bm, g.dB, 'dB'],
        [x.C, g.dC, 'dC'],
        [x.D, g.dD, 'dD'],
      ] as const;
      for (const [input, grad, name] of pairs)
        checkGradient(loss, input, grad, { eps: 1e-5, rng, label: `case ${c} ${name} ${JSON.stringify(s)}` });
    }
  });

  it(`GPU matches the CPU reference on ${CASES} random cases and at P = N = 128`, async () => {
    const big: SsdCase = { B: 1, T: 6, H: 2, P: 128, N: 128, G: 1, withState: true };
    const cases = Array.from({ length: CASES + 1 }, (_, c): Case<SsdBackwardArgs> => {
      const s = c < CASES ? ssdCase(rng, c) : big;
      const { B, T, H, P, N, G } = s;
      const { inputs, y } = forwardOf(rng, s);
      const accumulate = Object.fromEntries(GRADS.map((k, i) => [k, (c + i) % 3 === 0]));
      return {
        label: JSON.stringify(s),
        inputs: { ...inputs, y, dout: randn(rng, B * T * H * P) },
        outputs: {
          dx: randn(rng, B * T * H * P),
          ddt: randn(rng, B * T * H),
          dA: randn(rng, H),
          dB: randn(rng, B * T * G * N),
          dC: randn(rng, B * T * G * N),
          dD: randn(rng, H),
        },
        args: (t) => ({
          ...s,
          dx: t.dx,
          ddt: t.ddt,
          dA: t.dA,
          dB: t.dB,
          dC: t.dC,
          dD: t.dD,
          x: t.x,
          dt: t.dt,
          A: t.A,
          Bm: t.Bm,
          C: t.C,
          D: t.D,
          y: t.y,
          state: t.state,
          dout: t.dout,
          accumulate,
        }),
        atol: { dx: 1e-4, ddt: 1e-4, dA: 1e-4, dB: 1e-4, dC: 1e-4, dD: 1e-4 },
      };
    });
    await compareBackends(ssdBackward, cases);
  });
});
