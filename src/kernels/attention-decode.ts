// One decode step of attention as one kernel: RoPE on the new query and key, the token's k, v appended
// to the KV cache, and single-query attention of each (sequence, head) to the visible cached positions,
// with GQA and the sliding window of attention.ts. Position j lives in slot j mod S of a cache of S
// slots, so a windowed layer keeps only S = min(capacity, W) positions. The position comes from an i32
// tensor written before each step, so one prepared op serves every position. Two GPU plans with one
// contract: single, one dispatch instead of four (two RoPEs, the append, the attention; decode of small
// models is bound by dispatches) where one workgroup per (sequence, head) scans every visible position,
// for software adapters, whose few cores the B·H workgroups already fill (the split plan measured
// 2.3x slower on SwiftShader at T = 16384); and split (attention-decode-split.ts: blocks of positions
// across workgroups, then a merge dispatch) for hardware adapters, where B·H workgroups leave most of
// the GPU idle.
import type { AdapterDescription, Gpu } from '../gpu/device';
import type { KernelDef } from './backend';
import { prepareDispatch, withScratch } from './dispatch';
import type { Tensor } from './tensor';
import { checkAttention, firstKey, score, type RefArray } from './attention';
import { decodeSplits, splitDecode, type DecodeParams } from './attention-decode-split';
import { ROPE_MAX_POSITION, ropeRef, ropeThetas } from './rope';
import rope from './rope-common.wgsl?raw';
import common from './attention-decode-common.wgsl?raw';
import body from './attention-decode.wgsl?raw';

const code = rope + common + body;

export type AttentionDecodePlan = 'single' | 'split';

export interface AttentionDecodeSizes {
  B: number;
  /** Query heads, a multiple of Hkv. */
  H: number;
  Hkv: number;
  Dh: number;
  /** Cache slots per sequence: position j is in slot j mod S. */
  S: number;
  /** Key j is visible to the query at pos when pos − window < j ≤ pos; 0 = full causal attention. */
  window: number;
  /** Score scale, usually 1/√Dh. */
  scale: number;
  /** RoPE's frequency base when q and k are turned by their position (Dh even); absent: no RoPE. */
  ropeBase?: number;
  /** Forces the GPU plan; by default attentionDecodePlan picks it. */
  plan?: AttentionDecodePlan;
}

export interface AttentionDecodeArgs extends AttentionDecodeSizes {
  o: Tensor; // (B, H, Dh)
  /** The new token's query, key and value, before RoPE: (B, H, Dh), (B, Hkv, Dh), (B, Hkv, Dh). */
  q: Tensor;
  k: Tensor;
  v: Tensor;
  /** Written at slot pos mod S, then read: (B, S, Hkv, Dh) each. */
  kCache: Tensor;
  vCache: Tensor;
  /** i32 [1]: the token's position; the visible positions must fit in the cache (pos − first < S). */
  pos: Tensor;
}

/** The position read on the CPU, checked against the cache: the visible positions must fit. */
function position(a: AttentionDecodeArgs): number {
  const t = a.pos.i32[0];
  const first = firstKey(t, a.window);
  if (!(t >= 0 && t - first < a.S))
    throw new Error(
      `attentionDecode: position ${t} needs ${t - first + 1} cached positions; the cache holds ${a.S}. Reset or grow the cache.`,
    );
  return t;
}

// ---- CPU references

/** Writes k, v (B, Hkv·Dh) of the token at position t into slot t mod S of the caches. */
export function kvAppendRef(
  kc: RefArray,
  vc: RefArray,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  t: number,
  s: Pick<AttentionDecodeSizes, 'B' | 'Hkv' | 'Dh' | 'S'>,
): void {
  const row = s.Hkv * s.Dh;
  for (let b = 0; b < s.B; b++)
    for (let i = 0; i < row; i++) {
      const j = (b * s.S + (t % s.S)) * row + i;
      kc[j] = k[b * row + i];
      vc[j] = v[b * row + i];
    }
}

/** Per (b, h): softmax over the cached visible positions' scores (max-subtracted, f64), o = P·v. */
export function attendCachedRef(
  o: RefArray,
  q: ArrayLike<number>,
  kc: ArrayLike<number>,
  vc: ArrayLike<number>,
  t: number,
  s: AttentionDecodeSizes,
): void {
  const { B, H, Hkv, Dh, S } = s;
  const first = firstKey(t, s.window);
  const at = (b: number, j: number, g: number) => ((b * S + (j % S)) * Hkv + g) * Dh;
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / (H / Hkv));
      const qi = (b * H + h) * Dh;
      const p = [];
      for (let j = first; j <= t; j++) p.push(score(q, kc, qi, at(b, j, g), Dh) * s.scale);
      const m = Math.max(...p);
      const e = p.map((x) => Math.exp(x - m));
      const l = e.reduce((x, y) => x + y, 0);
      for (let d = 0; d < Dh; d++) {
        let acc = 0;
        for (let j = first; j <= t; j++) acc += e[j - first] * vc[at(b, j, g) + d];
        o[qi + d] = acc / l;
      }
    }
}

