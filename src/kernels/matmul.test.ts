// Matmul: GPU against the CPU reference on random shapes, including 1-row (GEMV) and odd sizes.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import { matmul, matmulRef } from './matmul';
import { backends, expectClose, randn, throwGpuErrors } from './testing';

describe('matmul', () => {
  it('matches the CPU reference on 60 random shapes', async () => {
    const { gpu } = await backends();
    const rng = new Rng(1);
    for (let c = 0; c < 60; c++) {
      const M = c < 6 ? 1 : 1 + rng.int(70);
      const N = 1 + rng.int(70);
      const K = 1 + rng.int(70);
      const batch = 1 + rng.int(3);
      const transA = rng.next() < 0.5;
      const transB = rng.next() < 0.5;
      const broadcastB = rng.next() < 0.3;
      const accumulate = rng.next() < 0.3;
      const opts = { M, N, K, batch, transA, transB, broadcastB, accumulate };
      const a = randn(rng, batch * M * K);
      const b = randn(rng, (broadcastB ? 1 : batch) * K * N);
      const c0 = randn(rng, batch * M * N);
      const ta = gpu.alloc([a.length], 'a');
      const tb = gpu.alloc([b.length], 'b');
      const tc = gpu.alloc([c0.length], 'c');
      gpu.write(ta, a);
      gpu.write(tb, b);
      gpu.write(tc, c0);
      gpu.run([gpu.op(matmul, { out: tc, a: ta, b: tb, ...opts })]);
      const got = await gpu.read(tc);
      throwGpuErrors(gpu);
      const ref = c0.slice();
      matmulRef(ref, a, b, opts);
      expectClose(got, ref, { rtol: 1e-4, atol: 1e-4, label: `case ${c} ${JSON.stringify(opts)}` });
      [ta, tb, tc].forEach((t) => gpu.free(t));
    }
    expect(gpu.gpu.pool.liveBytes).toBe(0);
  });
});
