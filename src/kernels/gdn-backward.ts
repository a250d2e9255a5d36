// Gated DeltaNet recurrence backward: f64 CPU reference (LAYERS.md adjoint) and the GPU kernel + copy-outs.
import type { AdapterDescription, Gpu } from '../gpu/device';
import type { GpuStep, KernelDef } from './backend';
import { prepareDispatch, withScratch } from './dispatch';
import { prepareColumnSum, type Floats } from './elementwise';
import { checkGdn, gdnChunking, gdnKernel, type GdnSizes } from './gdn';
import type { Tensor } from './tensor';
import code from './gdn-backward.wgsl?raw';
import lanesCode from './gdn-backward-lanes.wgsl?raw';

export interface GdnBackwardArgs extends GdnSizes {
  dq: Tensor; // (B, T, H, Dk)
  dk: Tensor; // (B, T, H, Dk)
  dv: Tensor; // (B, T, H, Dv)
  dbeta: Tensor; // (B, T, H)
  dg: Tensor; // (B, T, H)
  /** Gradient of the initial state (the forward's `state` on entry), when wanted. */
  dstate?: Tensor; // (B, H, Dk, Dv)
  q: Tensor;
  k: Tensor;
  v: Tensor;
  beta: Tensor;
  g: Tensor;
  /** The forward's chunk-start states, saved with the same chunk length. */
  chunkStates: Tensor; // (B, H, nChunks, Dk, Dv)
  dout: Tensor; // (B, T, H, Dv)
  /** Add into every gradient instead of overwriting it. */
  accumulate?: boolean;
}

type Vals = ArrayLike<number>;

export interface GdnGradArrays {
  dq: Floats;
  dk: Floats;
  dv: Floats;
  dbeta: Floats;
  dg: Floats;
  dstate?: Floats;
}

export interface GdnBackwardInputs {
  q: Vals;
  k: Vals;
  v: Vals;
  beta: Vals;
  g: Vals;
  chunkStates: Vals;
  dout: Vals;
}

/**
 * Plain-loop reference (f64): per (b, h), the states S_0 … S_T from the first chunk-start state, then
 * the adjoint Ŝ backwards in time with the gradients of LAYERS.md (dg = dα·α).
 */
export function gdnBackwardRef(
  o: GdnGradArrays,
  x: GdnBackwardInputs,
  s: GdnSizes,
  accumulate = false,
): void {
  const { B, T, H, Dk: K, Dv: V } = s;
  const { nChunks } = gdnChunking(s);
  const put = (out: Floats, i: number, v: number) => {
    out[i] = accumulate ? out[i] + v : v;
  };
  const S = new Float64Array((T + 1) * K * V); // S[t·K·V + i·V + j] = S_t[i][j]
  const Sh = new Float64Array(K * V);
  const [dq, dk] = [new Float64Array(K), new Float64Array(K)];
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const bh = b * H + h;
      for (let e = 0; e < K * V; e++) S[e] = x.chunkStates[bh * nChunks * K * V + e];
      for (let t = 0; t < T; t++) {
        const r = (b * T + t) * H + h;
        const a = Math.exp(x.g[r]);
        for (let j = 0; j < V; j++) {
          let u = 0;
          for (let i = 0; i < K; i++) u += a * S[t * K * V + i * V + j] * x.k[r * K + i];
          const vp = x.beta[r] * (x.v[r * V + j] - u);
          for (let i = 0; i < K; i++)
            S[(t + 1) * K * V + i * V + j] = a * S[t * K * V + i * V + j] + x.k[r * K + i] * vp;
        }
      }
      Sh.fill(0);
      for (let t = T - 1; t >= 0; t--) {
        const r = (b * T + t) * H + h;
        const [a, be] = [Math.exp(x.g[r]), x.beta[r]];
        const [prev, cur] = [t * K * V, (t + 1) * K * V];
        dq.fill(0);
        dk.fill(0);
        let [dbeta, dalpha] = [0, 0];
        for (let j = 0; j < V; j++) {
          const [vj, od] = [x.v[r * V + j], x.dout[r * V + j]];
          let [xj, yj] = [0, 0];
          for (let i = 0; i < K; i++) {
            Sh[i * V + j] += x.q[r * K + i] * od;
            xj += S[prev + i * V + j] * x.k[r * K + i];
            yj += Sh[i * V + j] * x.k[r * K + i];
            dalpha += Sh[i * V + j] * S[prev + i * V + j];
            dq[i] += S[cur + i * V + j] * od;
          }
          put(o.dv, r * V + j, be * yj);
          dbeta += yj * (vj - a * xj);
          dalpha -= be * xj * yj;
          for (let i = 0; i < K; i++) {
            dk[i] += be * (vj * Sh[i * V + j] - a * (yj * S[prev + i * V + j] + xj * Sh[i * V + j]));
            Sh[i * V + j] = a * (Sh[i * V + j] - be * yj * x.k[r * K + i]);
          }
        }
        for (let i = 0; i < K; i++) {
          put(o.dq, r * K + i, dq[i]);
          put(o.dk, r * K + i, dk[i]);
        }
        put(o.dbeta, r, dbeta);
        put(o.dg, r, dalpha * a);
      }
      if (o.dstate) for (let e = 0; e < K * V; e++) put(o.dstate, bh * K * V + e, Sh[e]);
    }
  }
}

