// LayerNorm (GPT-2, RWKV): out = (x − mean)/√(var + eps) · weight + bias over rows of width D, saving
// per-row mean and rstd. Backward writes dx (a workgroup or an invocation per row, see NormPlan),
// dweight and dbias (two-pass column sums: per-block partials, then a fixed-order sum).
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
import own from './layernorm.wgsl?raw';

const code = normCode(own);

export interface LayernormArgs extends NormPlanOption {
  out: Tensor;
  /** (rows) saved for backward. */
  mean: Tensor;
  /** (rows) 1/√(var + eps), saved for backward. */
  rstd: Tensor;
  x: Tensor;
  weight: Tensor;
  bias: Tensor;
  rows: number;
  D: number;
  eps: number;
}

export interface LayernormBackwardArgs extends NormBackwardOptions {
  dx: Tensor;
  dweight: Tensor;
  dbias: Tensor;
  x: Tensor;
  weight: Tensor;
  mean: Tensor;
  rstd: Tensor;
  dy: Tensor;
}

type Vals = ArrayLike<number>;

export function layernormRef(
  out: Floats,
  mean: Floats,
  rstd: Floats,
  x: Vals,
  weight: Vals,
  bias: Vals,
  rows: number,
  D: number,
  eps: number,
): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = 0; i < D; i++) s += x[r * D + i];
    const mu = s / D;
    let ss = 0;
    for (let i = 0; i < D; i++) ss += (x[r * D + i] - mu) ** 2;
    const rs = 1 / Math.sqrt(ss / D + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let i = 0; i < D; i++) out[r * D + i] = (x[r * D + i] - mu) * rs * weight[i] + bias[i];
  }
}

export function layernormBackwardRef(
  dx: Floats,
  dweight: Floats,
  dbias: Floats,
  x: Vals,
  weight: Vals,
  mean: Vals,
  rstd: Vals,
  dy: Vals,
  rows: number,
  D: number,
  o: Omit<NormBackwardOptions, 'rows' | 'D'> = {},
): void {
  const dw = new Float64Array(D);
  const db = new Float64Array(D);
  for (let r = 0; r < rows; r++) {
    const [mu, rs] = [mean[r], rstd[r]];
    let sg = 0; // Σ g
    let sgx = 0; // Σ g ⊙ x̂
    for (let i = 0; i < D; i++) {
      const g = dy[r * D + i] * weight[i];
      sg += g;
      sgx += g * (x[r * D + i] - mu) * rs;
    }
    for (let i = 0; i < D; i++) {
      const k = r * D + i;
      const xh = (x[k] - mu) * rs;
      const v = rs * (dy[k] * weight[i] - sg / D - (xh * sgx) / D);
      dx[k] = o.accumulate ? dx[k] + v : v;
      dw[i] += dy[k] * xh;
      db[i] += dy[k];
    }
  }
  for (let i = 0; i < D; i++) {
    dweight[i] = o.accumulateParams ? dweight[i] + dw[i] : dw[i];
    dbias[i] = o.accumulateParams ? dbias[i] + db[i] : db[i];
  }
}

function check(name: string, a: LayernormArgs | LayernormBackwardArgs, perElement: Tensor[]): void {
  checkNorm(name, a, perElement, [a.mean, a.rstd]);
}

export const layernorm: KernelDef<LayernormArgs> = {
  name: 'layernorm',
  cpu(a) {
    check('layernorm', a, [a.out, a.x]);
    checkSizes('layernorm', a.D, [a.bias]);
    return () =>
      layernormRef(a.out.f32, a.mean.f32, a.rstd.f32, a.x.f32, a.weight.f32, a.bias.f32, a.rows, a.D, a.eps);
  },
  gpu(gpu, a) {
    check('layernorm', a, [a.out, a.x]);
    checkSizes('layernorm', a.D, [a.bias]);
    return prepareNormForward(gpu, 'layernorm', code, [a.out, a.mean, a.rstd, a.x, a.bias, a.weight], a);
  },
};

export const layernormBackward: KernelDef<LayernormBackwardArgs> = {
  name: 'layernormBackward',
  cpu(a) {
    check('layernormBackward', a, [a.dx, a.x, a.dy]);
    checkSizes('layernormBackward', a.D, [a.dweight, a.dbias]);
    return () =>
      layernormBackwardRef(
        a.dx.f32,
        a.dweight.f32,
        a.dbias.f32,
        a.x.f32,
        a.weight.f32,
        a.mean.f32,
        a.rstd.f32,
        a.dy.f32,
        a.rows,
        a.D,
        a,
      );
  },
  gpu(gpu, a) {
    check('layernormBackward', a, [a.dx, a.x, a.dy]);
    checkSizes('layernormBackward', a.D, [a.dweight, a.dbias]);
    const { steps, partials, blocks } = prepareNormBackward(gpu, {
      name: 'layernormBackward',
      code,
      a,
      dxBuffers: [a.dx, a.dy, a.mean, a.x, a.rstd, a.weight],
      paramEntry: 'dparams',
      paramBuffers: [a.dy, a.mean, a.x, a.rstd],
      sums: 2,
      label: 'layernorm dweight/dbias partials',
    });
    const sum = (out: Tensor, offset: number) =>
      prepareColumnSum(gpu, out, partials, {
        rows: blocks,
        cols: a.D,
        stride: 2 * a.D,
        offset,
        accumulate: a.accumulateParams,
      });
    return withScratch(gpu, [...steps, sum(a.dweight, 0), sum(a.dbias, a.D)], [partials]);
  },
};
