// Matmul: C (batch, M, N) = A · B, A (batch, M, K) or transposed (batch, K, M), B (batch, K, N) or
// transposed (batch, N, K); B may be shared by every batch (weights). Optionally accumulates into C.
import type { KernelDef } from './backend';
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

export const matmul: KernelDef<MatmulArgs> = {
  name: 'matmul',
  cpu(args) {
    check(args);
    return () => matmulRef(args.out.f32, args.a.f32, args.b.f32, args);
  },
  gpu(gpu, args) {
    check(args);
    const batch = args.batch ?? 1;
    return prepareDispatch(gpu, {
      kernel: { name: 'matmul', code },
      buffers: [args.out, args.a, args.b],
      u32: [
        args.M,
        args.N,
        args.K,
        args.transA ? 1 : 0,
        args.transB ? 1 : 0,
        args.accumulate ? 1 : 0,
        args.M * args.K,
        args.broadcastB ? 0 : args.K * args.N,
      ],
      workgroups: [Math.ceil(args.N / 16), Math.ceil(args.M / 16), batch],
    });
  },
};
