// Matmul: C (batch, M, N) = A · B, A (batch, M, K) or transposed (batch, K, M), B (batch, K, N) or
// transposed (batch, N, K); B may be shared by every batch (weights). Optionally accumulates into C.
// The GPU path picks a pipeline by shape (see matmul.wgsl): a register-blocked tile kernel, or a
// GEMV when M = 1 (decode) or N = 1 (the same problem transposed).
import type { Gpu } from '../gpu/device';
import type { GpuStep, KernelDef } from './backend';
import { prepareDispatch } from './dispatch';
import type { Tensor } from './tensor';
import code from './matmul.wgsl?raw';

export interface MatmulArgs {
  out: Tensor;
  a: Tensor;
  b: Tensor;
  M: number;
  N: number;
  K: number;
  batch?: number;
  transA?: boolean;
  transB?: boolean;
  /** B is one matrix used by every batch. */
  broadcastB?: boolean;
  /** C += A·B instead of C = A·B. */
  accumulate?: boolean;
}

function check(a: MatmulArgs): void {
  const batch = a.batch ?? 1;
  const want = [
    [a.out, batch * a.M * a.N],
    [a.a, batch * a.M * a.K],
    [a.b, (a.broadcastB ? 1 : batch) * a.K * a.N],
  ] as const;
  for (const [t, n] of want) {
    if (t.size < n)
      throw new Error(
        `matmul: "${t.label}" has ${t.size} elements, needs ${n} (M=${a.M} N=${a.N} K=${a.K} batch=${batch}).`,
      );
  }
}

export function matmulRef(
  c: Float32Array,
  a: Float32Array,
  b: Float32Array,
  {
    M,
    N,
    K,
    batch = 1,
    transA = false,
    transB = false,
    broadcastB = false,
    accumulate = false,
  }: Omit<MatmulArgs, 'out' | 'a' | 'b'>,
): void {
  for (let z = 0; z < batch; z++) {
    const oa = z * M * K;
    const ob = broadcastB ? 0 : z * K * N;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const av = transA ? a[oa + k * M + m] : a[oa + m * K + k];
          const bv = transB ? b[ob + n * K + k] : b[ob + k * N + n];
          s += av * bv;
        }
        const i = z * M * N + m * N + n;
        c[i] = accumulate ? c[i] + s : s;
      }
    }
  }
}

/**
 * Workgroup shapes of the tile kernel (each invocation computes 8×8 outputs): 64×64 tiles, and on
 * GPUs 128×128 tiles (256 invocations, 16 KiB of workgroup memory) once there are enough of them to
 * fill the device. On an H200 (timestamp queries) 4096³ took 4.9 ms with 128×128 tiles, 8.7 ms with 64×64.
 * CPU emulation keeps 64×64 (cut to a thinner output's width: its cost is per invocation, padding
 * included), and it compiles workgroup memory slowly. There, barrier-free variants reading A and B
 * straight from storage were slower at every register block tried (4×4 to 16×32 outputs per
 * invocation; with 16×16, prefill's matmuls at T 512 took 106 ms against 74 ms, 256³ ran at 1.5
 * GFLOP/s against 2.0), and their big blocks compile for seconds: SwiftShader loads lane by lane.
 */
export const MATMUL_TILES = {
  small: { WG_X: 8, WG_Y: 8, BK: 16 },
  large: { WG_X: 16, WG_Y: 16, BK: 16 },
} as const;
/**
 * Slice depth on software adapters: 32 (16 KiB of workgroup memory with 64×64 tiles) cut a small
 * Transformer's prefill matmuls at T 512 from 70 to 63 ms on SwiftShader.
 */
const SOFTWARE_BK = 32;
/** 128×128 tiles (× batch) needed before the large tile is used. */
const LARGE_TILE_MIN = 128;
/**
 * GEMV workgroups: groups of 4 outputs × K slices. GPUs want more invocations per output (memory
 * parallelism); CPU emulation wants little workgroup memory (compile time) and few invocations.
 */
const GEMV = {
  software: { kn: { GV_X: 16, GV_K: 8 }, nk: { NK_K: 8, NK_Y: 16 } },
  gpu: { kn: { GV_X: 4, GV_K: 64 }, nk: { NK_K: 64, NK_Y: 4 } },
} as const;

export type MatmulPath = 'tile' | 'gemvKN' | 'gemvNK';

