// Decode attention over a KV cache: `kvAppend` writes one token's k, v into the cache, and
// `attentionDecode` attends one query per (sequence, head) to the visible cached positions, with GQA
// and the sliding window of attention.ts. Position j lives in slot j mod S of a cache of S slots, so a
// windowed layer keeps only S = min(capacity, W) positions. The position comes from an i32 tensor
// written before each step, so one prepared op serves every position.
import type { Gpu } from '../gpu/device';
import type { KernelDef } from './backend';
import { grid, prepareDispatch, withScratch } from './dispatch';
import type { Tensor } from './tensor';
import { checkAttention, firstKey, score, type RefArray } from './attention';
import code from './attention-decode.wgsl?raw';

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
}

/** Caches (B, S, Hkv, Dh); k, v (B, Hkv, Dh). */
export interface KvAppendArgs extends Omit<AttentionDecodeSizes, 'H' | 'window' | 'scale'> {
  kCache: Tensor;
  vCache: Tensor;
  k: Tensor;
  v: Tensor;
  pos: Tensor;
}

export interface AttentionDecodeArgs extends AttentionDecodeSizes {
  o: Tensor; // (B, H, Dh)
  q: Tensor; // (B, H, Dh)
  kCache: Tensor; // (B, S, Hkv, Dh)
  vCache: Tensor; // (B, S, Hkv, Dh)
  /** i32 [1]: the query's position; the visible positions must fit in the cache (pos − first < S). */
  pos: Tensor;
}

function checkPos(name: string, pos: Tensor): void {
  if (pos.dtype !== 'i32' || pos.size < 1)
    throw new Error(`${name}: pos "${pos.label}" must be an i32 tensor of at least one element.`);
}

/** The position read on the CPU, checked against the cache (for attention: the visible ones fit). */
function position(name: string, a: { pos: Tensor; S: number; window?: number }): number {
  const t = a.pos.i32[0];
  const first = a.window === undefined ? t : firstKey(t, a.window);
  if (!(t >= 0 && t - first < a.S))
    throw new Error(
      `${name}: position ${t} needs ${t - first + 1} cached positions; the cache holds ${a.S}. Reset or grow the cache.`,
    );
  return t;
}

// ---- CPU references

export function kvAppendRef(
  kc: RefArray,
  vc: RefArray,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  t: number,
  s: Omit<KvAppendArgs, 'kCache' | 'vCache' | 'k' | 'v' | 'pos'>,
): void {
  const row = s.Hkv * s.Dh;
  for (let b = 0; b < s.B; b++)
    for (let i = 0; i < row; i++) {
      const j = (b * s.S + (t % s.S)) * row + i;
      kc[j] = k[b * row + i];
      vc[j] = v[b * row + i];
    }
}

/** Per (b, h): softmax over the visible positions' scores (max-subtracted, f64), o = P·v. */
export function attentionDecodeRef(
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

// ---- kernels

function checkDecode(a: AttentionDecodeArgs): void {
  checkPos('attentionDecode', a.pos);
  if (!(a.S >= 1)) throw new Error(`attentionDecode: the cache needs at least one slot, has S=${a.S}.`);
  const { B, H, Hkv, Dh, S } = a;
  checkAttention('attentionDecode', { ...a, T: 1 }, [
    [a.o, B * H * Dh],
    [a.q, B * H * Dh],
    [a.kCache, B * S * Hkv * Dh],
    [a.vCache, B * S * Hkv * Dh],
  ]);
  if (a.o === a.q) throw new Error(`attentionDecode: o "${a.o.label}" may not alias q.`);
}

function checkAppend(a: KvAppendArgs): void {
  checkPos('kvAppend', a.pos);
  const n = a.B * a.Hkv * a.Dh;
  checkAttention('kvAppend', { ...a, T: 1, H: a.Hkv, window: 0, scale: 1 }, [
    [a.kCache, n * a.S],
    [a.vCache, n * a.S],
    [a.k, n],
    [a.v, n],
  ]);
}

const u32s = (a: Omit<AttentionDecodeSizes, 'scale'>) => [a.B, a.H, a.Hkv, a.Dh, a.S, a.window, 0, 0];

export const kvAppend: KernelDef<KvAppendArgs> = {
  name: 'kvAppend',
  cpu(a) {
    checkAppend(a);
    return () => kvAppendRef(a.kCache.f32, a.vCache.f32, a.k.f32, a.v.f32, position('kvAppend', a), a);
  },
  gpu(gpu, a) {
    checkAppend(a);
    return prepareDispatch(gpu, {
      kernel: { name: 'attentionDecode.append', code, entry: 'append' },
      buffers: [a.kCache, a.vCache, a.k, a.v, a.pos],
      u32: u32s({ ...a, H: a.Hkv, window: 0 }),
      f32: [1],
      workgroups: grid(a.B * a.Hkv * a.Dh, 64),
    });
  },
};

export const attentionDecode: KernelDef<AttentionDecodeArgs> = {
  name: 'attentionDecode',
  cpu(a) {
    checkDecode(a);
    return () =>
      attentionDecodeRef(a.o.f32, a.q.f32, a.kCache.f32, a.vCache.f32, position('attentionDecode', a), a);
  },
  gpu(gpu: Gpu, a) {
    checkDecode(a);
    // Scores of every visible position, per (b, h): at most S of them.
    const scores = gpu.pool.acquire(a.B * a.H * a.S * 4, 'attentionDecode scores');
    const step = prepareDispatch(gpu, {
      kernel: { name: 'attentionDecode', code, entry: 'main' },
      buffers: [a.o, scores, a.q, a.kCache, a.pos, a.vCache],
      u32: u32s(a),
      f32: [a.scale],
      workgroups: [a.H, a.B],
    });
    return withScratch(gpu, [step], [scores]);
  },
};
