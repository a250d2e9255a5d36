// SSD (Mamba-2) scan backward: f64 CPU reference and the GPU passes (rows pass for dx and partials of
// dΔ, dA, dD; columns pass for dB, dC; then deterministic sums of the partials into the outputs).
// Adjoint Ĥ_t of the state, walked back in time (a_t = exp(Δ_t A), ŷ = ∂L/∂y, ℓ_t = Δ_t A):
//   Ĥ_t = ŷ_t C_tᵀ + a_{t+1} Ĥ_{t+1};  dx_t = D ŷ_t + Δ_t Ĥ_t B_t;  dB_t = Δ_t Ĥ_tᵀ x_t;  dC_t = H_tᵀ ŷ_t;
//   ∂ℓ_t = a_t ⟨Ĥ_t, H_{t−1}⟩;  dΔ_t = x_tᵀ Ĥ_t B_t + A ∂ℓ_t;  dA = Σ_t Δ_t ∂ℓ_t;  dD = Σ_t ŷ_t·x_t,
// with dB, dC summed over the heads of a group. The GPU never needs the states for ∂ℓ: with
// q_t = ŷ_t·(y_t − D x_t) (what the whole past gives at t) and k_t = Δ_t x_tᵀ Ĥ_t B_t (what the input at t
// gives to the whole future), ∂ℓ_r sums the pairs s < r ≤ t, so ∂ℓ_r = Σ_{t ≥ r} (q_t − k_t), a suffix
// sum in the same backward walk (the initial state's terms are in q). The CPU reference uses the
// states directly, so the two derivations check each other.
import type { Gpu } from '../gpu/device';
import type { GpuStep, KernelDef } from './backend';
import { prepareDispatch, withScratch } from './dispatch';
import { prepareColumnSum, type Floats } from './elementwise';
import { checkSsd, groupOf, ssdKernel, type SsdSizes } from './ssd';
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
  /** The forward's output. */
  y: Tensor; // (B, T, H, P)
  /** The forward's initial state H_0 (zero when absent); its gradient is not computed. */
  state?: Tensor; // (B, H, P, N)
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
  state?: Vals;
  dout: Vals;
}

/**
 * Plain-loop reference (f64): per (b, h), the states H_0 … H_T, then the adjoint backwards in time with
 * ∂ℓ_t = a_t ⟨Ĥ_t, H_{t−1}⟩. Per-head contributions are summed in f64 before being written.
 */
export function ssdBackwardRef(
  o: SsdGradArrays,
  x: SsdBackwardInputs,
  s: SsdSizes,
  accumulate: Partial<Record<SsdGradName, boolean>> = {},
): void {
  const { B, T, H, P, N, G } = s;
  const sums: Record<SsdGradName, Float64Array> = {
    dx: new Float64Array(B * T * H * P),
    ddt: new Float64Array(B * T * H),
    dA: new Float64Array(H),
    dB: new Float64Array(B * T * G * N),
    dC: new Float64Array(B * T * G * N),
    dD: new Float64Array(H),
  };
  const PN = P * N;
  const S = new Float64Array((T + 1) * PN); // S[t·PN + p·N + n] = H_t[p][n]
  const Sh = new Float64Array(PN);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const g = groupOf(s, h);
      for (let e = 0; e < PN; e++) S[e] = x.state ? x.state[(b * H + h) * PN + e] : 0;
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

function check(a: SsdBackwardArgs): void {
  const { B, T, H, P, N, G } = a;
  checkSsd('ssdBackward', a, [
    ...[a.dx, a.x, a.y, a.dout].map((t): [Tensor, number] => [t, B * T * H * P]),
    ...[a.ddt, a.dt].map((t): [Tensor, number] => [t, B * T * H]),
    ...[a.dA, a.A, a.dD, a.D].map((t): [Tensor, number] => [t, H]),
    ...[a.dB, a.Bm, a.dC, a.C].map((t): [Tensor, number] => [t, B * T * G * N]),
    [a.state, B * H * P * N],
  ]);
}

/** The backward's GPU steps: the rows pass, the columns pass, then the sums of the rows' partials. */
export function prepareSsdBackward(gpu: Gpu, a: SsdBackwardArgs): GpuStep {
  const { B, T, H, P, N, G } = a;
  check(a);
  const acc = a.accumulate ?? {};
  // Scratch: dΔ partials (P, B·T·H), dA and dD partials (P·B, H); a stand-in for an absent H_0.
  const [offDt, offA, offD] = [0, P * B * T * H, P * B * (T + 1) * H];
  const scratch = gpu.pool.acquire(P * B * (T + 2) * H * 4, 'ssdBackward scratch');
  const standIn = a.state ? [] : [gpu.pool.acquire(16, 'ssdBackward no initial state')];
  // The rows' partials: short sums, each column in one invocation (SwiftShader runs barriers slowly).
  const sum = (out: Tensor, rows: number, cols: number, offset: number, accumulate?: boolean) =>
    prepareColumnSum(gpu, out, scratch, { rows, cols, offset, accumulate, sequential: true });
  const common = [a.x, a.dt, a.A, a.Bm, a.C];
  const flagsBC = (acc.dB ? 1 : 0) | (acc.dC ? 2 : 0) | (a.state ? 4 : 0);
  return withScratch(
    gpu,
    [
      prepareDispatch(gpu, {
        kernel: ssdKernel('ssdBackwardRows', rowsCode, a, N, P),
        buffers: [a.dx, scratch, a.y, ...common, a.D, a.dout],
        u32: [T, H, P, N, G, acc.dx ? 1 : 0, offDt, offA, offD, B],
        workgroups: [H, B],
      }),
      prepareDispatch(gpu, {
        kernel: ssdKernel('ssdBackwardColumns', columnsCode, a, P, N),
        buffers: [a.dB, a.dC, a.state ?? standIn[0], ...common, a.dout],
        u32: [T, H, P, N, G, flagsBC],
        workgroups: [G, B],
      }),
      sum(a.ddt, P, B * T * H, offDt, acc.ddt),
      sum(a.dA, P * B, H, offA, acc.dA),
      sum(a.dD, P * B, H, offD, acc.dD),
    ],
    [scratch, ...standIn],
  );
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
          state: a.state?.f32,
          dout: a.dout.f32,
        },
        a,
        a.accumulate,
      );
  },
  gpu: (gpu, a) => prepareSsdBackward(gpu, a),
};