export interface MatmulTarget {
  /** A CPU implementation such as SwiftShader (see AdapterDescription.isSoftware). */
  isSoftware: boolean;
}

/**
 * The pipeline (entry point and override constants), uniforms, buffer order and grid for a shape
 * on an adapter (a software one unless told otherwise).
 */
export function planMatmul(
  args: MatmulArgs,
  target: MatmulTarget = { isSoftware: true },
): {
  entry: MatmulPath;
  constants: Record<string, number>;
  u32: number[];
  /** Binding order after the output: A then B, or (N = 1) B then A. */
  swap: boolean;
  workgroups: [number, number, number];
} {
  const { M, N, K } = args;
  const batch = args.batch ?? 1;
  const transA = !!args.transA;
  const transB = !!args.transB;
  const bcast = !!args.broadcastB;
  const acc = args.accumulate ? 1 : 0;
  if (M === 1 || N === 1) {
    // One output row: a vector times a matrix. For N = 1, Cᵀ = Bᵀ·Aᵀ: B is the vector, Aᵀ the matrix.
    const byRow = M === 1;
    const outs = byRow ? N : M;
    // Does the matrix store the output index contiguously ((K, outs)) or the reduction index ((outs, K))?
    const kn = byRow ? !transB : transA;
    const vec = kn ? outs % 4 === 0 : K % 4 === 0;
    const strideVec = byRow ? K : bcast ? 0 : K;
    const strideMat = byRow ? (bcast ? 0 : K * N) : M * K;
    const flags = acc | (outs % 4 === 0 ? 2 : 0);
    const g = target.isSoftware ? GEMV.software : GEMV.gpu;
    const perGroup = 4 * (kn ? g.kn.GV_X : g.nk.NK_Y);
    return {
      entry: kn ? 'gemvKN' : 'gemvNK',
      constants: { VEC_B: +vec, ...(kn ? g.kn : g.nk) },
      u32: [1, outs, K, flags, strideVec, strideMat, outs, 0],
      swap: !byRow,
      workgroups: [Math.ceil(outs / perGroup), batch, 1],
    };
  }
  const large = !target.isSoftware && Math.ceil(M / 128) * Math.ceil(N / 128) * batch >= LARGE_TILE_MIN;
  const tiles = large ? MATMUL_TILES.large : MATMUL_TILES.small;
  // Software adapters: a thin output (N or M < 64, e.g. Δ projections with N = 4) gets a tile cut to
  // its width, so that no invocation computes only padding (SwiftShader runs every invocation), and
  // slices twice as deep: half the barriers, which cost most there.
  const { WG_X, WG_Y, BK } = target.isSoftware
    ? {
        WG_X: Math.min(tiles.WG_X, Math.ceil(N / 8)),
        WG_Y: Math.min(tiles.WG_Y, Math.ceil(M / 8)),
        BK: SOFTWARE_BK,
      }
    : tiles;
  return {
    entry: 'tile',
    constants: {
      TRANS_A: +transA,
      TRANS_B: +transB,
      VEC_A: +((transA ? M : K) % 4 === 0),
      VEC_B: +((transB ? K : N) % 4 === 0),
      WG_X,
      WG_Y,
      BK,
    },
    u32: [M, N, K, acc | (N % 4 === 0 ? 2 : 0), M * K, bcast ? 0 : K * N, M * N, 0],
    swap: false,
    workgroups: [Math.ceil(N / (WG_X * 8)), Math.ceil(M / (WG_Y * 8)), batch],
  };
}

/** The GPU step of one matmul, planned for `target` (the device's adapter by default). */
export function prepareMatmul(gpu: Gpu, args: MatmulArgs, target: MatmulTarget = gpu.adapter): GpuStep {
  const plan = planMatmul(args, target);
  return prepareDispatch(gpu, {
    kernel: { name: `matmul ${plan.entry}`, code, entry: plan.entry, constants: plan.constants },
    buffers: plan.swap ? [args.out, args.b, args.a] : [args.out, args.a, args.b],
    u32: plan.u32,
    workgroups: plan.workgroups,
  });
}

export const matmul: KernelDef<MatmulArgs> = {
  name: 'matmul',
  cpu(args) {
    check(args);
    return () => matmulRef(args.out.f32, args.a.f32, args.b.f32, args);
  },
  gpu(gpu, args) {
    check(args);
    return prepareMatmul(gpu, args);
  },
};
