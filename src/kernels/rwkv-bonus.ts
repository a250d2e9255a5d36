// RWKV-7's bonus term (the current token's own contribution, LAYERS.md): per head
// out = (Σ_n r ⊙ k ⊙ r_k)·v over (rows, H, N), r_k (H, N); and its backward.
import type { KernelDef } from './backend';
import { grid, prepareDispatch, withScratch } from './dispatch';
import { checkSizes, prepareColumnSum, rowsPerBlock, type Floats } from './elementwise';
import type { Tensor } from './tensor';
import code from './rwkv-bonus.wgsl?raw';
import backwardCode from './rwkv-bonus-backward.wgsl?raw';

export interface BonusSizes {
  /** B·T. */
  rows: number;
  H: number;
  N: number;
}

export interface BonusArgs extends BonusSizes {
  out: Tensor;
  r: Tensor;
  k: Tensor;
  v: Tensor;
  rk: Tensor;
  accumulate?: boolean;
}

export interface BonusBackwardArgs extends BonusSizes {
  dr: Tensor;
  dk: Tensor;
  dv: Tensor;
  drk: Tensor;
  r: Tensor;
  k: Tensor;
  v: Tensor;
  rk: Tensor;
  dout: Tensor;
  /** Add into dr, dk, dv (all, or each as given) and, with `accumulateRk`, into drk. */
  accumulate?: boolean | { dr?: boolean; dk?: boolean; dv?: boolean };
  accumulateRk?: boolean;
}

type Vals = ArrayLike<number>;

const scaleOf = (r: Vals, k: Vals, rk: Vals, e: number, s: BonusSizes) => {
  let acc = 0;
  for (let n = 0; n < s.N; n++) acc += r[e * s.N + n] * k[e * s.N + n] * rk[(e % s.H) * s.N + n];
  return acc;
};

export function bonusRef(
  out: Floats,
  r: Vals,
  k: Vals,
  v: Vals,
  rk: Vals,
  s: BonusSizes,
  accumulate = false,
): void {
  for (let e = 0; e < s.rows * s.H; e++) {
    const sc = scaleOf(r, k, rk, e, s);
    for (let n = 0; n < s.N; n++) {
      const i = e * s.N + n;
      out[i] = (accumulate ? out[i] : 0) + sc * v[i];
    }
  }
}

/** The accumulate flags as bits: 1 dr, 2 dk, 4 dv. */
function accumulateBits(acc: BonusBackwardArgs['accumulate']): number {
  const on = (k: 'dr' | 'dk' | 'dv') => (typeof acc === 'object' ? acc[k] : acc) === true;
  return (on('dr') ? 1 : 0) | (on('dk') ? 2 : 0) | (on('dv') ? 4 : 0);
}

export function bonusBackwardRef(
  o: { dr: Floats; dk: Floats; dv: Floats; drk: Floats },
  x: { r: Vals; k: Vals; v: Vals; rk: Vals; dout: Vals },
  s: BonusSizes,
  accumulate: BonusBackwardArgs['accumulate'] = false,
  accumulateRk = false,
): void {
  const bits = accumulateBits(accumulate);
  const put = (out: Floats, i: number, v: number, bit: number) => (out[i] = (bits & bit ? out[i] : 0) + v);
  if (!accumulateRk) o.drk.fill(0, 0, s.H * s.N);
  for (let e = 0; e < s.rows * s.H; e++) {
    const sc = scaleOf(x.r, x.k, x.rk, e, s);
    let ds = 0;
    for (let n = 0; n < s.N; n++) ds += x.dout[e * s.N + n] * x.v[e * s.N + n];
    for (let n = 0; n < s.N; n++) {
      const [i, w] = [e * s.N + n, x.rk[(e % s.H) * s.N + n]];
      put(o.dv, i, sc * x.dout[i], 4);
      put(o.dr, i, ds * x.k[i] * w, 1);
      put(o.dk, i, ds * x.r[i] * w, 2);
      o.drk[(e % s.H) * s.N + n] += ds * x.r[i] * x.k[i];
    }
  }
}

