// RMSNorm (LLaMA/OLMo): out = x / √(mean(x²) + eps) · weight over rows of width D, saving the per-row
// rstd for backward. Backward writes dx (a workgroup or an invocation per row, see NormPlan) and
// dweight (two-pass column sums).
import type { KernelDef } from './backend';
import { withScratch } from './dispatch';
import { checkSizes, prepareColumnSum, type Floats } from './elementwise';
import {
  checkNorm,
  normCode,
  prepareNormBackward,
  prepareNormForward,
  type NormBackwardOptions,
  type NormPlanOption,
} from './norm-common';
import type { Tensor } from './tensor';
import own from './rmsnorm.wgsl?raw';

export { rowWorkgroup } from './norm-common';

const code = normCode(own);

export interface RmsnormArgs extends NormPlanOption {
  out: Tensor;
  /** (rows) 1/√(mean(x²) + eps), saved for backward. */
  rstd: Tensor;
  x: Tensor;
  weight: Tensor;
  rows: number;
  D: number;
  eps: number;
}

export interface RmsnormBackwardArgs extends NormBackwardOptions {
  dx: Tensor;
  dweight: Tensor;
  x: Tensor;
  weight: Tensor;
  rstd: Tensor;
  dy: Tensor;
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
  o: Omit<NormBackwardOptions, 'rows' | 'D'> = {},
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

export const rmsnorm: KernelDef<RmsnormArgs> = {
  name: 'rmsnorm',
  cpu(a) {
    checkNorm('rmsnorm', a, [a.out, a.x], [a.rstd]);
    return () => rmsnormRef(a.out.f32, a.rstd.f32, a.x.f32, a.weight.f32, a.rows, a.D, a.eps);
  },
  gpu(gpu, a) {
    checkNorm('rmsnorm', a, [a.out, a.x], [a.rstd]);
    return prepareNormForward(gpu, 'rmsnorm', code, [a.out, a.rstd, a.x, a.weight], a);
  },
};

export const rmsnormBackward: KernelDef<RmsnormBackwardArgs> = {
  name: 'rmsnormBackward',
  cpu(a) {
    checkNorm('rmsnormBackward', a, [a.dx, a.x, a.dy], [a.rstd]);
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
    checkNorm('rmsnormBackward', a, [a.dx, a.x, a.dy], [a.rstd]);
    checkSizes('rmsnormBackward', a.D, [a.dweight]);
    const { steps, partials, blocks } = prepareNormBackward(gpu, {
      name: 'rmsnormBackward',
      code,
      a,
      dxBuffers: [a.dx, a.dy, a.x, a.weight, a.rstd],
      paramEntry: 'dweight',
      paramBuffers: [a.dy, a.x, a.rstd],
      sums: 1,
      label: 'rmsnorm dweight partials',
    });
    const sumStep = prepareColumnSum(gpu, a.dweight, partials, {
      rows: blocks,
      cols: a.D,
      accumulate: a.accumulateParams,
    });
    return withScratch(gpu, [...steps, sumStep], [partials]);
  },
};
