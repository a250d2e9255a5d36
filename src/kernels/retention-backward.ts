// RetNet retention backward: f64-capable CPU reference and three GPU passes of the forward's scan
// (retention.wgsl). With Ŝ_t = ∂L/∂S_t, the adjoint runs the forward's recurrence backwards in time,
//   Ŝ_t = γ Ŝ_{t+1} + q_t ô_tᵀ,   dq_t = S_t ô_t,   dk_t = Ŝ_t v_t,   dv_t = Ŝ_tᵀ k_t,   dS_0 = γ Ŝ_1,
// and every row and every column of S and Ŝ evolves on its own, so each gradient is one scan with one
// invocation per row or column and no reduction across invocations:
//   dq: rows of S (a = k, b = v, c = ô) from the chunk states, one workgroup per chunk;
//   dk: rows of Ŝ (a = q, b = ô, c = v), reversed;  dv and dS_0: columns of Ŝ (a = ô, b = q, c = k), reversed.
// The decay is fixed per head, so there is no decay gradient.
import type { Gpu } from '../gpu/device';
import type { GpuStep, KernelDef } from './backend';
import { withScratch } from './dispatch';
import type { Floats } from './elementwise';
import {
  checkRetention,
  prepareScan,
  retentionChunking,
  retentionDecay,
  type RetentionSizes,
  type ScanPass,
} from './retention';
import type { Tensor } from './tensor';

type Grad = 'dq' | 'dk' | 'dv' | 'dstate';

export interface RetentionBackwardArgs extends RetentionSizes {
  /** Each gradient is optional: absent ones are not computed. */
  dq?: Tensor; // (B, T, H, Dk)
  dk?: Tensor; // (B, T, H, Dk)
  dv?: Tensor; // (B, T, H, Dv)
  /** Gradient of the initial state (the forward's `state` on entry). */
  dstate?: Tensor; // (B, H, Dk, Dv)
  q: Tensor;
  k: Tensor;
  v: Tensor;
  /** The forward's chunk-start states, saved with the same chunk length. */
  chunkStates: Tensor; // (B, H, nChunks, Dk, Dv)
  dout: Tensor; // (B, T, H, Dv)
  /** Which gradients to add into instead of overwriting. */
  accumulate?: Partial<Record<Grad, boolean>>;
}

type Vals = ArrayLike<number>;

export type RetentionGradArrays = Partial<Record<Grad, Floats>>;

export interface RetentionBackwardInputs {
  q: Vals;
  k: Vals;
  v: Vals;
  chunkStates: Vals;
  dout: Vals;
}

/**
 * Plain-loop reference (f64): per (b, h), the states forward from the first chunk-start state (for dq),
 * then the adjoint Ŝ backwards in time (for dk, dv and dS_0).
 */
export function retentionBackwardRef(
  o: RetentionGradArrays,
  x: RetentionBackwardInputs,
  s: RetentionSizes,
  accumulate: Partial<Record<Grad, boolean>> = {},
): void {
  const { B, T, H, Dk: K, Dv: V } = s;
  const { nChunks } = retentionChunking(s);
  const put = (g: Grad, i: number, v: number) => {
    const out = o[g];
    if (out) out[i] = accumulate[g] ? out[i] + v : v;
  };
  const S = new Float64Array(K * V);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const bh = b * H + h;
      const gamma = retentionDecay(h);
      for (let e = 0; e < K * V; e++) S[e] = x.chunkStates[bh * nChunks * K * V + e];
      for (let t = 0; t < T; t++) {
        const r = (b * T + t) * H + h;
        for (let i = 0; i < K; i++) {
          let dq = 0;
          for (let j = 0; j < V; j++) {
            S[i * V + j] = gamma * S[i * V + j] + x.k[r * K + i] * x.v[r * V + j];
            dq += S[i * V + j] * x.dout[r * V + j];
          }
          put('dq', r * K + i, dq);
        }
      }
      S.fill(0); // now Ŝ
      for (let t = T - 1; t >= 0; t--) {
        const r = (b * T + t) * H + h;
        for (let i = 0; i < K; i++)
          for (let j = 0; j < V; j++)
            S[i * V + j] = gamma * S[i * V + j] + x.q[r * K + i] * x.dout[r * V + j];
        for (let i = 0; i < K; i++) {
          let dk = 0;
          for (let j = 0; j < V; j++) dk += S[i * V + j] * x.v[r * V + j];
          put('dk', r * K + i, dk);
        }
        for (let j = 0; j < V; j++) {
          let dv = 0;
          for (let i = 0; i < K; i++) dv += S[i * V + j] * x.k[r * K + i];
          put('dv', r * V + j, dv);
        }
      }
      for (let e = 0; e < K * V; e++) put('dstate', bh * K * V + e, gamma * S[e]);
    }
  }
}

