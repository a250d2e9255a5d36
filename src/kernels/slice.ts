// Column slices of (rows, stride) matrices for split projections: sliceCols and its backward scatterCols.
import type { KernelDef } from './backend';
import { grid, prepareDispatch } from './dispatch';
import { checkSizes, type Floats } from './elementwise';
import type { Tensor } from './tensor';
import code from './slice.wgsl?raw';

export interface ColumnRange {
  rows: number;
  /** Columns of the slice, starting at column `offset` of the wide matrix of `stride` columns. */
  cols: number;
  offset: number;
  stride: number;
  accumulate?: boolean;
}
/** out (rows, cols) (+)= x[:, offset : offset + cols], x (rows, stride). */
export interface SliceColsArgs extends ColumnRange {
  out: Tensor;
  x: Tensor;
}
/**
 * dx[:, offset : offset + cols] (+)= dy, dx (rows, stride), dy (rows, cols). Overwriting zeroes the
 * other columns of dx (the first gradient contribution); accumulating leaves them as they are.
 */
export interface ScatterColsArgs extends ColumnRange {
  dx: Tensor;
  dy: Tensor;
}

// ---- CPU references

export function sliceColsRef(out: Floats, x: ArrayLike<number>, s: ColumnRange): void {
  for (let r = 0; r < s.rows; r++)
    for (let j = 0; j < s.cols; j++) {
      const v = x[r * s.stride + s.offset + j];
      out[r * s.cols + j] = s.accumulate ? out[r * s.cols + j] + v : v;
    }
}

export function scatterColsRef(dx: Floats, dy: ArrayLike<number>, s: ColumnRange): void {
  if (!s.accumulate) dx.fill(0, 0, s.rows * s.stride);
  for (let r = 0; r < s.rows; r++)
    for (let j = 0; j < s.cols; j++) dx[r * s.stride + s.offset + j] += dy[r * s.cols + j];
}

// ---- GPU dispatch

const WG = 256;

/** Checks the range and the sizes of the wide and the narrow tensor. */
function check(name: string, s: ColumnRange, wide: Tensor, narrow: Tensor): void {
  if (s.offset + s.cols > s.stride)
    throw new Error(`${name}: columns ${s.offset}..${s.offset + s.cols} exceed the width ${s.stride}.`);
  checkSizes(name, s.rows * s.stride, [wide]);
  checkSizes(name, s.rows * s.cols, [narrow]);
}

function columnKernel<A extends ColumnRange>(
  entry: 'slice' | 'scatter',
  name: string,
  tensors: (a: A) => { dst: Tensor; src: Tensor; wide: Tensor; narrow: Tensor },
  ref: (a: A) => void,
): KernelDef<A> {
  return {
    name,
    cpu(a) {
      const t = tensors(a);
      check(name, a, t.wide, t.narrow);
      return () => ref(a);
    },
    gpu(gpu, a) {
      const t = tensors(a);
      check(name, a, t.wide, t.narrow);
      return prepareDispatch(gpu, {
        kernel: { name: `slice.${entry}`, code, entry },
        buffers: [t.dst, t.src],
        u32: [a.rows, a.cols, a.stride, a.offset, a.accumulate ? 1 : 0],
        workgroups: grid(a.rows * (entry === 'slice' ? a.cols : a.stride), WG),
      });
    },
  };
}

export const sliceCols = columnKernel<SliceColsArgs>(
  'slice',
  'sliceCols',
  (a) => ({ dst: a.out, src: a.x, wide: a.x, narrow: a.out }),
  (a) => sliceColsRef(a.out.f32, a.x.f32, a),
);
export const scatterCols = columnKernel<ScatterColsArgs>(
  'scatter',
  'scatterCols',
  (a) => ({ dst: a.dx, src: a.dy, wide: a.dx, narrow: a.dy }),
  (a) => scatterColsRef(a.dx.f32, a.dy.f32, a),
);
