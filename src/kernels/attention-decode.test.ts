// Decode attention: GPU vs CPU reference under both plans (RoPE or not, GQA, windows, ring caches,
// positions past the cache size, several blocks of the split plan; the output and both caches
// compared), the plan choice, and T steps of the reference reproduce the parallel causal attention of
// RoPE-turned q and k at every position.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import { attentionRef } from './attention';
import {
  attentionDecode,
  attentionDecodePlan,
  attentionDecodeRef,
  type AttentionDecodeArgs,
  type AttentionDecodePlan,
  type AttentionDecodeSizes,
} from './attention-decode';
import { ATTENTION_DECODE_BLOCK, decodeSplits } from './attention-decode-split';
import { ropeRef } from './rope';
import { backends, compareBackends, expectClose, randn, type Case } from './testing';

/** Sizes of case c: GQA groups 1–4, Dh up to 80, windows that wrap a ring cache of W slots. */
function sizes(rng: Rng, c: number) {
  const Hkv = 1 + rng.int(2);
  const H = Hkv * (1 + rng.int(4));
  const Dh = [1, 4, 7, 16, 32, 80][c % 6];
  const window = c % 3 === 0 ? 0 : 1 + rng.int(12);
  const S = window > 0 && c % 2 === 0 ? window : window + 1 + rng.int(90);
  // With a window the position may pass the cache size (the ring wraps); without, it stays inside.
  const pos = window > 0 ? rng.int(3 * S) : rng.int(S);
  const ropeBase = Dh % 2 === 0 && c % 4 !== 1 ? [10000, 500][c % 2] : undefined;
  return { B: 1 + rng.int(3), H, Hkv, Dh, S, window, scale: 1 / Math.sqrt(Dh), ropeBase, pos };
}

