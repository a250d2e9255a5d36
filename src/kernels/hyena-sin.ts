// Hyena's implicit-filter activation (safari's Sin): y[r, c] = sin(w[c]·x[r, c]) with a learnable
// frequency per column, and its backward: dx = dy·w·cos(w·x), dw[c] = Σ_r dy·x·cos(w·x) (a column sum
// in fixed order, no atomics).
import type { KernelDef } from './backend';
import { grid, prepareDispatch, withScratch } from './dispatch';
import { checkSizes, sumRows, type Floats } from './elementwise';
import { Tensor } from './tensor';
import code from './hyena-sin.wgsl?raw';

export interface SinFreqSizes {
  rows: number;
  cols: number;
}
export interface SinFreqArgs extends SinFreqSizes {
  y: Tensor; // (rows, cols)
  x: Tensor; // (rows, cols)
  freq: Tensor; // (cols)
}
export interface SinFreqBackwardArgs extends SinFreqSizes {
  dx: Tensor;
  dfreq: Tensor;
  x: Tensor;
  freq: Tensor;
  dy: Tensor;
  accumulate?: boolean;
  accumulateFreq?: boolean;
}

type Vals = ArrayLike<number>;

export function sinFreqRef(y: Floats, x: Vals, w: Vals, s: SinFreqSizes): void {
  for (let i = 0; i < s.rows * s.cols; i++) y[i] = Math.sin(w[i % s.cols] * x[i]);
}

export function sinFreqBackwardRef(
  dx: Floats,
  dw: Floats,
  x: Vals,
  w: Vals,
  dy: Vals,
  s: SinFreqSizes & { accumulate?: boolean; accumulateFreq?: boolean },
): void {
  const sums = new Float64Array(s.cols);
  for (let i = 0; i < s.rows * s.cols; i++) {
    const c = i % s.cols;
    const g = dy[i] * Math.cos(w[c] * x[i]);
    dx[i] = (s.accumulate ? dx[i] : 0) + g * w[c];
    sums[c] += g * x[i];
  }
  for (let c = 0; c < s.cols; c++) dw[c] = (s.accumulateFreq ? dw[c] : 0) + sums[c];
}

function check(name: string, s: SinFreqSizes, full: Tensor[], freq: Tensor[]): void {
  checkSizes(name, s.rows * s.cols, full);
  checkSizes(name, s.cols, freq);
}

export const sinFreq: KernelDef<SinFreqArgs> = {
  name: 'sinFreq',
  cpu(a) {
    check('sinFreq', a, [a.y, a.x], [a.freq]);
    return () => sinFreqRef(a.y.f32, a.x.f32, a.freq.f32, a);
  },
  gpu(gpu, a) {
    check('sinFreq', a, [a.y, a.x], [a.freq]);
    const n = a.rows * a.cols;
    return prepareDispatch(gpu, {
      kernel: { name: 'sinFreq.forward', code, entry: 'forward' },
      buffers: [a.y, a.x, a.freq],
      u32: [n, a.cols, 0],
      workgroups: grid(n, 256),
    });
  },
};

export const sinFreqBackward: KernelDef<SinFreqBackwardArgs> = {
  name: 'sinFreqBackward',
  cpu(a) {
    check('sinFreqBackward', a, [a.dx, a.x, a.dy], [a.freq, a.dfreq]);
    return () => sinFreqBackwardRef(a.dx.f32, a.dfreq.f32, a.x.f32, a.freq.f32, a.dy.f32, a);
  },
  gpu(gpu, a) {
    check('sinFreqBackward', a, [a.dx, a.x, a.dy], [a.freq, a.dfreq]);
    const n = a.rows * a.cols;
    const buf = gpu.pool.acquire(n * 4, 'sinFreq dw products');
    const prod = new Tensor([a.rows, a.cols], 'f32', 'sinFreq dw products', buf);
    const elementwise = prepareDispatch(gpu, {
      kernel: { name: 'sinFreq.backward', code, entry: 'backward' },
      buffers: [a.dx, a.x, a.freq, a.dy, buf],
      u32: [n, a.cols, a.accumulate ? 1 : 0],
      workgroups: grid(n, 256),
    });
    const sum = sumRows.gpu(gpu, {
      out: a.dfreq,
      x: prod,
      rows: a.rows,
      cols: a.cols,
      accumulate: a.accumulateFreq,
    });
    const step = withScratch(gpu, [elementwise, sum], [buf]);
    return {
      ...step,
      release() {
        step.release?.();
        sum.release?.();
      },
    };
  },
};
