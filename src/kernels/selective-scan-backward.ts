// Selective scan backward: plain-loop CPU reference and fused GPU kernel with fixed-order partial sums.
import type { Gpu } from '../gpu/device';
import type { GpuStep, KernelDef } from './backend';
import { prepareDispatch, withScratch } from './dispatch';
import { mul, prepareColumnSum, type Floats } from './elementwise';
import {
  checkBindings,
  checkScan,
  scanChunking,
  scanKernel,
  scanPlan,
  type ScanSizes,
  type ScanTarget,
} from './selective-scan-plan';
import type { Tensor } from './tensor';
import code from './selective-scan-backward.wgsl?raw';
import lanesCode from './selective-scan-backward-lanes.wgsl?raw';

export interface SelectiveScanBackwardArgs extends ScanSizes {
  dx: Tensor; // (B, T, dInner)
  ddelta: Tensor; // (B, T, dInner)
  dA: Tensor; // (dInner, N)
  dBm: Tensor; // (B, T, N)
  dC: Tensor; // (B, T, N)
  dDskip: Tensor; // (dInner)
  /** Gradient of the initial state (the forward's `state` on entry), when wanted. */
  dh0?: Tensor; // (B, dInner, N)
  x: Tensor;
  delta: Tensor;
  A: Tensor;
  Bm: Tensor;
  C: Tensor;
  Dskip: Tensor;
  /** The forward's chunk-start states, saved with the same chunk length. */
  chunkStates: Tensor; // (B, nChunks, dInner, N)
  dy: Tensor; // (B, T, dInner)
  /** Add into every gradient instead of overwriting it. */
  accumulate?: boolean;
}

type Vals = ArrayLike<number>;

export interface ScanGradArrays {
  dx: Floats;
  ddelta: Floats;
  dA: Floats;
  dBm: Floats;
  dC: Floats;
  dDskip: Floats;
  dh0?: Floats;
}

export interface ScanBackwardInputs {
  x: Vals;
  delta: Vals;
  A: Vals;
  Bm: Vals;
  C: Vals;
  Dskip: Vals;
  chunkStates: Vals;
  dy: Vals;
}

/**
 * Plain-loop reference (f64): per (b, d), the states h_{−1} … h_{T−1} from the first chunk-start
 * state, then the reverse scan λ_t = C_t·g_t + Ā_{t+1}·λ_{t+1} and the gradients of LAYERS.md.
 */
export function selectiveScanBackwardRef(
  o: ScanGradArrays,
  a: ScanBackwardInputs,
  s: ScanSizes,
  accumulate = false,
): void {
  const { B, T, dInner: D, N } = s;
  const { nChunks } = scanChunking(s);
  const put = (out: Floats, i: number, v: number) => {
    out[i] = accumulate ? out[i] + v : v;
  };
  const [dA, dBm, dC, dDskip] = [D * N, B * T * N, B * T * N, D].map((n) => new Float64Array(n));
  const hs = new Float64Array((T + 1) * N); // hs[(t + 1)·N + n] = h_t[n]
  const lam = new Float64Array(N);
  for (let b = 0; b < B; b++) {
    for (let d = 0; d < D; d++) {
      for (let n = 0; n < N; n++) hs[n] = a.chunkStates[(b * nChunks * D + d) * N + n];
      for (let t = 0; t < T; t++) {
        const i = (b * T + t) * D + d;
        for (let n = 0; n < N; n++) {
          const j = (b * T + t) * N + n;
          const ab = Math.exp(a.delta[i] * a.A[d * N + n]);
          hs[(t + 1) * N + n] = ab * hs[t * N + n] + a.delta[i] * a.Bm[j] * a.x[i];
        }
      }
      lam.fill(0);
      for (let t = T - 1; t >= 0; t--) {
        const i = (b * T + t) * D + d;
        const [dt, xv, g] = [a.delta[i], a.x[i], a.dy[i]];
        let dxv = a.Dskip[d] * g;
        let ddv = 0;
        for (let n = 0; n < N; n++) {
          const j = (b * T + t) * N + n;
          const An = a.A[d * N + n];
          const ab = Math.exp(dt * An);
          const l = lam[n] + a.C[j] * g;
          const prev = hs[t * N + n];
          dxv += l * dt * a.Bm[j];
          ddv += l * (ab * prev * An + a.Bm[j] * xv);
          dA[d * N + n] += l * ab * prev * dt;
          dBm[j] += l * dt * xv;
          dC[j] += g * hs[(t + 1) * N + n];
          lam[n] = ab * l;
        }
        put(o.dx, i, dxv);
        put(o.ddelta, i, ddv);
        dDskip[d] += g * xv;
      }
      if (o.dh0) for (let n = 0; n < N; n++) put(o.dh0, (b * D + d) * N + n, lam[n]);
    }
  }
  for (const [out, v] of [
    [o.dA, dA],
    [o.dBm, dBm],
    [o.dC, dC],
    [o.dDskip, dDskip],
  ] as const)
    v.forEach((x, i) => put(out, i, x));
}