describe('attentionDecode', () => {
  const rng = new Rng(31);

  /** A GPU-vs-CPU case of these sizes at position pos, with random inputs, output and caches. */
  function decodeCase(rng: Rng, s: AttentionDecodeSizes, pos: number): Case<AttentionDecodeArgs> {
    const cache = s.B * s.S * s.Hkv * s.Dh;
    return {
      label: JSON.stringify({ ...s, pos }),
      inputs: {
        q: randn(rng, s.B * s.H * s.Dh),
        k: randn(rng, s.B * s.Hkv * s.Dh),
        v: randn(rng, s.B * s.Hkv * s.Dh),
        pos: Int32Array.of(pos),
      },
      outputs: { o: randn(rng, s.B * s.H * s.Dh), kc: randn(rng, cache), vc: randn(rng, cache) },
      args: (t) => ({ o: t.o, q: t.q, k: t.k, v: t.v, kCache: t.kc, vCache: t.vc, pos: t.pos, ...s }),
    };
  }

  for (const plan of ['single', 'split'] as AttentionDecodePlan[]) {
    it(`matches the CPU reference, ${plan} plan: output and both caches`, async () => {
      const same = new Rng(31); // the same cases under both plans
      const cases = Array.from({ length: 36 }, (_, c) => {
        const { pos, ...s } = sizes(same, c);
        return decodeCase(same, { ...s, plan }, pos);
      });
      expect(cases.filter((c) => c.label.includes('ropeBase')).length).toBeGreaterThan(10);
      await compareBackends(attentionDecode, cases);
    });

    it(`matches the CPU reference, ${plan} plan: positions spanning several blocks`, async () => {
      const base = { B: 2, H: 4, Hkv: 2, Dh: 16, scale: 0.25, ropeBase: 10000, plan };
      const block = ATTENTION_DECODE_BLOCK;
      const cases = (
        [
          // [S, window, pos, changes]
          [700, 0, 650, {}], // three blocks, the last partly visible
          [700, 0, 10, {}], // blocks past the visible positions stay empty
          [2 * block, 0, block - 1, {}], // exactly one full block visible
          [2 * block, 0, block, { Hkv: 1, Dh: 7, ropeBase: undefined }], // t alone in the second block
          [3 * block, 0, 3 * block - 1, { B: 1, H: 6, Dh: 80 }], // every slot visible
          [300, 300, 1000, { Dh: 32 }], // a ring of the window: slots wrap
          [600, 520, 1500, { H: 2, Dh: 4, ropeBase: 500 }], // the window inside a larger ring
          [700, 600, 2 * block + 3, {}], // the window not yet full
        ] as const
      ).map(([S, window, pos, changes]) => decodeCase(rng, { ...base, S, window, ...changes }, pos));
      expect(cases.map((c) => decodeSplits(JSON.parse(c.label) as AttentionDecodeSizes))).toEqual([
        3, 3, 2, 2, 3, 2, 3, 3,
      ]);
      await compareBackends(attentionDecode, cases);
    });
  }

  it('plans: single on software adapters and for one block, split on hardware, forced wins', () => {
    const long = { S: 16384, window: 0 };
    expect(attentionDecodePlan({ isSoftware: true }, long)).toBe('single');
    expect(attentionDecodePlan({ isSoftware: false }, long)).toBe('split');
    expect(attentionDecodePlan({ isSoftware: false }, { S: 16384, window: ATTENTION_DECODE_BLOCK })).toBe(
      'single',
    );
    expect(attentionDecodePlan({ isSoftware: false }, { S: ATTENTION_DECODE_BLOCK + 1, window: 0 })).toBe(
      'split',
    );
    expect(attentionDecodePlan({ isSoftware: true }, { ...long, plan: 'split' })).toBe('split');
    expect(attentionDecodePlan({ isSoftware: false }, { ...long, plan: 'single' })).toBe('single');
    expect([1, 256, 257, 16384].map((S) => decodeSplits({ S, window: 0 }))).toEqual([1, 1, 2, 64]);
    expect(decodeSplits({ S: 4096, window: 600 })).toBe(3);
  });

  it('refuses a position whose visible keys do not fit in the cache', async () => {
    const { cpu } = await backends();
    const s = { B: 1, H: 2, Hkv: 1, Dh: 4, S: 3, window: 0, scale: 0.5 };
    const t = (n: number, label: string) => cpu.alloc([n], label);
    const pos = cpu.alloc([1], 'pos', 'i32');
    cpu.write(pos, Int32Array.of(3));
    const args = {
      ...s,
      o: t(8, 'o'),
      q: t(8, 'q'),
      k: t(4, 'k'),
      v: t(4, 'v'),
      kCache: t(12, 'kc'),
      vCache: t(12, 'vc'),
      pos,
    };
    const op = cpu.op(attentionDecode, args);
    expect(() => cpu.run([op])).toThrow(/position 3 needs 4 cached positions; the cache holds 3/);
  });

  it('stepping token by token equals the parallel attention of the turned q and k', () => {
    for (const [window, S, ropeBase] of [
      [0, 11, 10000],
      [4, 4, 100],
      [5, 9, undefined],
    ]) {
      const s = { B: 2, T: 11, H: 4, Hkv: 2, Dh: 6, window: window!, scale: 0.4 };
      const n = s.B * s.T;
      const [q, k, v] = [s.H, s.Hkv, s.Hkv].map((h) => Float64Array.from(randn(rng, n * h * s.Dh)));
      const turn = (x: Float64Array, nHeads: number) => {
        if (ropeBase === undefined) return x;
        const out = new Float64Array(x.length);
        ropeRef(out, x, { B: s.B, T: s.T, nHeads, Dh: s.Dh, base: ropeBase });
        return out;
      };
      const o = new Float64Array(n * s.H * s.Dh);
      attentionRef(o, new Float64Array(s.B * s.H * s.T), turn(q, s.H), turn(k, s.Hkv), v, s);
      const kc = new Float64Array(s.B * S! * s.Hkv * s.Dh);
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
        const ot = new Float64Array(s.B * s.H * s.Dh);
        const step = { ...s, S: S!, ropeBase };
        attentionDecodeRef(ot, rowAt(q, s.H, t), rowAt(k, s.Hkv, t), rowAt(v, s.Hkv, t), kc, vc, t, step);
        expectClose(ot, rowAt(o, s.H, t), {
          rtol: 1e-10,
          atol: 1e-10,
          label: `window ${window} S ${S} rope ${ropeBase} t ${t}`,
        });
      }
    }
  });
});