function check(a: GdnBackwardArgs): { chunk: number; nChunks: number } {
  const { B, T, H, Dk: K, Dv: V } = a;
  return checkGdn('gdnBackward', a, (nChunks) => [
    ...[a.dq, a.dk, a.q, a.k].map((t): [Tensor, number] => [t, B * T * H * K]),
    ...[a.dv, a.v, a.dout].map((t): [Tensor, number] => [t, B * T * H * V]),
    ...[a.dbeta, a.dg, a.beta, a.g].map((t): [Tensor, number] => [t, B * T * H]),
    [a.dstate, B * H * K * V],
    [a.chunkStates, B * H * nChunks * K * V],
  ]);
}

/** The kind of adapter the backward is planned for. */
export type GdnTarget = Pick<AdapterDescription, 'isSoftware'>;

/** Largest state (vec4s) the lanes kernel keeps per invocation, twice (S and Ŝ): 8 KiB each.
 *  SwiftShader crashed the process at 16 KiB each (Dk = Dv = 64); 9 KiB (Dk = Dv = 48) ran. */
const LANES_MAX_VEC4S = 512;
/** Invocations (heads) per workgroup of the lanes kernel: a few SIMD groups of SwiftShader's 4 lanes. */
const LANES_WG = 8;

/**
 * How the backward runs: `columns` (GPUs) — one workgroup per (b, h), one invocation per state column,
 * sums over columns in workgroup memory; `lanes` (software adapters, states up to LANES_MAX_VEC4S) —
 * one invocation per (b, h), no barriers. On SwiftShader (2 cores, CPU time of the process on a
 * loaded machine) at the OLMo-hybrid preset's sizes (B 16, T 64, H 4, Dk 12, Dv 24) one backward
 * took 68 ms planned `lanes`, 915 ms planned `columns` (kernels alone 54 and 148 ms; the rest was the
 * column sum's barrier entry copying the gradients out, since replaced by its barrier-free one for a
 * few rows). The copy-outs (one row each) take that entry on every adapter.
 */
export function gdnBackwardPlan(s: Pick<GdnSizes, 'Dk' | 'Dv'>, target: GdnTarget): 'columns' | 'lanes' {
  return target.isSoftware && s.Dv * Math.ceil(s.Dk / 4) <= LANES_MAX_VEC4S ? 'lanes' : 'columns';
}

/** The backward's GPU steps, planned for `target` (the device's adapter by default): the adjoint kernel
 *  into scratch, then one copy (or add) per output. */
export function prepareGdnBackward(gpu: Gpu, a: GdnBackwardArgs, target: GdnTarget = gpu.adapter): GpuStep {
  const { B, T, H, Dk: K, Dv: V } = a;
  const { chunk, nChunks } = check(a);
  const plan = gdnBackwardPlan(a, target);
  // Scratch: dq, dk, dv, dβ, dg, Ŝ_0, then the per-step states of the chunk being walked (the lanes
  // kernel pads each column to NV vec4s).
  const sizes = [
    B * T * H * K,
    B * T * H * K,
    B * T * H * V,
    B * T * H,
    B * T * H,
    a.dstate ? B * H * K * V : 0,
  ];
  const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((x, y) => x + y, 0));
  const offW = offsets[5] + sizes[5];
  const nv = Math.ceil(K / 4);
  const stateFloats = plan === 'lanes' ? V * nv * 4 : K * V;
  const scratch = gpu.pool.acquire((offW + B * H * chunk * stateFloats) * 4, 'gdnBackward scratch');
  const outputs = [a.dq, a.dk, a.dv, a.dbeta, a.dg, a.dstate];
  const u32 = [T, H, K, V, nChunks, a.dstate ? 1 : 0, ...offsets.slice(1), offW];
  let kernelStep: GpuStep;
  if (plan === 'lanes') {
    const kernel = gdnKernel('gdnBackward.lanes', lanesCode.replace('STATE_VEC4S', `${V * nv}u`), a, chunk);
    kernelStep = prepareDispatch(gpu, {
      kernel: { ...kernel, constants: { ...kernel.constants, WG: LANES_WG } },
      buffers: [scratch, a.chunkStates, a.dout, a.q, a.k, a.v, a.beta, a.g],
      u32: [...u32, B * H],
      workgroups: [Math.ceil((B * H) / LANES_WG)],
    });
  } else {
    const kernel = gdnKernel('gdnBackward', code, a, chunk);
    kernelStep = prepareDispatch(gpu, {
      kernel: { ...kernel, constants: { ...kernel.constants, SL: Math.min(nv, Math.floor(512 / V)) } },
      buffers: [scratch, a.chunkStates, a.dout, a.q, a.k, a.v, a.beta, a.g],
      u32,
      workgroups: [H, B],
    });
  }
  const steps = [
    kernelStep,
    ...outputs.flatMap((out, i) => {
      if (!out) return [];
      const spec = { rows: 1, cols: sizes[i], offset: offsets[i], accumulate: a.accumulate };
      return [prepareColumnSum(gpu, out, scratch, spec)];
    }),
  ];
  return withScratch(gpu, steps, [scratch]);
}

export const gdnBackward: KernelDef<GdnBackwardArgs> = {
  name: 'gdnBackward',
  cpu(a) {
    check(a);
    return () =>
      gdnBackwardRef(
        { dq: a.dq.f32, dk: a.dk.f32, dv: a.dv.f32, dbeta: a.dbeta.f32, dg: a.dg.f32, dstate: a.dstate?.f32 },
        {
          q: a.q.f32,
          k: a.k.f32,
          v: a.v.f32,
          beta: a.beta.f32,
          g: a.g.f32,
          chunkStates: a.chunkStates.f32,
          dout: a.dout.f32,
        },
        a,
        a.accumulate,
      );
  },
  gpu: (gpu, a) => prepareGdnBackward(gpu, a),
};