/** The token's q and k turned by RoPE at position t (copies when the sizes have no ropeBase). */
export function turnedRef(
  x: ArrayLike<number>,
  heads: number,
  t: number,
  s: Pick<AttentionDecodeSizes, 'B' | 'Dh' | 'ropeBase'>,
): Float64Array {
  const out = Float64Array.from(x);
  if (s.ropeBase !== undefined)
    ropeRef(out, x, { B: s.B, T: 1, nHeads: heads, Dh: s.Dh, base: s.ropeBase, posOffset: t });
  return out;
}

/** The whole step: turn q and k, append k and v at t, attend. */
export function attentionDecodeRef(
  o: RefArray,
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  kc: RefArray,
  vc: RefArray,
  t: number,
  s: AttentionDecodeSizes,
): void {
  kvAppendRef(kc, vc, turnedRef(k, s.Hkv, t, s), v, t, s);
  attendCachedRef(o, turnedRef(q, s.H, t, s), kc, vc, t, s);
}

// ---- kernel

/** The GPU plan: split on hardware adapters when a step can see more than one block, else single. */
export function attentionDecodePlan(
  adapter: Pick<AdapterDescription, 'isSoftware'>,
  s: Pick<AttentionDecodeSizes, 'S' | 'window' | 'plan'>,
): AttentionDecodePlan {
  return s.plan ?? (adapter.isSoftware || decodeSplits(s) === 1 ? 'single' : 'split');
}

function check(a: AttentionDecodeArgs): void {
  if (a.pos.dtype !== 'i32' || a.pos.size < 1)
    throw new Error(`attentionDecode: pos "${a.pos.label}" must be an i32 tensor of at least one element.`);
  if (!(a.S >= 1)) throw new Error(`attentionDecode: the cache needs at least one slot, has S=${a.S}.`);
  if (a.ropeBase !== undefined && a.Dh % 2 !== 0)
    throw new Error(`attentionDecode: RoPE needs an even head size, got Dh=${a.Dh}.`);
  const { B, H, Hkv, Dh, S } = a;
  checkAttention('attentionDecode', { ...a, T: 1 }, [
    [a.o, B * H * Dh],
    [a.q, B * H * Dh],
    [a.k, B * Hkv * Dh],
    [a.v, B * Hkv * Dh],
    [a.kCache, B * S * Hkv * Dh],
    [a.vCache, B * S * Hkv * Dh],
  ]);
  if ([a.q, a.k, a.v, a.kCache, a.vCache].includes(a.o))
    throw new Error(`attentionDecode: o "${a.o.label}" may not alias an input or a cache.`);
}

export const attentionDecode: KernelDef<AttentionDecodeArgs> = {
  name: 'attentionDecode',
  cpu(a) {
    check(a);
    return () => {
      const t = position(a);
      if (a.ropeBase !== undefined && t >= ROPE_MAX_POSITION)
        throw new Error(
          `attentionDecode: position ${t}; RoPE supports positions below ${ROPE_MAX_POSITION}.`,
        );
      attentionDecodeRef(a.o.f32, a.q.f32, a.k.f32, a.v.f32, a.kCache.f32, a.vCache.f32, t, a);
    };
  },
  gpu(gpu: Gpu, a) {
    check(a);
    const split = attentionDecodePlan(gpu.adapter, a) === 'split';
    const splits = split ? decodeSplits(a) : 1;
    const params: DecodeParams = {
      u32: [a.B, a.H, a.Hkv, a.Dh, a.S, a.window, a.ropeBase !== undefined ? 1 : 0, splits],
      // θ fills the uniform's array either way; without RoPE the kernels never read it.
      f32: [a.scale, 0, 0, 0, ...ropeThetas(a.Dh, a.ropeBase ?? 10000)],
    };
    if (split) return splitDecode(gpu, a, params);
    // Scores of every visible position, per (b, h): at most S of them.
    const scores = gpu.pool.acquire(a.B * a.H * a.S * 4, 'attentionDecode scores');
    const step = prepareDispatch(gpu, {
      kernel: { name: 'attentionDecode', code },
      buffers: [a.o, scores, a.kCache, a.vCache, a.q, a.k, a.v, a.pos],
      ...params,
      workgroups: [a.H, a.B],
    });
    return withScratch(gpu, [step], [scores]);
  },
};
