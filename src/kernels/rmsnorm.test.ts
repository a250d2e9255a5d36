// RMSNorm: GPU against the CPU reference (rows = 1, odd widths, many rows per dweight block,
// > 65535 rows), dx and dweight overwriting or accumulating, under both plans; finite differences for
// the backward; the plan chosen per adapter.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';

import {
  NORM_EPS as EPS,
  NORM_PLANS,
  normDxTolerance as dxTolerance,
  normInput,
  normCases,
} from './norm-cases';
import { normPlan } from './norm-common';
import { checkGradient, compareBackends, randn, type Case } from './testing';
import {
  rmsnorm,
  rmsnormBackward,
  rmsnormBackwardRef,
  rmsnormRef,
  type RmsnormArgs,
  type RmsnormBackwardArgs,
} from './rmsnorm';

/** x with a per-row offset and scale, so rows differ in rms. */
const input = (rng: Rng, rows: number, D: number) => normInput(rng, rows, D, 1);

describe.each(NORM_PLANS)('rmsnorm, %s', (_, plan) => {
  const rng = new Rng(11);

  it('forward matches the CPU reference', async () => {
    const cases = normCases(rng, (rows, D): Case<RmsnormArgs> => ({
      label: JSON.stringify({ rows, D }),
      inputs: { x: input(rng, rows, D), weight: randn(rng, D) },
      outputs: { out: randn(rng, rows * D), rstd: randn(rng, rows) },
      args: (t) => ({ out: t.out, rstd: t.rstd, x: t.x, weight: t.weight, rows, D, eps: EPS, plan }),
    }));
    await compareBackends(rmsnorm, cases);
  });

  it('backward matches the CPU reference', async () => {
    const cases = normCases(rng, (rows, D, c): Case<RmsnormBackwardArgs> => {
      const x = input(rng, rows, D);
      const weight = randn(rng, D);
      const rstd = new Float32Array(rows);
      rmsnormRef(new Float32Array(rows * D), rstd, x, weight, rows, D, EPS);
      const accumulate = c % 2 === 1;
      const accumulateParams = c % 4 >= 2;
      return {
        label: JSON.stringify({ rows, D, accumulate, accumulateParams }),
        inputs: { x, weight, rstd, dy: randn(rng, rows * D) },
        outputs: { dx: randn(rng, rows * D), dweight: randn(rng, D) },
        args: (t) => ({
          dx: t.dx,
          dweight: t.dweight,
          x: t.x,
          weight: t.weight,
          rstd: t.rstd,
          dy: t.dy,
          rows,
          D,
          accumulate,
          accumulateParams,
          plan,
        }),
        atol: { dx: dxTolerance(rstd), dweight: Math.max(1e-5, 1e-6 * rows) },
      };
    });
    await compareBackends(rmsnormBackward, cases);
  });
});

describe('rmsnorm reference', () => {
  const rng = new Rng(11);

  it('backward agrees with finite differences', () => {
    for (let c = 0; c < 8; c++) {
      const rows = 1 + rng.int(3);
      const D = 2 + rng.int(8);
      const x = Float64Array.from(input(rng, rows, D));
      const weight = Float64Array.from(randn(rng, D));
      const R = Float64Array.from(randn(rng, rows * D));
      const out = new Float64Array(rows * D);
      const rstd = new Float64Array(rows);
      const loss = () => {
        rmsnormRef(out, rstd, x, weight, rows, D, EPS);
        return out.reduce((s, v, i) => s + v * R[i], 0);
      };
      loss();
      const dx = new Float64Array(rows * D);
      const dweight = new Float64Array(D);
      rmsnormBackwardRef(dx, dweight, x, weight, rstd, R, rows, D);
      checkGradient(loss, x, dx, { label: `rmsnorm dx ${rows}×${D}` });
      checkGradient(loss, weight, dweight, { label: `rmsnorm dweight ${rows}×${D}` });
    }
  });
});

describe('normPlan', () => {
  it('plans rows on software adapters and workgroups on GPUs; a forced plan wins', () => {
    expect(normPlan({ isSoftware: true })).toBe('rows');
    expect(normPlan({ isSoftware: false })).toBe('workgroups');
    expect(normPlan({ isSoftware: true }, 'workgroups')).toBe('workgroups');
    expect(normPlan({ isSoftware: false }, 'rows')).toBe('rows');
  });
});
