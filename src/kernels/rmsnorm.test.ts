// RMSNorm: GPU against the CPU reference (rows = 1, odd widths, many rows per dweight block,
// > 65535 rows), dx and dweight overwriting or accumulating; finite differences for the backward.
import { describe, it } from 'vitest';
import { Rng } from '../data/rng';

import { checkGradient, compareBackends, randn, type Case } from './testing';
import {
  rmsnorm,
  rmsnormBackward,
  rmsnormBackwardRef,
  rmsnormRef,
  type RmsnormArgs,
  type RmsnormBackwardArgs,
} from './rmsnorm';

const WIDTHS = [1, 3, 7, 65, 257, 32, 256, 1000];
const CASES = 56;
const EPS = 1e-5;

/** Case c's shape: rows = 1 first, then some large row counts (many rows per dweight block); the last
 *  case has more than 65535 rows (a 2-D grid of workgroups). */
function shape(rng: Rng, c: number): { rows: number; D: number } {
  if (c === CASES - 1) return { rows: 65537, D: 1 };
  const D = c < WIDTHS.length * 2 ? WIDTHS[c % WIDTHS.length] : 1 + rng.int(400);
  const rows = c < WIDTHS.length ? 1 : c % 7 === 0 ? 513 + rng.int(1500) : 1 + rng.int(40);
  return { rows: D > 256 && rows > 40 ? 40 : rows, D };
}

/** x with a per-row offset and scale, so rows differ in rms. */
function input(rng: Rng, rows: number, D: number): Float32Array {
  const x = randn(rng, rows * D);
  for (let r = 0; r < rows; r++) {
    const [shift, scale] = [rng.normal(), 0.2 + 3 * rng.next()];
    for (let i = 0; i < D; i++) x[r * D + i] = shift + scale * x[r * D + i];
  }
  return x;
}

/** dx is rstd times a difference of O(dy·w) terms, and GPUs may fuse multiply-adds (NVIDIA does):
 *  its rounding error grows with rstd, up to 1/√eps for D = 1. */
function dxTolerance(rstd: Float32Array): number {
  return 1e-6 * rstd.reduce((m, v) => Math.max(m, v), 10);
}

describe('rmsnorm', () => {
  const rng = new Rng(11);

  it('forward matches the CPU reference', async () => {
    const cases = Array.from({ length: CASES }, (_, c): Case<RmsnormArgs> => {
      const { rows, D } = shape(rng, c);
      return {
        label: JSON.stringify({ rows, D }),
        inputs: { x: input(rng, rows, D), weight: randn(rng, D) },
        outputs: { out: randn(rng, rows * D), rstd: randn(rng, rows) },
        args: (t) => ({ out: t.out, rstd: t.rstd, x: t.x, weight: t.weight, rows, D, eps: EPS }),
      };
    });
    await compareBackends(rmsnorm, cases);
  });

  it('backward matches the CPU reference', async () => {
    const cases = Array.from({ length: CASES }, (_, c): Case<RmsnormBackwardArgs> => {
      const { rows, D } = shape(rng, c);
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
        }),
        atol: { dx: dxTolerance(rstd), dweight: Math.max(1e-5, 1e-6 * rows) },
      };
    });
    await compareBackends(rmsnormBackward, cases);
  });

  it('backward reference agrees with finite differences', () => {
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
