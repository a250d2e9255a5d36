// Attention forward: the CPU reference against a naive masked softmax, both GPU variants against the
// CPU reference on the same random shapes.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import type { Gpu } from '../gpu/device';
import {
  attention,
  attentionRef,
  attentionVariant,
  type AttentionSizes,
  type AttentionVariant,
} from './attention';
import { attentionCase } from './attention-cases';
import { rowsKernel } from './attention-rows';
import rowsCode from './attention-rows.wgsl?raw';
import { backends, expectClose, randn, throwGpuErrors } from './testing';

/** Materialises the full T×T score matrix with −∞ above the diagonal and outside the window. */
function naiveAttention(q: Float32Array, k: Float32Array, v: Float32Array, s: AttentionSizes) {
  const { B, T, H, Hkv, Dh, window, scale } = s;
  const o = new Float32Array(B * T * H * Dh);
  const lse = new Float32Array(B * H * T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / (H / Hkv));
      const S = Array.from({ length: T }, (_, t) =>
        Array.from({ length: T }, (_, j) => {
          if (j > t || (window > 0 && j <= t - window)) return -Infinity;
          let dot = 0;
          for (let d = 0; d < Dh; d++)
            dot += q[((b * T + t) * H + h) * Dh + d] * k[((b * T + j) * Hkv + g) * Dh + d];
          return dot * scale;
        }),
      );
      for (let t = 0; t < T; t++) {
        const e = S[t].map(Math.exp);
        const z = e.reduce((a, x) => a + x, 0);
        lse[(b * H + h) * T + t] = Math.log(z);
        for (let d = 0; d < Dh; d++) {
          let acc = 0;
          for (let j = 0; j < T; j++) acc += (e[j] / z) * v[((b * T + j) * Hkv + g) * Dh + d];
          o[((b * T + t) * H + h) * Dh + d] = acc;
        }
      }
    }
  }
  return { o, lse };
}

function inputs(rng: Rng, s: AttentionSizes) {
  const { B, T, H, Hkv, Dh } = s;
  return { q: randn(rng, B * T * H * Dh), k: randn(rng, B * T * Hkv * Dh), v: randn(rng, B * T * Hkv * Dh) };
}

describe('attention', () => {
  it('CPU reference matches a naive masked softmax on 30 random cases', () => {
    const rng = new Rng(11);
    for (let c = 0; c < 30; c++) {
      const s = attentionCase(rng, c);
      const { q, k, v } = inputs(rng, s);
      const o = new Float32Array(q.length);
      const lse = new Float32Array(s.B * s.H * s.T);
      attentionRef(o, lse, q, k, v, s);
      const want = naiveAttention(q, k, v, s);
      expectClose(o, want.o, { label: `case ${c} o ${JSON.stringify(s)}` });
      expectClose(lse, want.lse, { label: `case ${c} lse ${JSON.stringify(s)}` });
    }
  });

  it.each<AttentionVariant>(['tiled', 'rows'])(
    'GPU %s variant matches the CPU reference on 60 random cases',
    async (variant) => {
      const { gpu } = await backends();
      const rng = new Rng(12);
      for (let c = 0; c < 60; c++) {
        const s = { ...attentionCase(rng, c), variant };
        const { q, k, v } = inputs(rng, s);
        const [tq, tk, tv] = [q, k, v].map((x, i) => {
          const t = gpu.alloc([x.length], 'qkv'[i]);
          gpu.write(t, x);
          return t;
        });
        const to = gpu.alloc([s.B, s.T, s.H, s.Dh], 'o');
        const tl = gpu.alloc([s.B, s.H, s.T], 'lse');
        gpu.run([gpu.op(attention, { o: to, lse: tl, q: tq, k: tk, v: tv, ...s })]);
        const o = await gpu.read(to);
        const lse = await gpu.read(tl);
        throwGpuErrors(gpu);
        const ref = { o: new Float32Array(o.length), lse: new Float32Array(lse.length) };
        attentionRef(ref.o, ref.lse, q, k, v, s);
        expectClose(o, ref.o, { label: `case ${c} o ${JSON.stringify(s)}` });
        expectClose(lse, ref.lse, { label: `case ${c} lse ${JSON.stringify(s)}` });
        [tq, tk, tv, to, tl].forEach((t) => gpu.free(t));
      }
      expect(gpu.gpu.pool.liveBytes).toBe(0);
    },
  );

  it('picks rows kernels on software adapters and tiled ones on hardware, unless forced', () => {
    const s = { B: 1, T: 2, H: 2, Hkv: 1, Dh: 8, window: 0, scale: 1 };
    const on = (isSoftware: boolean) => ({ adapter: { isSoftware } }) as Gpu;
    expect(attentionVariant(on(true), s)).toBe('rows');
    expect(attentionVariant(on(false), s)).toBe('tiled');
    expect(attentionVariant(on(true), { ...s, variant: 'tiled' })).toBe('tiled');
  });

  it('rows kernels unroll their chunk loops up to Dh = 64', () => {
    const loop = 'for (var c = 0u; c < NV; c++)';
    const kernel = rowsKernel('rows', rowsCode, 61);
    expect(kernel.constants).toEqual({ NV: 16, VEC: 0 });
    expect(kernel.code).not.toContain(loop);
    expect(kernel.code).toContain('{ let c = 15u;');
    expect(kernel.code).not.toContain('{ let c = 16u;');
    expect(rowsKernel('rows', rowsCode, 68).code).toBe(rowsCode);
  });

  it('rejects head sizes over the limit and H not a multiple of Hkv', async () => {
    const { cpu } = await backends();
    const t = cpu.alloc([4096], 't');
    const s = { B: 1, T: 2, H: 2, Hkv: 1, Dh: 8, window: 0, scale: 1 };
    const args = { o: t, lse: t, q: t, k: t, v: t };
    expect(() => cpu.op(attention, { ...args, ...s, Dh: 129 })).toThrow(/Dh=129/);
    expect(() => cpu.op(attention, { ...args, ...s, H: 3, Hkv: 2 })).toThrow(/multiple/);
  });
});
