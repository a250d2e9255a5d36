// RWKV-7 WKV recurrence backward: f64 CPU reference (the adjoint Ŝ = ∂L/∂S) and the GPU passes: rows
// (Ŝ per value row → dv, dsa), columns (S and Ŝ per key column → the key-side gradients), unpack (chain
// rule to log w, κ, a). No barriers, no atomics. The initial state gets no gradient (training starts from
// zero; decode does not differentiate).
import type { Gpu } from '../gpu/device';
import type { GpuStep, KernelDef } from './backend';
import { grid, prepareDispatch, withScratch } from './dispatch';
import type { Floats } from './elementwise';
import type { Tensor } from './tensor';
import {
  WKV7_INPUTS,
  checkWkv7,
  prepareWkv7Pack,
  wkv7Chunking,
  wkv7Kernel,
  type Wkv7Inputs,
  type Wkv7Sizes,
} from './wkv7';
import rowsCode from './wkv7-backward-rows.wgsl?raw';
import colsCode from './wkv7-backward-cols.wgsl?raw';
import unpackCode from './wkv7-backward-unpack.wgsl?raw';

/** The gradients, each (B, T, H, N). */
export interface Wkv7Grads<V> {
  dr: V;
  dlogw: V;
  dk: V;
  dv: V;
  dkk: V;
  da: V;
}

export interface Wkv7BackwardArgs extends Wkv7Sizes, Wkv7Inputs<Tensor>, Wkv7Grads<Tensor> {
  /** The forward's sa and chunk-start states, saved with the same chunk length. */
  sa: Tensor; // (B, T, H, N)
  chunkStates: Tensor; // (B, H, nChunks, N, N)
  dy: Tensor; // (B, T, H, N)
  /** Add into the gradients instead of overwriting them: all, or per gradient. */
  accumulate?: boolean | Partial<Record<Wkv7Grad, boolean>>;
}

type Vals = ArrayLike<number>;

export interface Wkv7BackwardInputs extends Wkv7Inputs<Vals> {
  chunkStates: Vals;
  dy: Vals;
}

export const WKV7_GRADS = ['dr', 'dlogw', 'dk', 'dv', 'dkk', 'da'] as const;
export type Wkv7Grad = (typeof WKV7_GRADS)[number];

/** The accumulate flags as bits in WKV7_GRADS order (bit 3: dv). */
export function accumulateBits(acc: Wkv7BackwardArgs['accumulate']): number {
  return WKV7_GRADS.reduce((bits, k, i) => bits | ((typeof acc === 'object' ? acc[k] : acc) ? 1 << i : 0), 0);
}

/**
 * Plain-loop reference (f64): per (b, h), the states S_0 … S_T from the first chunk-start state, then
 * backwards in time with α = −κ, β = κ ⊙ a, sa = S_{t−1}α and Ŝ_t (after Ŝ_t += dy_t r_tᵀ):
 * dr = S_tᵀ dy; dv = Ŝ_t k; dk = Ŝ_tᵀ v; dw = diag(Ŝ_tᵀ S_{t−1}); dβ = Ŝ_tᵀ sa; dsa = Ŝ_t β;
 * dα = S_{t−1}ᵀ dsa; Ŝ_{t−1} = Ŝ_t diag(w) + dsa αᵀ; then d log w = dw·w, dκ = −dα + dβ ⊙ a, da = dβ ⊙ κ.
 */
