// SSD (Mamba-2) scan backward: f64 CPU reference and the GPU passes (rows pass for dx, dΔ, dA, dD;
// columns pass for dB, dC; then deterministic column sums of the partials into the outputs).
// Adjoint Ĥ_t of the state, walked back in time (a = exp(Δ_t A), ŷ = ∂L/∂y):
//   Ĥ_t = ŷ_t C_tᵀ + a_{t+1} Ĥ_{t+1};  dx_t = D ŷ_t + Δ_t Ĥ_t B_t;  dB_t = Δ_t Ĥ_tᵀ x_t;  dC_t = H_tᵀ ŷ_t;
//   ∂ℓ_t = a_t ⟨Ĥ_t, H_{t−1}⟩ (ℓ = Δ A);  dΔ_t = x_tᵀ Ĥ_t B_t + A ∂ℓ_t;  dA = Σ_t Δ_t ∂ℓ_t;  dD = Σ_t ŷ_t·x_t,
// with dB, dC summed over the heads of a group.
import type { Gpu } from '../gpu/device';
import type { GpuStep, KernelDef } from './backend';
import { prepareDispatch, withScratch } from './dispatch';
import { prepareColumnSum, type Floats } from './elementwise';
import { checkSsd, groupOf, ssdChunking, ssdKernel, type SsdSizes } from './ssd';
import type { Tensor } from './tensor';
import rowsCode from './ssd-backward.wgsl?raw';
import columnsCode from './ssd-backward-bc.wgsl?raw';

export type SsdGradName = 'dx' | 'ddt' | 'dA' | 'dB' | 'dC' | 'dD';

export interface SsdBackwardArgs extends SsdSizes {
  dx: Tensor; // (B, T, H, P)
  ddt: Tensor; // (B, T, H)
  dA: Tensor; // (H)
  dB: Tensor; // (B, T, G, N)
  dC: Tensor; // (B, T, G, N)
  dD: Tensor; // (H)
  x: Tensor;
  dt: Tensor;
  A: Tensor;
  Bm: Tensor;
  C: Tensor;
  D: Tensor;
  /** The forward's chunk-start states, saved with the same chunk length. */
  chunkStates: Tensor; // (B, H, nChunks, P, N)
  dout: Tensor; // (B, T, H, P)
  /** Gradients to add into instead of overwriting (per output). */
  accumulate?: Partial<Record<SsdGradName, boolean>>;
}

type Vals = ArrayLike<number>;

export type SsdGradArrays = Record<SsdGradName, Floats>;

export interface SsdBackwardInputs {
  x: Vals;
  dt: Vals;
  A: Vals;
  Bm: Vals;
  C: Vals;
  D: Vals;
  chunkStates: Vals;
  dout: Vals;
}

/**
 * Plain-loop reference (f64): per (b, h), the states H_0 … H_T from the first chunk-start state, then the
 * adjoint backwards in time. Per-head contributions are summed in f64 before being written.
 */
export function ssdBackwardRef(
  o: SsdGradArrays,
  x: SsdBackwardInputs,
  s: SsdSizes,
  accumulate: Partial<Record<SsdGradName, boolean>> = {},
): void {
  const { B, T, H, P, N, G } = s;
  const { nChunks } = ssdChunking(s);
  const sums = {
    ddt: new Float64Array(B * T * H),
    dA: new Float64Array(H),
    dB: new Float64Array(B * T * G * N),
    dC: new Float64Array(B * T * G * N),
    dD: new Float64Array(H),
    dx: new Float64Array(B * T * H * P),
  };
  const PN = P * N;
  const S = new Float64Array((T + 1) * PN); // S[t·PN + p·N + n] = H_t[p][n]
  const Sh = new Float64Array(PN);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const g = groupOf(s, h);
      for (let e = 0; e < PN; e++) S[e] = x.chunkStates[(b * H + h) * nChunks * PN + e];
      for (let t = 0; t < T; t++) {
        const r = (b * T + t) * H + h;
        const bc = ((b * T + t) * G + g) * N;
        const a = Math.exp(x.dt[r] * x.A[h]);
        for (let p = 0; p < P; p++)
          for (let n = 0; n < N; n++)
            S[(t + 1) * PN + p * N + n] = a * S[t * PN + p * N + n] + x.dt[r] * x.x[r * P + p] * x.Bm[bc + n];
      }
      Sh.fill(0);
      for (let t = T - 1; t >= 0; t--) {
        const r = (b * T + t) * H + h;
        const bc = ((b * T + t) * G + g) * N;
        const [d, a] = [x.dt[r], Math.exp(x.dt[r] * x.A[h])];
        let dl = 0;
        for (let p = 0; p < P; p++) {
          const [xv, od] = [x.x[r * P + p], x.dout[r * P + p]];
          let hB = 0;
          for (let n = 0; n < N; n++) {
            const e = p * N + n;
            Sh[e] += od * x.C[bc + n];
            hB += Sh[e] * x.Bm[bc + n];
            dl += a * Sh[e] * S[t * PN + e];
            sums.dC[bc + n] += od * S[(t + 1) * PN + e];
            sums.dB[bc + n] += d * xv * Sh[e];
          }
          sums.dx[r * P + p] = x.D[h] * od + d * hB;
          sums.ddt[r] += xv * hB;
          sums.dD[h] += od * xv;
        }
        sums.ddt[r] += x.A[h] * dl;
        sums.dA[h] += d * dl;
        for (let e = 0; e < PN; e++) Sh[e] *= a;
      }
    }
  }
  for (const [k, v] of Object.entries(sums) as [SsdGradName, Float64Array][]) {
    const out = o[k];
    for (let i = 0; i < v.length; i++) out[i] = accumulate[k] ? out[i] + v[i] : v[i];
  }
}

