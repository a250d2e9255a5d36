// RMSNorm (LLaMA/OLMo): out = x / √(mean(x²) + eps) · weight over rows of width D, saving the per-row
// rstd for backward. Backward writes dx (a workgroup per row) and dweight (two-pass column sums).
import type { KernelDef } from './backend';
import { grid, prepareDispatch, withScratch } from './dispatch';
import { checkSizes, prepareColumnSum, rowsPerBlock, type Floats } from './elementwise';
import type { Tensor } from './tensor';
import code from './rmsnorm.wgsl?raw';

export interface RmsnormArgs {
  out: Tensor;
  /** (rows) 1/√(mean(x²) + eps), saved for backward. */
  rstd: Tensor;
  x: Tensor;
  weight: Tensor;
  rows: number;
  D: number;
  eps: number;
}

export interface RmsnormBackwardArgs {
  dx: Tensor;
  dweight: Tensor;
  x: Tensor;
  weight: Tensor;
  rstd: Tensor;
  dy: Tensor;
  rows: number;
  D: number;
  /** dx += instead of dx =. */
  accumulate?: boolean;
  /** dweight += instead of dweight = (its own flag: the weight's first contribution may come later). */
  accumulateParams?: boolean;
}

type Vals = ArrayLike<number>;

export function rmsnormRef(
  out: Floats,
  rstd: Floats,
  x: Vals,
  weight: Vals,
  rows: number,
  D: number,
  eps: number,
): void {
  for (let r = 0; r < rows; r++) {
    let ss = 0;
    for (let i = 0; i < D; i++) ss += x[r * D + i] ** 2;
    const s = 1 / Math.sqrt(ss / D + eps);
    rstd[r] = s;
    for (let i = 0; i < D; i++) out[r * D + i] = x[r * D + i] * s * weight[i];
  }
}

export function rmsnormBackwardRef(
  dx: Floats,
  dweight: Floats,
  x: Vals,
  weight: Vals,
  rstd: Vals,
  dy: Vals,
  rows: number,
  D: number,
  o: { accumulate?: boolean; accumulateParams?: boolean } = {},
): void {
  const dw = new Float64Array(D);
  for (let r = 0; r < rows; r++) {
    const s = rstd[r];
    let dot = 0; // Σ g ⊙ x̂
    for (let i = 0; i < D; i++) dot += dy[r * D + i] * weight[i] * x[r * D + i] * s;
    for (let i = 0; i < D; i++) {
      const k = r * D + i;
      const xh = x[k] * s;
      const v = s * (dy[k] * weight[i] - (xh * dot) / D);
      dx[k] = o.accumulate ? dx[k] + v : v;
      dw[i] += dy[k] * xh;
    }
  }
  for (let i = 0; i < D; i++) dweight[i] = o.accumulateParams ? dweight[i] + dw[i] : dw[i];
}

/** Workgroup size of the per-row kernels: a power of two (at most 256) giving each invocation about
 *  four values of the row. Small workgroups also keep CPU emulation (SwiftShader) fast at barriers. */
export function rowWorkgroup(D: number): number {
  return Math.min(256, 2 ** Math.ceil(Math.log2(Math.ceil(D / 4))));
}

function check(
  name: string,
  a: RmsnormArgs | RmsnormBackwardArgs,
  tensors: Tensor[],
  perRow: Tensor[],
): void {
  checkSizes(name, a.rows * a.D, tensors);
  checkSizes(name, a.D, [a.weight]);
  checkSizes(name, a.rows, perRow);
}

export const rmsnorm: KernelDef<RmsnormArgs> = {
  name: 'rmsnorm',
  cpu(a) {
    check('rmsnorm', a, [a.out, a.x], [a.rstd]);
    return () => rmsnormRef(a.out.f32, a.rstd.f32, a.x.f32, a.weight.f32, a.rows, a.D, a.eps);
  },
  gpu(gpu, a) {
    check('rmsnorm', a, [a.out, a.x], [a.rstd]);
    return prepareDispatch(gpu, {
      kernel: { name: 'rmsnorm', code, entry: 'forward', constants: { WG: rowWorkgroup(a.D) } },
      buffers: [a.out, a.rstd, a.x, a.weight],
      u32: [a.rows, a.D, 0, 0],
      f32: [a.eps],
      workgroups: grid(a.rows, 1),
    });
  },
};

export const rmsnormBackward: KernelDef<RmsnormBackwardArgs> = {
  name: 'rmsnormBackward',
  cpu(a) {
    check('rmsnormBackward', a, [a.dx, a.x, a.dy], [a.rstd]);
    checkSizes('rmsnormBackward', a.D, [a.dweight]);
    return () =>
      rmsnormBackwardRef(
        a.dx.f32,
        a.dweight.f32,
        a.x.f32,
        a.weight.f32,
        a.rstd.f32,
        a.dy.f32,
        a.rows,
        a.D,
        a,
      );
  },
  gpu(gpu, a) {
    check('rmsnormBackward', a, [a.dx, a.x, a.dy], [a.rstd]);
    checkSizes('rmsnormBackward', a.D, [a.dweight]);
    const per = rowsPerBlock(a.rows);
    const blocks = Math.ceil(a.rows / per);
    const partials = gpu.pool.acquire(blocks * a.D * 4, 'rmsnorm dweight partials');
    const u32 = [a.rows, a.D, per, a.accumulate ? 1 : 0];
    const dxStep = prepareDispatch(gpu, {
      kernel: { name: 'rmsnormBackward', code, entry: 'backward', constants: { WG: rowWorkgroup(a.D) } },
      buffers: [a.dx, a.dy, a.x, a.weight, a.rstd],
      u32,
      f32: [0],
      workgroups: grid(a.rows, 1),
    });
    const partialStep = prepareDispatch(gpu, {
      kernel: { name: 'rmsnormBackward.dweight', code, entry: 'dweight' },
      buffers: [partials, a.dy, a.x, a.rstd],
      u32,
      f32: [0],
      workgroups: [Math.ceil(a.D / 64), blocks],
    });
    const sumStep = prepareColumnSum(gpu, a.dweight, partials, {
      rows: blocks,
      cols: a.D,
      accumulate: a.accumulateParams,
    });
    return withScratch(gpu, [dxStep, partialStep, sumStep], [partials]);
  },
};
