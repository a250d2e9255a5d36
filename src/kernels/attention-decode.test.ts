// Decode attention: GPU vs CPU reference (GQA, windows, ring caches, positions past the cache size),
// and T appends + queries of the reference reproduce the parallel causal attention at every position.
import { describe, it } from 'vitest';
import { Rng } from '../data/rng';
import { attentionRef } from './attention';
import {
  attentionDecode,
  attentionDecodeRef,
  kvAppend,
  kvAppendRef,
  type AttentionDecodeArgs,
  type KvAppendArgs,
} from './attention-decode';
import { compareBackends, expectClose, randn, type Case } from './testing';

/** Sizes of case c: GQA groups 1–4, Dh up to 80, windows that wrap a ring cache of W slots. */
function sizes(rng: Rng, c: number) {
  const Hkv = 1 + rng.int(2);
  const H = Hkv * (1 + rng.int(4));
  const Dh = [1, 4, 7, 16, 32, 80][c % 6];
  const window = c % 3 === 0 ? 0 : 1 + rng.int(12);
  const S = window > 0 && c % 2 === 0 ? window : window + 1 + rng.int(90);
  // With a window the position may pass the cache size (the ring wraps); without, it stays inside.
  const pos = window > 0 ? rng.int(3 * S) : rng.int(S);
  return { B: 1 + rng.int(3), H, Hkv, Dh, S, window, scale: 1 / Math.sqrt(Dh), pos };
}

describe('attentionDecode', () => {
  const rng = new Rng(31);

  it('kvAppend matches the CPU reference', async () => {
    const cases: Case<KvAppendArgs>[] = Array.from({ length: 16 }, (_, c) => {
      const { pos, ...s } = sizes(rng, c);
      const n = s.B * s.Hkv * s.Dh;
      return {
        label: JSON.stringify({ ...s, pos }),
        inputs: { k: randn(rng, n), v: randn(rng, n), pos: Int32Array.of(pos) },
        outputs: { kc: randn(rng, n * s.S), vc: randn(rng, n * s.S) },
        args: (t) => ({ kCache: t.kc, vCache: t.vc, k: t.k, v: t.v, pos: t.pos, ...s }),
      };
    });
    await compareBackends(kvAppend, cases);
  });

  it('attentionDecode matches the CPU reference', async () => {
    const cases: Case<AttentionDecodeArgs>[] = Array.from({ length: 30 }, (_, c) => {
      const { pos, ...s } = sizes(rng, c);
      const cache = s.B * s.S * s.Hkv * s.Dh;
      return {
        label: JSON.stringify({ ...s, pos }),
        inputs: {
          q: randn(rng, s.B * s.H * s.Dh),
          kc: randn(rng, cache),
          vc: randn(rng, cache),
          pos: Int32Array.of(pos),
        },
        outputs: { o: randn(rng, s.B * s.H * s.Dh) },
        args: (t) => ({ o: t.o, q: t.q, kCache: t.kc, vCache: t.vc, pos: t.pos, ...s }),
      };
    });
    await compareBackends(attentionDecode, cases);
  });

  it('appending and querying token by token equals the parallel attention', () => {
    for (const [window, S] of [
      [0, 11],
      [4, 4],
      [5, 9],
    ]) {
      const s = { B: 2, T: 11, H: 4, Hkv: 2, Dh: 6, window, scale: 0.4 };
      const n = s.B * s.T;
      const [q, k, v] = [s.H, s.Hkv, s.Hkv].map((h) => Float64Array.from(randn(rng, n * h * s.Dh)));
      const o = new Float64Array(n * s.H * s.Dh);
      attentionRef(o, new Float64Array(s.B * s.H * s.T), q, k, v, s);
      const kc = new Float64Array(s.B * S * s.Hkv * s.Dh);
      const vc = new Float64Array(kc.length);
      /** Row t of sequence b of x with `heads` heads per row, for all b: (B, heads·Dh). */
      const rowAt = (x: Float64Array, heads: number, t: number) => {
        const w = heads * s.Dh;
        return Float64Array.from(
          { length: s.B * w },
          (_, i) => x[(Math.floor(i / w) * s.T + t) * w + (i % w)],
        );
      };
      for (let t = 0; t < s.T; t++) {
        const sizes = { ...s, S };
        kvAppendRef(kc, vc, rowAt(k, s.Hkv, t), rowAt(v, s.Hkv, t), t, sizes);
        const ot = new Float64Array(s.B * s.H * s.Dh);
        attentionDecodeRef(ot, rowAt(q, s.H, t), kc, vc, t, sizes);
        expectClose(ot, rowAt(o, s.H, t), {
          rtol: 1e-12,
          atol: 1e-12,
          label: `window ${window} S ${S} t ${t}`,
        });
      }
    }
  });
});