function check(a: SsdBackwardArgs): { chunk: number; nChunks: number } {
  const { B, T, H, P, N, G } = a;
  return checkSsd('ssdBackward', a, (nChunks) => [
    ...[a.dx, a.x, a.dout].map((t): [Tensor, number] => [t, B * T * H * P]),
    ...[a.ddt, a.dt].map((t): [Tensor, number] => [t, B * T * H]),
    ...[a.dA, a.A, a.dD, a.D].map((t): [Tensor, number] => [t, H]),
    ...[a.dB, a.Bm, a.dC, a.C].map((t): [Tensor, number] => [t, B * T * G * N]),
    [a.chunkStates, B * H * nChunks * P * N],
  ]);
}

/** The backward's GPU steps: the rows and columns passes into scratch, then one column sum per output. */
export function prepareSsdBackward(gpu: Gpu, a: SsdBackwardArgs): GpuStep {
  const { B, T, H, P, N, G } = a;
  const { chunk, nChunks } = check(a);
  const acc = a.accumulate ?? {};
  // Scratch: dΔ partials (P, B·T·H), dA and dD partials (P·B, H), dB and dC partials (H/G, B·T·G·N),
  // then the per-step states of the chunk being walked (shared by the two passes, which run in turn).
  const [hpg, bcCols] = [H / G, B * T * G * N];
  const sizes = [P * B * T * H, P * B * H, P * B * H, hpg * bcCols, hpg * bcCols];
  const [offDt, offA, offD, offB, offC, offW] = sizes.reduce<number[]>(
    (o, n) => [...o, o[o.length - 1] + n],
    [0],
  );
  const scratch = gpu.pool.acquire((offW + B * H * chunk * P * N) * 4, 'ssdBackward scratch');
  const common = [a.x, a.dt, a.A, a.Bm, a.C];
  const sum = (out: Tensor, rows: number, cols: number, offset: number, name: SsdGradName) =>
    prepareColumnSum(gpu, out, scratch, { rows, cols, offset, accumulate: acc[name] });
  const steps = [
    prepareDispatch(gpu, {
      kernel: ssdKernel('ssdBackwardRows', rowsCode, N, P, chunk),
      buffers: [a.dx, scratch, a.chunkStates, ...common, a.D, a.dout],
      u32: [T, H, P, N, G, nChunks, acc.dx ? 1 : 0, offDt, offA, offD, offW, B],
      workgroups: [H, B],
    }),
    prepareDispatch(gpu, {
      kernel: ssdKernel('ssdBackwardColumns', columnsCode, P, N, chunk),
      buffers: [scratch, a.chunkStates, a.dout, ...common],
      u32: [T, H, P, N, G, nChunks, offB, offC, offW, B],
      workgroups: [H, B],
    }),
    sum(a.ddt, P, B * T * H, offDt, 'ddt'),
    sum(a.dA, P * B, H, offA, 'dA'),
    sum(a.dD, P * B, H, offD, 'dD'),
    sum(a.dB, hpg, bcCols, offB, 'dB'),
    sum(a.dC, hpg, bcCols, offC, 'dC'),
  ];
  return withScratch(gpu, steps, [scratch]);
}

export const ssdBackward: KernelDef<SsdBackwardArgs> = {
  name: 'ssdBackward',
  cpu(a) {
    check(a);
    return () =>
      ssdBackwardRef(
        { dx: a.dx.f32, ddt: a.ddt.f32, dA: a.dA.f32, dB: a.dB.f32, dC: a.dC.f32, dD: a.dD.f32 },
        {
          x: a.x.f32,
          dt: a.dt.f32,
          A: a.A.f32,
          Bm: a.Bm.f32,
          C: a.C.f32,
          D: a.D.f32,
          chunkStates: a.chunkStates.f32,
          dout: a.dout.f32,
        },
        a,
        a.accumulate,
      );
  },
  gpu: (gpu, a) => prepareSsdBackward(gpu, a),
};
