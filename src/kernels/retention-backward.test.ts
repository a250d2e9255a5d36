// Retention backward: CPU reference vs finite differences of sum(o ⊙ R); GPU vs CPU on random shapes.
import { describe, it } from 'vitest';
import { Rng } from '../data/rng';
import { retentionChunking, retentionRef, type RetentionSizes } from './retention';
import { retentionBackward, retentionBackwardRef, type RetentionBackwardArgs } from './retention-backward';
import { retentionCase, retentionInputs, type RetentionCase } from './retention-cases';
import { checkGradient, compareBackends, randn, type Case } from './testing';

const CASES = 32;

/** Forward inputs and the chunk-start states the forward saves for them. */
function forwardOf(rng: Rng, s: RetentionCase) {
  const { B, T, H, Dk, Dv } = s;
  const { state, ...inputs } = retentionInputs(rng, s);
  if (!s.withState) state.fill(0);
  const chunkStates = new Float32Array(B * H * retentionChunking(s).nChunks * Dk * Dv);
  retentionRef({ ...inputs, o: new Float32Array(B * T * H * Dv), chunkStates, state: state.slice() }, s);
  return { inputs, chunkStates };
}

describe('retentionBackward', () => {
  const rng = new Rng(43);

  it('CPU reference passes finite differences of sum(o ⊙ R)', () => {
    const shapes: RetentionSizes[] = [
      { B: 2, T: 7, H: 3, Dk: 3, Dv: 4, chunk: 3 },
      { B: 1, T: 1, H: 1, Dk: 2, Dv: 1 },
      { B: 1, T: 9, H: 2, Dk: 5, Dv: 2, chunk: 4 },
    ];
    for (const [c, s] of shapes.entries()) {
      const { B, T, H, Dk, Dv } = s;
      const data = retentionInputs(rng, s);
      const x = Object.fromEntries(Object.entries(data).map(([key, a]) => [key, Float64Array.from(a)])) as {
        [K in keyof typeof data]: Float64Array;
      };
      const R = Float64Array.from(randn(rng, B * T * H * Dv));
      const o = new Float64Array(B * T * H * Dv);
      const chunkStates = new Float64Array(B * H * retentionChunking(s).nChunks * Dk * Dv);
      const loss = () => {
        retentionRef({ ...x, o, chunkStates, state: x.state.slice() }, s);
        return o.reduce((acc, oi, i) => acc + oi * R[i], 0);
      };
      loss();
      const g = {
        dq: new Float64Array(B * T * H * Dk),
        dk: new Float64Array(B * T * H * Dk),
        dv: new Float64Array(B * T * H * Dv),
        dstate: new Float64Array(B * H * Dk * Dv),
      };
      retentionBackwardRef(g, { ...x, chunkStates, dout: R }, s);
      const pairs = [
        [x.q, g.dq, 'dq'],
        [x.k, g.dk, 'dk'],
        [x.v, g.dv, 'dv'],
        [x.state, g.dstate, 'dstate'],
      ] as const;
      for (const [input, grad, name] of pairs)
        checkGradient(loss, input, grad, { eps: 1e-5, rng, label: `case ${c} ${name} ${JSON.stringify(s)}` });
    }
  });

  it(`GPU matches the CPU reference on ${CASES} random cases and at Dk = Dv = 128`, async () => {
    const big: RetentionCase = { B: 1, T: 6, H: 1, Dk: 128, Dv: 128, chunk: 4, withState: true };
    const cases = Array.from({ length: CASES + 1 }, (_, c): Case<RetentionBackwardArgs> => {
      const s = c < CASES ? retentionCase(rng, c) : big;
      const { B, T, H, Dk, Dv } = s;
      const { inputs, chunkStates } = forwardOf(rng, s);
      // Every gradient is optional: leave one out in turn (dv alone is left out with dS_0 still wanted).
      const skip = ['', 'dq', 'dk', 'dv', 'dstate'][c % 5];
      const outputs = {
        dq: randn(rng, B * T * H * Dk),
        dk: randn(rng, B * T * H * Dk),
        dv: randn(rng, B * T * H * Dv),
        dstate: randn(rng, B * H * Dk * Dv),
      };
      const acc = c % 4 >= 2;
      return {
        label: `${JSON.stringify(s)} without ${skip || 'none'}`,
        inputs: { ...inputs, chunkStates, dout: randn(rng, B * T * H * Dv) },
        outputs: Object.fromEntries(Object.entries(outputs).filter(([k]) => k !== skip)),
        args: (t) => ({
          ...s,
          dq: t.dq,
          dk: t.dk,
          dv: t.dv,
          dstate: t.dstate,
          q: t.q,
          k: t.k,
          v: t.v,
          chunkStates: t.chunkStates,
          dout: t.dout,
          accumulate: { dq: acc, dk: !acc, dv: acc, dstate: !acc },
        }),
        atol: { dq: 1e-4, dk: 1e-4, dv: 1e-4, dstate: 1e-4 },
      };
    });
    await compareBackends(retentionBackward, cases);
  });
});
