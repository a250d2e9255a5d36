// Matmul: GPU against the CPU reference over every transpose/broadcast/accumulate combination, on
// 1-row (GEMV), 1-column, vec4-aligned and odd shapes, plus a few shapes larger than one tile.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import { matmul, matmulRef, planMatmul, prepareMatmul, type MatmulArgs, type MatmulTarget } from './matmul';
import type { GpuBackend } from './gpu-backend';
import { backends, compare, randn, throwGpuErrors } from './testing';

type Shape = Omit<MatmulArgs, 'out' | 'a' | 'b'>;

async function runCase(
  gpu: GpuBackend,
  rng: Rng,
  opts: Shape,
  target?: MatmulTarget,
): Promise<string | null> {
  const batch = opts.batch ?? 1;
  const a = randn(rng, batch * opts.M * opts.K);
  const b = randn(rng, (opts.broadcastB ? 1 : batch) * opts.K * opts.N);
  const c0 = randn(rng, batch * opts.M * opts.N);
  const ta = gpu.alloc([a.length], 'a');
  const tb = gpu.alloc([b.length], 'b');
  const tc = gpu.alloc([c0.length], 'c');
  gpu.write(ta, a);
  gpu.write(tb, b);
  gpu.write(tc, c0);
  const args = { out: tc, a: ta, b: tb, ...opts };
  if (target) {
    // Plan for another kind of adapter than the one running the test (e.g. a GPU's configuration).
    const step = prepareMatmul(gpu.gpu, args, target);
    const enc = gpu.gpu.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    step.encode(pass);
    pass.end();
    gpu.gpu.device.queue.submit([enc.finish()]);
  } else gpu.run([gpu.op(matmul, args)]);
  const got = await gpu.read(tc);
  throwGpuErrors(gpu);
  const ref = c0.slice();
  matmulRef(ref, a, b, opts);
  [ta, tb, tc].forEach((t) => gpu.free(t));
  // Sums of K products of N(0,1) values: scale the tolerance with √K.
  const tol = 2e-5 * Math.sqrt(opts.K) + 1e-5;
  return compare(got, ref, {
    rtol: 1e-4,
    atol: tol,
    label: `${planMatmul({ ...opts } as MatmulArgs).entry} ${JSON.stringify(opts)}`,
  });
}

