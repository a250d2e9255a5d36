// LayerNorm: GPU against the CPU reference (rows = 1, odd widths, many rows per dweight block,
// > 65535 rows), dx and dweight/dbias overwriting or accumulating, under both plans; finite differences
// for the backward.
import { describe, it } from 'vitest';
import { Rng } from '../data/rng';

import {
  NORM_EPS as EPS,
  NORM_PLANS,
  normDxTolerance as dxTolerance,
  normInput,
  normCases,
} from './norm-cases';
import { checkGradient, compareBackends, randn, type Case } from './testing';
import {
  layernorm,
  layernormBackward,
  layernormBackwardRef,
  layernormRef,
  type LayernormArgs,
  type LayernormBackwardArgs,
} from './layernorm';

/** x with a per-row offset and scale, so rows differ in mean and variance. */
const input = (rng: Rng, rows: number, D: number) => normInput(rng, rows, D, 3);

describe.each(NORM_PLANS)('layernorm, %s', (_, plan) => {
  const rng = new Rng(12);

  it('forward matches the CPU reference', async () => {
    const cases = normCases(rng, (rows, D): Case<LayernormArgs> => ({
      label: JSON.stringify({ rows, D }),
      inputs: { x: input(rng, rows, D), weight: randn(rng, D), bias: randn(rng, D) },
      outputs: { out: randn(rng, rows * D), mean: randn(rng, rows), rstd: randn(rng, rows) },
      args: (t) => ({
        out: t.out,
        mean: t.mean,
        rstd: t.rstd,
        x: t.x,
        weight: t.weight,
        bias: t.bias,
        rows,
        D,
        eps: EPS,
        plan,
      }),
    }));
    await compareBackends(layernorm, cases);
  });

  it('backward matches the CPU reference', async () => {
    const cases = normCases(rng, (rows, D, c): Case<LayernormBackwardArgs> => {
      const x = input(rng, rows, D);
      const weight = randn(rng, D);
      const [mean, rstd] = [new Float32Array(rows), new Float32Array(rows)];
      layernormRef(new Float32Array(rows * D), mean, rstd, x, weight, weight, rows, D, EPS);
      const accumulate = c % 2 === 1;
      const accumulateParams = c % 4 >= 2;
      const long = Math.max(1e-5, 1e-6 * rows);
      return {
        label: JSON.stringify({ rows, D, accumulate, accumulateParams }),
        inputs: { x, weight, mean, rstd, dy: randn(rng, rows * D) },
        outputs: { dx: randn(rng, rows * D), dweight: randn(rng, D), dbias: randn(rng, D) },
        args: (t) => ({
          dx: t.dx,
          dweight: t.dweight,
          dbias: t.dbias,
          x: t.x,
          weight: t.weight,
          mean: t.mean,
          rstd: t.rstd,
          dy: t.dy,
          rows,
          D,
          accumulate,
          accumulateParams,
          plan,
        }),
        atol: { dx: dxTolerance(rstd), dweight: long, dbias: long },
      };
    });
    await compareBackends(layernormBackward, cases);
  });
});

describe('layernorm reference', () => {
  const rng = new Rng(12);

  it('backward agrees with finite differences', () => {
    for (let c = 0; c < 8; c++) {
      const rows = 1 + rng.int(3);
      const D = 2 + rng.int(8);
      const x = Float64Array.from(input(rng, rows, D));
      const weight = Float64Array.from(randn(rng, D));
      const bias = Float64Array.from(randn(rng, D));
      const R = Float64Array.from(randn(rng, rows * D));
      const out = new Float64Array(rows * D);
      const [mean, rstd] = [new Float64Array(rows), new Float64Array(rows)];
      const loss = () => {
        layernormRef(out, mean, rstd, x, weight, bias, rows, D, EPS);
        return out.reduce((s, v, i) => s + v * R[i], 0);
      };
      loss();
      const dx = new Float64Array(rows * D);
      const [dweight, dbias] = [new Float64Array(D), new Float64Array(D)];
      layernormBackwardRef(dx, dweight, dbias, x, weight, mean, rstd, R, rows, D);
      const label = `layernorm ${rows}×${D}`;
      checkGradient(loss, x, dx, { label: `${label} dx` });
      checkGradient(loss, weight, dweight, { label: `${label} dweight` });
      checkGradient(loss, bias, dbias, { label: `${label} dbias` });
    }
  });
});
