// RoPE: the CPU reference against HF's formula and finite differences; GPU against the CPU reference.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import type { GpuBackend } from './gpu-backend';
import { rope, ropeBackward, ropeRef } from './rope';
import { backends, checkGradient, expectClose, randn, throwGpuErrors } from './testing';

/** HF: emb = cat(freqs, freqs); out = x·cos(emb) + rotate_half(x)·sin(emb). */
function hfRope(x: Float32Array, T: number, nHeads: number, Dh: number, base: number, posOffset: number) {
  const half = Dh / 2;
  const out = new Float32Array(x.length);
  for (let row = 0; row < x.length / Dh; row++) {
    const t = Math.floor(row / nHeads) % T;
    for (let d = 0; d < Dh; d++) {
      const invFreq = Math.fround(1 / Math.fround(base ** Math.fround((2 * (d % half)) / Dh)));
      const angle = Math.fround((t + posOffset) * invFreq);
      const rot = d < half ? -x[row * Dh + d + half] : x[row * Dh + d - half];
      out[row * Dh + d] = x[row * Dh + d] * Math.cos(angle) + rot * Math.sin(angle);
    }
  }
  return out;
}

function randomShape(rng: Rng, c: number) {
  const Dh = [2, 4, 6, 16, 32, 128, 256][c % 7];
  return {
    B: 1 + rng.int(3),
    T: c % 5 === 0 ? 1 : 1 + rng.int(40),
    nHeads: 1 + rng.int(4),
    Dh,
    base: rng.next() < 0.5 ? 10000 : 500000,
    posOffset: rng.next() < 0.3 ? rng.int(20000) : 0,
  };
}

async function runGpu(
  gpu: GpuBackend,
  backward: boolean,
  s: ReturnType<typeof randomShape>,
  x: Float32Array,
  y0: Float32Array,
  accumulate: boolean,
) {
  const tx = gpu.alloc([x.length], 'x');
  const ty = gpu.alloc([x.length], 'y');
  gpu.write(tx, x);
  gpu.write(ty, y0);
  gpu.run([
    backward
      ? gpu.op(ropeBackward, { dx: ty, dy: tx, ...s, accumulate })
      : gpu.op(rope, { out: ty, x: tx, ...s }),
  ]);
  const got = await gpu.read(ty);
  throwGpuErrors(gpu);
  gpu.free(tx);
  gpu.free(ty);
  return got;
}

describe('rope', () => {
  it('CPU reference matches the HF formula', () => {
    const rng = new Rng(3);
    for (let c = 0; c < 14; c++) {
      const s = randomShape(rng, c);
      const x = randn(rng, s.B * s.T * s.nHeads * s.Dh);
      const out = new Float32Array(x.length);
      ropeRef(out, x, s);
      expectClose(out, hfRope(x, s.T, s.nHeads, s.Dh, s.base, s.posOffset), { label: `case ${c}` });
    }
  });

  it('CPU backward passes finite differences', () => {
    const rng = new Rng(4);
    for (let c = 0; c < 7; c++) {
      const s = { ...randomShape(rng, c), B: 2, T: 5 };
      const n = s.B * s.T * s.nHeads * s.Dh;
      const x = Float64Array.from(randn(rng, n));
      const r = Float64Array.from(randn(rng, n));
      const out = new Float64Array(n);
      const loss = () => {
        ropeRef(out, x, s);
        return out.reduce((acc, o, i) => acc + o * r[i], 0);
      };
      const dx = new Float64Array(n);
      ropeRef(dx, r, s, true);
      checkGradient(loss, x, dx, { label: `case ${c}` });
    }
  });

  it('GPU matches the CPU reference, forward and backward, on 70 random cases', async () => {
    const { gpu } = await backends();
    const rng = new Rng(5);
    for (let c = 0; c < 70; c++) {
      const s = randomShape(rng, c);
      const backward = c % 2 === 1;
      const accumulate = backward && rng.next() < 0.5;
      const x = randn(rng, s.B * s.T * s.nHeads * s.Dh);
      const y0 = randn(rng, x.length);
      const got = await runGpu(gpu, backward, s, x, y0, accumulate);
      const ref = y0.slice();
      ropeRef(ref, x, s, backward, accumulate);
      expectClose(got, ref, { label: `case ${c} backward=${backward} ${JSON.stringify(s)}` });
    }
    expect(gpu.gpu.pool.liveBytes).toBe(0);
  });

  it('rejects odd head sizes, aliasing and positions past the limit', async () => {
    const { cpu } = await backends();
    const x = cpu.alloc([2, 3, 5], 'x');
    const y = cpu.alloc([2, 3, 6], 'y');
    expect(() => cpu.op(rope, { out: y, x, B: 2, T: 3, nHeads: 1, Dh: 5, base: 1e4 })).toThrow(/even/);
    expect(() => cpu.op(rope, { out: y, x: y, B: 2, T: 3, nHeads: 1, Dh: 6, base: 1e4 })).toThrow(/alias/);
    expect(() =>
      cpu.op(rope, { out: y, x, B: 2, T: 3, nHeads: 1, Dh: 6, base: 1e4, posOffset: 1e5 }),
    ).toThrow(/positions/);
  });
});