function check(name: string, s: BonusSizes, full: Tensor[], rk: Tensor): void {
  for (const [key, v] of Object.entries(s))
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`${name}: ${key}=${v} must be a whole number ≥ 1.`);
  checkSizes(name, s.rows * s.H * s.N, full);
  checkSizes(name, s.H * s.N, [rk]);
}

const sizes = (a: BonusSizes): BonusSizes => ({ rows: a.rows, H: a.H, N: a.N });

export const bonus: KernelDef<BonusArgs> = {
  name: 'rwkvBonus',
  cpu(a) {
    check('rwkvBonus', sizes(a), [a.out, a.r, a.k, a.v], a.rk);
    return () => bonusRef(a.out.f32, a.r.f32, a.k.f32, a.v.f32, a.rk.f32, a, a.accumulate);
  },
  gpu(gpu, a) {
    check('rwkvBonus', sizes(a), [a.out, a.r, a.k, a.v], a.rk);
    return prepareDispatch(gpu, {
      kernel: { name: 'rwkvBonus', code, entry: 'forward' },
      buffers: [a.out, a.r, a.k, a.v, a.rk],
      u32: [a.rows, a.H, a.N, a.accumulate ? 1 : 0],
      workgroups: grid(a.rows * a.H, 64),
    });
  },
};

export const bonusBackward: KernelDef<BonusBackwardArgs> = {
  name: 'rwkvBonusBackward',
  cpu(a) {
    check('rwkvBonusBackward', sizes(a), [a.dr, a.dk, a.dv, a.r, a.k, a.v, a.dout], a.rk);
    checkSizes('rwkvBonusBackward', a.H * a.N, [a.drk]);
    return () =>
      bonusBackwardRef(
        { dr: a.dr.f32, dk: a.dk.f32, dv: a.dv.f32, drk: a.drk.f32 },
        { r: a.r.f32, k: a.k.f32, v: a.v.f32, rk: a.rk.f32, dout: a.dout.f32 },
        a,
        a.accumulate,
        a.accumulateRk,
      );
  },
  gpu(gpu, a) {
    check('rwkvBonusBackward', sizes(a), [a.dr, a.dk, a.dv, a.r, a.k, a.v, a.dout], a.rk);
    checkSizes('rwkvBonusBackward', a.H * a.N, [a.drk]);
    const { rows, H, N } = a;
    const count = rows * H * N;
    const acc = accumulateBits(a.accumulate);
    // Scratch: ds (rows·H), the per-row terms of dr_k (rows, H·N), the block partials of their column sum.
    const per = rowsPerBlock(rows);
    const blocks = Math.ceil(rows / per);
    const ds = gpu.pool.acquire(rows * H * 4, 'rwkvBonusBackward ds');
    const partial = gpu.pool.acquire(count * 4, 'rwkvBonusBackward terms');
    const sums = gpu.pool.acquire(blocks * H * N * 4, 'rwkvBonusBackward partials');
    const steps = [
      prepareDispatch(gpu, {
        kernel: { name: 'rwkvBonusBackward.scale', code, entry: 'backward' },
        buffers: [a.dv, a.r, a.k, a.v, a.rk, a.dout, ds],
        u32: [rows, H, N, (acc >> 2) & 1],
        workgroups: grid(rows * H, 64),
      }),
      prepareDispatch(gpu, {
        kernel: { name: 'rwkvBonusBackward', code: backwardCode },
        buffers: [a.dr, a.dk, partial, ds, a.r, a.k, a.rk],
        u32: [count, H, N, acc],
        workgroups: grid(count, 256),
      }),
      // Two-pass column sum in fixed order (as sumRows): blocks of rows, then the blocks.
      prepareColumnSum(gpu, sums, partial, { rows, cols: H * N, rowsPerBlock: per }),
      prepareColumnSum(gpu, a.drk, sums, { rows: blocks, cols: H * N, accumulate: a.accumulateRk }),
    ];
    return withScratch(gpu, steps, [ds, partial, sums]);
  },
};