function check(a: RetentionBackwardArgs): { chunk: number; nChunks: number } {
  const { B, T, H, Dk: K, Dv: V } = a;
  if (!a.dq && !a.dk && !a.dv && !a.dstate)
    throw new Error('retentionBackward: no gradient requested (pass at least one of dq, dk, dv, dstate).');
  return checkRetention('retentionBackward', a, (nChunks) => [
    ...[a.dq, a.dk, a.q, a.k].map((t): [Tensor | undefined, number] => [t, B * T * H * K]),
    ...[a.dv, a.v, a.dout].map((t): [Tensor | undefined, number] => [t, B * T * H * V]),
    [a.dstate, B * H * K * V],
    [a.chunkStates, B * H * nChunks * K * V],
  ]);
}

/** The wanted passes: dq (rows of S, per chunk), dk (rows of Ŝ), dv and dS_0 (columns of Ŝ). */
export function prepareRetentionBackward(gpu: Gpu, a: RetentionBackwardArgs): GpuStep {
  const chunking = check(a);
  const { Dk: K, Dv: V } = a;
  const acc = a.accumulate ?? {};
  const steps: GpuStep[] = [];
  const scratch: GPUBuffer[] = [];
  const scan = (pass: ScanPass) => steps.push(prepareScan(gpu, a, chunking, pass, scratch));
  if (a.dq) {
    const flags = { fromChunks: true, accumulateOut: acc.dq };
    scan({
      out: a.dq,
      a: a.k,
      b: a.v,
      c: a.dout,
      n: V,
      lanes: K,
      layout: 'rows',
      flags,
      chunkStates: a.chunkStates,
    });
  }
  if (a.dk) {
    const flags = { reverse: true, accumulateOut: acc.dk };
    scan({ out: a.dk, a: a.q, b: a.dout, c: a.v, n: V, lanes: K, layout: 'rows', flags });
  }
  if (a.dv || a.dstate) {
    // dv is the scan's output even when only dS_0 is wanted.
    let dv: Tensor | GPUBuffer | undefined = a.dv;
    if (!dv) scratch.push((dv = gpu.pool.acquire(a.B * a.T * a.H * V * 4, 'retentionBackward unused dv')));
    const flags = {
      reverse: true,
      accumulateOut: !!a.dv && acc.dv,
      storeState: !!a.dstate,
      accumulateState: acc.dstate,
    };
    scan({ out: dv, a: a.dout, b: a.q, c: a.k, n: K, lanes: V, layout: 'cols', flags, state: a.dstate });
  }
  return withScratch(gpu, steps, scratch);
}

export const retentionBackward: KernelDef<RetentionBackwardArgs> = {
  name: 'retentionBackward',
  cpu(a) {
    check(a);
    return () =>
      retentionBackwardRef(
        { dq: a.dq?.f32, dk: a.dk?.f32, dv: a.dv?.f32, dstate: a.dstate?.f32 },
        { q: a.q.f32, k: a.k.f32, v: a.v.f32, chunkStates: a.chunkStates.f32, dout: a.dout.f32 },
        a,
        a.accumulate,
      );
  },
  gpu: (gpu, a) => prepareRetentionBackward(gpu, a),
};
