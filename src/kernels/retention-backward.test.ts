// Retention backward: CPU reference vs finite differences of sum(o ⊙ R); GPU vs CPU on random shapes.
import { describe, it } from 'vitest';
import { Rng } from '../data/rng';
import { expectBackwardRefPassesFd, forwardOf } from './matrix-state-testing';
import { retentionBackward, type RetentionBackwardArgs } from './retention-backward';
import { RETENTION, retentionCase, type RetentionCase } from './retention-cases';
import { compareBackends, randn, type Case } from './testing';

const CASES = 32;

describe('retentionBackward', () => {
  const rng = new Rng(43);

  it('CPU reference passes finite differences of sum(o ⊙ R)', () =>
    expectBackwardRefPassesFd(RETENTION, rng, [
      { B: 2, T: 7, H: 3, Dk: 3, Dv: 4, chunk: 3 },
      { B: 1, T: 1, H: 1, Dk: 2, Dv: 1 },
      { B: 1, T: 9, H: 2, Dk: 5, Dv: 2, chunk: 4 },
    ]));

  it(`GPU matches the CPU reference on ${CASES} random cases and at Dk = Dv = 128`, async () => {
    const big: RetentionCase = { B: 1, T: 6, H: 1, Dk: 128, Dv: 128, chunk: 4, withState: true };
    const cases = Array.from({ length: CASES + 1 }, (_, c): Case<RetentionBackwardArgs> => {
      const s = c < CASES ? retentionCase(rng, c) : big;
      const { B, T, H, Dk, Dv } = s;
      const { inputs, chunkStates } = forwardOf(RETENTION, rng, s);
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
