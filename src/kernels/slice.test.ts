// sliceCols / scatterCols: GPU vs CPU reference on random column ranges, CPU backward by FD.
import { describe, it } from 'vitest';
import { Rng } from '../data/rng';
import { checkGradient, compareBackends, randn, type Case } from './testing';
import {
  scatterCols,
  scatterColsRef,
  sliceCols,
  sliceColsRef,
  type ColumnRange,
  type ScatterColsArgs,
  type SliceColsArgs,
} from './slice';

const CASES = 56;

function range(rng: Rng, c: number): ColumnRange {
  const rows = c < 3 ? [1, 2, 1000][c] : 1 + rng.int(200);
  const stride = 1 + rng.int(c % 4 === 0 ? 2 : 70);
  const cols = c % 7 === 0 ? stride : 1 + rng.int(stride);
  return { rows, cols, stride, offset: rng.int(stride - cols + 1), accumulate: c % 2 === 1 };
}

describe('slice', () => {
  const rng = new Rng(5);

  it('sliceCols matches the CPU reference', async () => {
    const cases = Array.from({ length: CASES }, (_, c): Case<SliceColsArgs> => {
      const s = range(rng, c);
      return {
        label: JSON.stringify(s),
        inputs: { x: randn(rng, s.rows * s.stride) },
        outputs: { out: randn(rng, s.rows * s.cols) },
        args: (t) => ({ out: t.out, x: t.x, ...s }),
      };
    });
    await compareBackends(sliceCols, cases);
  });

  it('scatterCols matches the CPU reference', async () => {
    const cases = Array.from({ length: CASES }, (_, c): Case<ScatterColsArgs> => {
      const s = range(rng, c);
      return {
        label: JSON.stringify(s),
        inputs: { dy: randn(rng, s.rows * s.cols) },
        outputs: { dx: randn(rng, s.rows * s.stride) },
        args: (t) => ({ dx: t.dx, dy: t.dy, ...s }),
      };
    });
    await compareBackends(scatterCols, cases);
  });

  it('scatterCols is the gradient of sliceCols', () => {
    for (let c = 0; c < 6; c++) {
      const s = { ...range(rng, c + 3), rows: 1 + rng.int(5), accumulate: false };
      const x = Float64Array.from(randn(rng, s.rows * s.stride));
      const R = Float64Array.from(randn(rng, s.rows * s.cols));
      const dx = Float64Array.from(randn(rng, x.length));
      scatterColsRef(dx, R, s);
      const loss = () => {
        const out = new Float64Array(R.length);
        sliceColsRef(out, x, s);
        return out.reduce((a, v, i) => a + v * R[i], 0);
      };
      checkGradient(loss, x, dx, { label: `sliceCols ${JSON.stringify(s)}` });
    }
  });
});