function check(a: SelectiveScanBackwardArgs): { chunk: number; nChunks: number } {
  const { B, T, dInner: D, N } = a;
  return checkScan('selectiveScanBackward', a, (nChunks) => [
    ...[a.dx, a.ddelta, a.x, a.delta, a.dy].map((t): [Tensor, number] => [t, B * T * D]),
    ...[a.dBm, a.dC, a.Bm, a.C].map((t): [Tensor, number] => [t, B * T * N]),
    [a.dA, D * N],
    [a.A, D * N],
    [a.dDskip, D],
    [a.Dskip, D],
    [a.dh0, B * D * N],
    [a.chunkStates, B * nChunks * D * N],
  ]);
}

/** The backward's GPU steps, planned for `target` (the device's adapter by default). */
export function prepareSelectiveScanBackward(
  gpu: Gpu,
  a: SelectiveScanBackwardArgs,
  target: ScanTarget = gpu.adapter,
): GpuStep {
  const { B, T, dInner: D, N } = a;
  const { chunk, nChunks } = check(a);
  const plan = scanPlan(N, target, 'backward', a);
  checkBindings(gpu, 'selectiveScanBackward', 10);
  const lanes = plan.group > 0;
  // Partial rows of dBm and dC: one per workgroup of channels (GPUs) or per channel group (lanes).
  const groups = Math.ceil(D / (lanes ? plan.group : plan.workgroup));
  // Scratch: dBm and dC partials, then dA, dDskip (per batch) and dh0.
  const btn = B * T * N;
  const offA = 2 * groups * btn;
  const offD = offA + B * D * N;
  const offH0 = offD + B * D;
  const size = offH0 + (a.dh0 ? B * D * N : 0);
  const scratch = gpu.pool.acquire(size * 4, 'selectiveScanBackward partials');
  const accumulate = a.accumulate;
  // Software adapters sum these rows without the barrier of the column sum's one-block entry.
  const sum = (out: Tensor, rows: number, cols: number, offset: number) =>
    prepareColumnSum(gpu, out, scratch, { rows, cols, offset, accumulate, sequential: lanes });
  const buffers = [a.dx, a.ddelta, scratch, a.x, a.delta, a.A, a.Bm, a.C, a.dy, a.chunkStates];
  const u32 = [B, T, D, N, nChunks, (accumulate ? 1 : 0) | (a.dh0 ? 2 : 0), offA, offD, offH0];
  const ns = Math.ceil(N / 4);
  const scan = lanes
    ? prepareDispatch(gpu, {
        kernel: scanKernel(
          'selectiveScanBackward.lanes',
          lanesCode
            .replace('GROUP_VEC4S', `${plan.group * ns}u`)
            .replace('GROUP_SIZE', `${plan.group}u`)
            .replace('CHUNK_VEC4S', `${chunk * ns}u`),
          { N, chunk },
          plan,
          { GROUP: plan.group },
        ),
        buffers,
        u32: [...u32, groups],
        workgroups: [Math.ceil((B * groups) / plan.workgroup)],
      })
    : prepareDispatch(gpu, {
        kernel: scanKernel('selectiveScanBackward', code, { N, chunk }, plan),
        buffers,
        u32,
        workgroups: [groups, B],
      });
  const steps = [
    scan,
    // dx += Dskip ⊙ dy, the skip connection's share.
    mul.gpu(gpu, { out: a.dx, a: a.dy, b: a.Dskip, cols: D, n: B * T * D, accumulate: true }),
    sum(a.dBm, groups, btn, 0),
    sum(a.dC, groups, btn, groups * btn),
    sum(a.dA, B, D * N, offA),
    sum(a.dDskip, B, D, offD),
    ...(a.dh0 ? [sum(a.dh0, 1, B * D * N, offH0)] : []),
  ];
  return withScratch(gpu, steps, [scratch]);
}

export const selectiveScanBackward: KernelDef<SelectiveScanBackwardArgs> = {
  name: 'selectiveScanBackward',
  cpu(a) {
    check(a);
    return () =>
      selectiveScanBackwardRef(
        {
          dx: a.dx.f32,
          ddelta: a.ddelta.f32,
          dA: a.dA.f32,
          dBm: a.dBm.f32,
          dC: a.dC.f32,
          dDskip: a.dDskip.f32,
          dh0: a.dh0?.f32,
        },
        {
          x: a.x.f32,
          delta: a.delta.f32,
          A: a.A.f32,
          Bm: a.Bm.f32,
          C: a.C.f32,
          Dskip: a.Dskip.f32,
          chunkStates: a.chunkStates.f32,
          dy: a.dy.f32,
        },
        a,
        a.accumulate,
      );
  },
  gpu: (gpu, a) => prepareSelectiveScanBackward(gpu, a),
};
