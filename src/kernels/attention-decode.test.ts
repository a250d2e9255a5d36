// Decode attention: GPU vs CPU reference (RoPE or not, GQA, windows, ring caches, positions past the
// cache size; the output and both caches compared), and T steps of the reference reproduce the
// parallel causal attention of RoPE-turned q and k at every position.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import { attentionRef } from './attention';
import { attentionDecode, attentionDecodeRef, type AttentionDecodeArgs } from './attention-decode';
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

  it('matches the CPU reference: output and both caches', async () => {
    const cases: Case<AttentionDecodeArgs>[] = Array.from({ length: 36 }, (_, c) => {
      const { pos, ...s } = sizes(rng, c);
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
    });
    expect(cases.filter((c) => c.label.includes('ropeBase')).length).toBeGreaterThan(10);
    await compareBackends(attentionDecode, cases);
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
