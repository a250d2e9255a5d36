// Attention backward: the CPU reference against finite differences of sum(o ⊙ R), both GPU variants
// against the CPU reference on the same random shapes (overwrite and accumulate).
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import { attentionRef, type AttentionSizes, type AttentionVariant } from './attention';
import { attentionBackward, attentionBackwardRef } from './attention-backward';
import { attentionCase } from './attention-cases';
import { backends, checkGradient, expectClose, randn, throwGpuErrors } from './testing';

function sizes(s: AttentionSizes) {
  return { nq: s.B * s.T * s.H * s.Dh, nk: s.B * s.T * s.Hkv * s.Dh, nl: s.B * s.H * s.T };
}

describe('attentionBackward', () => {
  it('CPU reference passes finite differences of sum(o ⊙ R)', () => {
    const rng = new Rng(21);
    const shapes: AttentionSizes[] = [
      { B: 2, T: 5, H: 2, Hkv: 2, Dh: 3, window: 0, scale: 0.6 },
      { B: 1, T: 6, H: 4, Hkv: 2, Dh: 4, window: 3, scale: 0.5 },
      { B: 1, T: 7, H: 4, Hkv: 1, Dh: 5, window: 0, scale: 0.45 },
      { B: 2, T: 1, H: 2, Hkv: 1, Dh: 2, window: 0, scale: 0.7 },
      { B: 1, T: 9, H: 2, Hkv: 1, Dh: 3, window: 1, scale: 0.6 },
    ];
    for (const [c, s] of shapes.entries()) {
      const { nq, nk, nl } = sizes(s);
      const [q, k, v, R] = [nq, nk, nk, nq].map((n) => Float64Array.from(randn(rng, n)));
      const o = new Float64Array(nq);
      const lse = new Float64Array(nl);
      const loss = () => {
        attentionRef(o, lse, q, k, v, s);
        return o.reduce((acc, x, i) => acc + x * R[i], 0);
      };
      loss();
      const [dq, dk, dv] = [nq, nk, nk].map((n) => new Float64Array(n));
      attentionBackwardRef(dq, dk, dv, q, k, v, o, lse, R, s);
      checkGradient(loss, q, dq, { rng, label: `case ${c} dq` });
      checkGradient(loss, k, dk, { rng, label: `case ${c} dk` });
      checkGradient(loss, v, dv, { rng, label: `case ${c} dv` });
    }
  });

  it.each<AttentionVariant>(['tiled', 'rows'])(
    'GPU %s variant matches the CPU reference on 60 random cases',
    async (variant) => {
      const { gpu } = await backends();
      const rng = new Rng(22);
      for (let c = 0; c < 60; c++) {
        const s = { ...attentionCase(rng, c), variant };
        const accumulate = rng.next() < 0.5;
        const { nq, nk, nl } = sizes(s);
        const [q, k, v, dO, dq0, dk0, dv0] = [nq, nk, nk, nq, nq, nk, nk].map((n) => randn(rng, n));
        const o = new Float32Array(nq);
        const lse = new Float32Array(nl);
        attentionRef(o, lse, q, k, v, s);
        const data = { q, k, v, o, lse, dO, dq: dq0, dk: dk0, dv: dv0 };
        const t = Object.fromEntries(
          Object.entries(data).map(([name, x]) => {
            const tensor = gpu.alloc([x.length], name);
            gpu.write(tensor, x);
            return [name, tensor];
          }),
        ) as { [K in keyof typeof data]: ReturnType<typeof gpu.alloc> };
        const op = gpu.op(attentionBackward, { ...t, ...s, accumulate });
        gpu.run([op]);
        const [dq, dk, dv] = await Promise.all([gpu.read(t.dq), gpu.read(t.dk), gpu.read(t.dv)]);
        throwGpuErrors(gpu);
        const ref = { dq: dq0.slice(), dk: dk0.slice(), dv: dv0.slice() };
        attentionBackwardRef(ref.dq, ref.dk, ref.dv, q, k, v, o, lse, dO, s, accumulate);
        const label = `case ${c} accumulate=${accumulate} ${JSON.stringify(s)}`;
        expectClose(dq, ref.dq, { label: `${label} dq` });
        expectClose(dk, ref.dk, { label: `${label} dk` });
        expectClose(dv, ref.dv, { label: `${label} dv` });
        gpu.release([op]);
        Object.values(t).forEach((x) => gpu.free(x));
      }
      expect(gpu.gpu.pool.liveBytes).toBe(0);
    },
  );
});
