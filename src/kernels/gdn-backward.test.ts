// Gated DeltaNet backward: CPU reference vs finite differences of sum(o ⊙ R); GPU vs CPU on random shapes.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import type { Gpu } from '../gpu/device';
import { gdnBackward, gdnBackwardPlan, prepareGdnBackward, type GdnBackwardArgs } from './gdn-backward';
import { GDN, GDN_TARGETS, gdnCase, type GdnCase } from './gdn-cases';
import { expectBackwardRefPassesFd, forwardOf } from './matrix-state-testing';
import { compareBackends, randn, type Case } from './testing';

const CASES = 32;

describe('gdnBackward', () => {
  const rng = new Rng(43);

  it('CPU reference passes finite differences of sum(o ⊙ R)', () =>
    expectBackwardRefPassesFd(GDN, rng, [
      { B: 2, T: 7, H: 2, Dk: 3, Dv: 4, chunk: 3 },
      { B: 1, T: 1, H: 1, Dk: 2, Dv: 1 },
      { B: 1, T: 9, H: 1, Dk: 5, Dv: 2, chunk: 4 },
    ]));

  it('plans the lanes kernel for software adapters while the state fits', () => {
    const sw = { isSoftware: true };
    expect(gdnBackwardPlan({ Dk: 12, Dv: 24 }, sw)).toBe('lanes');
    expect(gdnBackwardPlan({ Dk: 32, Dv: 64 }, sw)).toBe('lanes');
    expect(gdnBackwardPlan({ Dk: 64, Dv: 64 }, sw)).toBe('columns');
    expect(gdnBackwardPlan({ Dk: 12, Dv: 24 }, { isSoftware: false })).toBe('columns');
  });

  it.each(GDN_TARGETS)(`GPU, %s, matches the CPU reference on random cases`, async (_, target) => {
    // Then the widest state each plan takes: Dk = 32, Dv = 64 (lanes), Dk = Dv = 128 (columns).
    const [Dk, Dv] = target.isSoftware ? [32, 64] : [128, 128];
    const big: GdnCase = { B: 1, T: 6, H: 1, Dk, Dv, chunk: 4, withState: true };
    const cases = Array.from({ length: CASES + 1 }, (_, c): Case<GdnBackwardArgs> => {
      const s = c < CASES ? gdnCase(rng, c) : big;
      const { B, T, H, Dk, Dv } = s;
      const { inputs, chunkStates } = forwardOf(GDN, rng, s);
      const withDstate = c % 3 !== 2;
      return {
        label: JSON.stringify(s),
        inputs: { ...inputs, chunkStates, dout: randn(rng, B * T * H * Dv) },
        outputs: {
          dq: randn(rng, B * T * H * Dk),
          dk: randn(rng, B * T * H * Dk),
          dv: randn(rng, B * T * H * Dv),
          dbeta: randn(rng, B * T * H),
          dg: randn(rng, B * T * H),
          ...(withDstate ? { dstate: randn(rng, B * H * Dk * Dv) } : {}),
        },
        args: (t) => ({
          ...s,
          dq: t.dq,
          dk: t.dk,
          dv: t.dv,
          dbeta: t.dbeta,
          dg: t.dg,
          dstate: t.dstate,
          q: t.q,
          k: t.k,
          v: t.v,
          beta: t.beta,
          g: t.g,
          chunkStates: t.chunkStates,
          dout: t.dout,
          accumulate: c % 4 >= 2,
        }),
        atol: { dq: 1e-4, dk: 1e-4, dv: 1e-4, dbeta: 1e-4, dg: 1e-4, dstate: 1e-4 },
      };
    });
    const planned = {
      ...gdnBackward,
      gpu: (gpu: Gpu, a: GdnBackwardArgs) => prepareGdnBackward(gpu, a, target),
    };
    await compareBackends(planned, cases);
  });
});