describe('matmul', () => {
  it('matches the CPU reference on 64 random cases covering every option combination', async () => {
    const { gpu } = await backends();
    const rng = new Rng(1);
    const dim = (max: number) => 1 + rng.int(max);
    const failures: string[] = [];
    const paths = new Set<string>();
    let cases = 0;
    for (let combo = 0; combo < 16; combo++) {
      const flags = {
        transA: (combo & 1) !== 0,
        transB: (combo & 2) !== 0,
        broadcastB: (combo & 4) !== 0,
        accumulate: (combo & 8) !== 0,
      };
      const shapes: Shape[] = [
        { M: 1, N: dim(90), K: dim(90) }, // GEMV (decode)
        { M: 2 + rng.int(70), N: 1, K: dim(90) }, // one column: GEMV of the transposed problem
        { M: 4 * dim(20), N: 4 * dim(20), K: 4 * dim(20) }, // vec4 loads and stores
        { M: dim(70), N: dim(70), K: dim(70) }, // odd sizes, partial tiles
      ];
      for (const s of shapes) {
        const opts = { ...s, batch: 1 + rng.int(3), ...flags };
        paths.add(planMatmul(opts as MatmulArgs).entry);
        const msg = await runCase(gpu, rng, opts);
        if (msg) failures.push(msg);
        cases++;
      }
    }
    expect(cases).toBe(64);
    expect([...paths].sort()).toEqual(['gemvKN', 'gemvNK', 'tile']);
    expect(failures.join('\n')).toBe('');
    expect(gpu.gpu.pool.liveBytes).toBe(0);
  });

  it('matches the CPU reference on shapes larger than a tile', async () => {
    const { gpu } = await backends();
    const rng = new Rng(2);
    const shapes: Shape[] = [
      { M: 130, N: 257, K: 71 },
      { M: 130, N: 257, K: 71, transA: true, transB: true, accumulate: true },
      { M: 128, N: 192, K: 100, batch: 2, broadcastB: true, transB: true },
      { M: 67, N: 129, K: 260, batch: 3, transA: true },
      { M: 1, N: 300, K: 257, batch: 2, transB: true },
      { M: 1, N: 516, K: 130, broadcastB: true, batch: 2 },
      { M: 257, N: 1, K: 200, transA: true },
      // Thin outputs: software adapters cut the tile to 8 or 40 columns (rows).
      { M: 200, N: 4, K: 64, transB: true, accumulate: true },
      { M: 4, N: 70, K: 300, transA: true },
      { M: 130, N: 36, K: 50, batch: 2 },
    ];
    const failures: string[] = [];
    for (const s of shapes) {
      const msg = await runCase(gpu, rng, s);
      if (msg) failures.push(msg);
    }
    expect(failures.join('\n')).toBe('');
    expect(gpu.gpu.pool.liveBytes).toBe(0);
  });

  it('cuts the tile to a thin output on software adapters only', () => {
    const thin = { M: 1024, N: 4, K: 64 } as MatmulArgs;
    expect(planMatmul(thin, { isSoftware: true }).constants).toMatchObject({ WG_X: 1, WG_Y: 8 });
    expect(planMatmul(thin, { isSoftware: true }).workgroups).toEqual([1, 16, 1]);
    expect(planMatmul({ M: 36, N: 128, K: 64 } as MatmulArgs, { isSoftware: true }).constants).toMatchObject({
      WG_X: 8,
      WG_Y: 5,
    });
    expect(planMatmul(thin, { isSoftware: false }).constants).toMatchObject({ WG_X: 8, WG_Y: 8 });
  });

  it('is correct with the GPU configurations too (128×128 tiles, wider GEMV)', async () => {
    const { gpu } = await backends();
    const rng = new Rng(3);
    const target = { isSoftware: false };
    const shapes: Shape[] = [
      { M: 130, N: 129, K: 37, batch: 32, broadcastB: true },
      { M: 129, N: 132, K: 36, batch: 32, transA: true, transB: true, accumulate: true },
      { M: 1, N: 301, K: 130, batch: 2, accumulate: true },
      { M: 1, N: 256, K: 77 },
      { M: 1, N: 259, K: 130, transB: true, batch: 2 },
      { M: 67, N: 1, K: 77, accumulate: true },
    ];
    expect(planMatmul({ ...shapes[0] } as MatmulArgs, target).constants).toMatchObject({
      WG_X: 16,
      WG_Y: 16,
    });
    expect(planMatmul({ ...shapes[2] } as MatmulArgs, target).constants).toMatchObject({ GV_X: 4, GV_K: 64 });
    const failures: string[] = [];
    for (const s of shapes) {
      const msg = await runCase(gpu, rng, s, target);
      if (msg) failures.push(msg);
    }
    expect(failures.join('\n')).toBe('');
    expect(gpu.gpu.pool.liveBytes).toBe(0);
  });

  it('picks the GEMV path for one row or one column and the tile kernel otherwise', () => {
    const t = {} as MatmulArgs['out'];
    const plan = (s: Shape) => planMatmul({ out: t, a: t, b: t, ...s });
    expect(plan({ M: 1, N: 64, K: 32 }).entry).toBe('gemvKN');
    expect(plan({ M: 1, N: 64, K: 32, transB: true }).entry).toBe('gemvNK');
    expect(plan({ M: 64, N: 1, K: 32 }).entry).toBe('gemvNK');
    expect(plan({ M: 64, N: 1, K: 32, transA: true }).entry).toBe('gemvKN');
    expect(plan({ M: 64, N: 1, K: 32 }).swap).toBe(true);
    const tile = plan({ M: 130, N: 257, K: 72, batch: 3 });
    expect(tile.entry).toBe('tile');
    expect(tile.workgroups).toEqual([5, 3, 3]);
    expect(tile.constants).toMatchObject({ VEC_A: 1, VEC_B: 0, WG_X: 8, WG_Y: 8 });
    // GPUs get 128×128 tiles once there are enough of them; software adapters keep 64×64.
    const big = { M: 4096, N: 4096, K: 4096 };
    expect(planMatmul({ out: t, a: t, b: t, ...big }, { isSoftware: false }).workgroups).toEqual([32, 32, 1]);
    expect(planMatmul({ out: t, a: t, b: t, ...big }, { isSoftware: true }).workgroups).toEqual([64, 64, 1]);
    expect(
      planMatmul({ out: t, a: t, b: t, M: 512, N: 512, K: 64 }, { isSoftware: false }).workgroups,
    ).toEqual([8, 8, 1]);
  });
});
