// Gated DeltaNet forward: GPU vs the f64 CPU reference on random shapes; decode steps vs the forward.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import { gdnRecurrence, gdnStateBytes, gdnStep, type GdnArgs, type GdnStepArgs } from './gdn';
import { GDN, gdnCase, type GdnInputs } from './gdn-cases';
import { expectStepsMatchForward, forwardCase, stepCase } from './matrix-state-testing';
import { compareBackends } from './testing';

const CASES = 32;

describe('gdnRecurrence', () => {
  const rng = new Rng(42);

  it(`GPU matches the CPU reference on ${CASES} random cases and at Dk = Dv = 128`, async () => {
    const cases = Array.from({ length: CASES }, (_, c) => {
      const s = gdnCase(rng, c);
      return forwardCase<GdnInputs, GdnArgs>(GDN, rng, s, JSON.stringify(s));
    });
    cases.push(forwardCase(GDN, rng, { B: 1, T: 3, H: 2, Dk: 128, Dv: 128, withState: true }, '128 × 128'));
    // The state is updated in place, so the second run of compareBackends starts from the first's end.
    await compareBackends(gdnRecurrence, cases);
  });

  it('the decode step matches the CPU reference', async () => {
    const cases = [0, 1, 2, 3].map((c) => stepCase<GdnInputs, GdnStepArgs>(GDN, rng, gdnCase(rng, c)));
    await compareBackends(gdnStep, cases);
  });

  it('decode steps reproduce the parallel forward', async () => {
    await expectStepsMatchForward(GDN, rng, gdnRecurrence, gdnStep);
    expect(gdnStateBytes(3, 16, 24)).toBe(3 * 16 * 24 * 4);
  });
});