export function wkv7BackwardRef(
  o: Wkv7Grads<Floats>,
  x: Wkv7BackwardInputs,
  s: Wkv7Sizes,
  accumulate: Wkv7BackwardArgs['accumulate'] = false,
): void {
  const { B, T, H, N } = s;
  const { nChunks } = wkv7Chunking(s);
  const NN = N * N;
  const bits = accumulateBits(accumulate);
  const adds = new Map(WKV7_GRADS.map((k, i) => [o[k], (bits >> i) & 1]));
  const put = (out: Floats, i: number, v: number) => {
    out[i] = adds.get(out) ? out[i] + v : v;
  };
  const S = new Float64Array((T + 1) * NN); // S[t·N² + i·N + j] = S_t[i][j]
  const sa = new Float64Array(T * N);
  const Sh = new Float64Array(NN);
  const [dw, dbeta, dalpha, dr, dk, dsa] = Array.from({ length: 6 }, () => new Float64Array(N));
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const bh = b * H + h;
      for (let e = 0; e < NN; e++) S[e] = x.chunkStates[bh * nChunks * NN + e];
      for (let t = 0; t < T; t++) {
        const o4 = ((b * T + t) * H + h) * N;
        for (let i = 0; i < N; i++) {
          let u = 0;
          for (let j = 0; j < N; j++) u -= S[t * NN + i * N + j] * x.kk[o4 + j];
          sa[t * N + i] = u;
          for (let j = 0; j < N; j++)
            S[(t + 1) * NN + i * N + j] =
              S[t * NN + i * N + j] * Math.exp(x.logw[o4 + j]) +
              u * x.kk[o4 + j] * x.a[o4 + j] +
              x.v[o4 + i] * x.k[o4 + j];
        }
      }
      Sh.fill(0);
      for (let t = T - 1; t >= 0; t--) {
        const o4 = ((b * T + t) * H + h) * N;
        const [prev, cur] = [t * NN, (t + 1) * NN];
        for (const d of [dw, dbeta, dalpha, dr, dk]) d.fill(0);
        for (let i = 0; i < N; i++) {
          const dyi = x.dy[o4 + i];
          let [dv, g] = [0, 0];
          for (let j = 0; j < N; j++) {
            const e = i * N + j;
            Sh[e] += dyi * x.r[o4 + j];
            dr[j] += S[cur + e] * dyi;
            dk[j] += Sh[e] * x.v[o4 + i];
            dw[j] += Sh[e] * S[prev + e];
            dbeta[j] += Sh[e] * sa[t * N + i];
            dv += Sh[e] * x.k[o4 + j];
            g += Sh[e] * x.kk[o4 + j] * x.a[o4 + j];
          }
          dsa[i] = g;
          put(o.dv, o4 + i, dv);
        }
        for (let i = 0; i < N; i++)
          for (let j = 0; j < N; j++) {
            const e = i * N + j;
            dalpha[j] += dsa[i] * S[prev + e];
            Sh[e] = Sh[e] * Math.exp(x.logw[o4 + j]) - dsa[i] * x.kk[o4 + j];
          }
        for (let j = 0; j < N; j++) {
          put(o.dr, o4 + j, dr[j]);
          put(o.dk, o4 + j, dk[j]);
          put(o.dlogw, o4 + j, dw[j] * Math.exp(x.logw[o4 + j]));
          put(o.dkk, o4 + j, dbeta[j] * x.a[o4 + j] - dalpha[j]);
          put(o.da, o4 + j, dbeta[j] * x.kk[o4 + j]);
        }
      }
    }
  }
}

function check(a: Wkv7BackwardArgs): { chunk: number; nChunks: number } {
  const { B, T, H, N } = a;
  const rows = B * T * H * N;
  const perRow = [...WKV7_INPUTS.map((k) => a[k]), ...WKV7_GRADS.map((k) => a[k]), a.sa, a.dy];
  return checkWkv7('wkv7Backward', a, (nChunks) => [
    ...perRow.map((t): [Tensor, number] => [t, rows]),
    [a.chunkStates, B * H * nChunks * N * N],
  ]);
}

/** The backward's GPU steps: pack, the row pass, the column pass, the unpack into the gradients. */
export function prepareWkv7Backward(gpu: Gpu, a: Wkv7BackwardArgs): GpuStep {
  const { B, T, H, N } = a;
  const { chunk, nChunks } = check(a);
  const count = B * T * H * N;
  const pack = prepareWkv7Pack(gpu, a, 'wkv7Backward');
  // Scratch: dsa (count), the five key-side gradients (5·count), the per-step columns of one chunk.
  const [offG, offW] = [count, 6 * count];
  const scratch = gpu.pool.acquire((offW + B * H * N * chunk * N) * 4, 'wkv7Backward scratch');
  const acc = accumulateBits(a.accumulate);
  const rows = prepareDispatch(gpu, {
    kernel: wkv7Kernel('wkv7BackwardRows', rowsCode, a, chunk),
    buffers: [a.dv, scratch, a.dy, pack.packed],
    u32: [T, H, N, (acc >> 3) & 1],
    workgroups: [H, B],
  });
  const cols = prepareDispatch(gpu, {
    kernel: wkv7Kernel('wkv7BackwardCols', colsCode, a, chunk),
    buffers: [scratch, a.chunkStates, a.sa, a.dy, pack.packed],
    u32: [T, H, N, nChunks, offG, offW],
    workgroups: [H, B],
  });
  const unpack = prepareDispatch(gpu, {
    kernel: { name: 'wkv7BackwardUnpack', code: unpackCode },
    buffers: [a.dr, a.dlogw, a.dk, a.dkk, a.da, scratch, pack.packed],
    u32: [count, N, offG, acc],
    workgroups: grid(count, 256),
  });
  return withScratch(gpu, [pack.step, rows, cols, unpack], [pack.packed, scratch]);
}

export const wkv7Backward: KernelDef<Wkv7BackwardArgs> = {
  name: 'wkv7Backward',
  cpu(a) {
    check(a);
    return () =>
      wkv7BackwardRef(
        { dr: a.dr.f32, dlogw: a.dlogw.f32, dk: a.dk.f32, dv: a.dv.f32, dkk: a.dkk.f32, da: a.da.f32 },
        {
          r: a.r.f32,
          logw: a.logw.f32,
          k: a.k.f32,
          v: a.v.f32,
          kk: a.kk.f32,
          a: a.a.f32,
          chunkStates: a.chunkStates.f32,
          dy: a.dy.f32,
        },
        a,
        a.accumulate,
      );
  },
  gpu: (gpu, a) => prepareWkv7Backward(gpu, a),
};
