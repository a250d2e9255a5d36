// Causal softmax attention (MHA / GQA, optional sliding window), flash-style forward: o and the row
// logsumexp from q (B, T, H, Dh), k and v (B, T, Hkv, Dh). Query head h reads kv head h / (H/Hkv).
// Two GPU variants with one contract: 16×16 tiles in workgroup memory for hardware adapters, and
// barrier-free rows (one invocation per query, streaming keys in registers) for software adapters.
import type { Gpu } from '../gpu/device';
import type { KernelDef } from './backend';
import { grid, prepareDispatch } from './dispatch';
import type { Tensor } from './tensor';
import { ATTENTION_ROWS_WG, rowsKernel } from './attention-rows';
import common from './attention-common.wgsl?raw';
import tiledCode from './attention.wgsl?raw';
import rowsCommon from './attention-rows-common.wgsl?raw';
import rowsCode from './attention-rows.wgsl?raw';

/** Largest head size the kernels hold (tiled: 8 chunks of 16 dims; rows: 32 vec4 per row). */
export const ATTENTION_MAX_DH = 128;
/** Queries (and keys) per workgroup tile of the tiled kernels. */
export const ATTENTION_TILE = 16;

export type AttentionVariant = 'tiled' | 'rows';

export interface AttentionSizes {
  B: number;
  T: number;
  /** Query heads, a multiple of Hkv. */
  H: number;
  /** Key/value heads. */
  Hkv: number;
  Dh: number;
  /** Key j is visible to query t when t − window < j ≤ t; 0 = full causal attention. */
  window: number;
  /** Score scale, usually 1/√Dh. */
  scale: number;
  /** Forces the GPU kernels; by default tiled on hardware adapters, rows on software ones. */
  variant?: AttentionVariant;
}

export interface AttentionArgs extends AttentionSizes {
  o: Tensor; // (B, T, H, Dh)
  lse: Tensor; // (B, H, T): logsumexp of each row of scaled scores, for the backward
  q: Tensor; // (B, T, H, Dh)
  k: Tensor; // (B, T, Hkv, Dh)
  v: Tensor; // (B, T, Hkv, Dh)
}

export type RefArray = Float32Array | Float64Array;

/** Throws unless the sizes are supported and every tensor is large enough. */
export function checkAttention(name: string, s: AttentionSizes, tensors: [Tensor, number][]): void {
  if (!(s.Dh >= 1 && s.Dh <= ATTENTION_MAX_DH))
    throw new Error(`${name}: head size Dh=${s.Dh} must be in [1, ${ATTENTION_MAX_DH}].`);
  if (!(s.Hkv >= 1 && s.H % s.Hkv === 0))
    throw new Error(`${name}: query heads H=${s.H} must be a multiple of kv heads Hkv=${s.Hkv}.`);
  if (!(s.window >= 0 && Number.isInteger(s.window)))
    throw new Error(`${name}: window=${s.window} must be a whole number ≥ 0 (0 = full attention).`);
  for (const [t, n] of tensors) {
    if (t.size < n)
      throw new Error(
        `${name}: "${t.label}" has ${t.size} elements, needs ${n} (B=${s.B} T=${s.T} H=${s.H} Hkv=${s.Hkv} Dh=${s.Dh}).`,
      );
  }
}

/** The GPU kernels used for these sizes on this adapter. */
export function attentionVariant(gpu: Gpu, s: AttentionSizes): AttentionVariant {
  return s.variant ?? (gpu.adapter.isSoftware ? 'rows' : 'tiled');
}

/** First key visible to query t. */
export function firstKey(t: number, window: number): number {
  return window > 0 ? Math.max(0, t - window + 1) : 0;
}

/** Plain-loop reference: per row, softmax over the visible keys (max-subtracted), o = P·v. */
export function attentionRef(
  o: RefArray,
  lse: RefArray,
  q: RefArray,
  k: RefArray,
  v: RefArray,
  s: AttentionSizes,
): void {
  const { B, T, H, Hkv, Dh, window, scale } = s;
  const group = H / Hkv;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qi = ((b * T + t) * H + h) * Dh;
        const j0 = firstKey(t, window);
        let m = -Infinity;
        for (let j = j0; j <= t; j++)
          m = Math.max(m, score(q, k, qi, ((b * T + j) * Hkv + g) * Dh, Dh) * scale);
        let l = 0;
        for (let d = 0; d < Dh; d++) o[qi + d] = 0;
        for (let j = j0; j <= t; j++) {
          const ki = ((b * T + j) * Hkv + g) * Dh;
          const pj = Math.exp(score(q, k, qi, ki, Dh) * scale - m);
          l += pj;
          for (let d = 0; d < Dh; d++) o[qi + d] += pj * v[ki + d];
        }
        for (let d = 0; d < Dh; d++) o[qi + d] /= l;
        lse[(b * H + h) * T + t] = m + Math.log(l);
      }
    }
  }
}

/** Dot product of the Dh-vectors at a[ai] and b[bi]. */
export function score(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  ai: number,
  bi: number,
  Dh: number,
): number {
  let s = 0;
  for (let d = 0; d < Dh; d++) s += a[ai + d] * b[bi + d];
  return s;
}

function check(a: AttentionArgs): void {
  const { B, T, H, Hkv, Dh } = a;
  checkAttention('attention', a, [
    [a.o, B * T * H * Dh],
    [a.lse, B * H * T],
    [a.q, B * T * H * Dh],
    [a.k, B * T * Hkv * Dh],
    [a.v, B * T * Hkv * Dh],
  ]);
}

export const attention: KernelDef<AttentionArgs> = {
  name: 'attention',
  cpu(args) {
    check(args);
    return () => attentionRef(args.o.f32, args.lse.f32, args.q.f32, args.k.f32, args.v.f32, args);
  },
  gpu(gpu, args) {
    check(args);
    const { B, T, H, Hkv, Dh, window, scale } = args;
    const buffers = [args.o, args.lse, args.q, args.k, args.v];
    if (attentionVariant(gpu, args) === 'rows') {
      return prepareDispatch(gpu, {
        kernel: rowsKernel('attentionRows', rowsCommon + rowsCode, Dh),
        buffers,
        u32: [B * H * T, T, H, Hkv, Dh, window],
        f32: [scale],
        workgroups: grid(B * H * T, ATTENTION_ROWS_WG),
      });
    }
    return prepareDispatch(gpu, {
      kernel: { name: 'attention', code: common + tiledCode },
      buffers,
      u32: [T, H, Hkv, Dh, window],
      f32: [scale],
      workgroups: [Math.ceil(T / ATTENTION_TILE), H, B],
    });
  },
};
