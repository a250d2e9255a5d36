// RetNet retention forward and decode step: sizes, f64-capable CPU reference, and the GPU scan
// (retention.wgsl) that the forward and every backward pass (retention-backward.ts) dispatch.
import type { Gpu } from '../gpu/device';
import { rowsKernel } from './attention-rows';
import type { GpuStep } from './backend';
import { prepareDispatch, withScratch } from './dispatch';
import type { Floats } from './elementwise';
import {
  checkChunked,
  fixedChunking,
  forwardAndStep,
  type Chunking,
  type MatrixStateSizes,
} from './recurrent';
import type { Tensor } from './tensor';
import code from './retention.wgsl?raw';

/** Widest key and value heads the kernels support (one invocation per state row or column). */
export const RETENTION_MAX_D = 128;

export type RetentionSizes = MatrixStateSizes;

export interface RetentionArgs extends RetentionSizes {
  o: Tensor; // (B, T, H, Dv)
  /** Queries, already scaled (RetNet: by 1/√Dk). */
  q: Tensor; // (B, T, H, Dk)
  k: Tensor; // (B, T, H, Dk)
  v: Tensor; // (B, T, H, Dv)
  /** The state at the start of every chunk, saved for the backward. */
  chunkStates?: Tensor; // (B, H, nChunks, Dk, Dv)
  /** Initial state S_0 (zero when absent), overwritten with the final state S_T. */
  state?: Tensor; // (B, H, Dk, Dv)
}

/** One token of decode: the forward with T = 1, the state updated in place. */
export type RetentionStepArgs = Omit<RetentionArgs, 'T' | 'chunk' | 'chunkStates' | 'state'> & {
  state: Tensor;
};

type Vals = ArrayLike<number>;

/** The forward's arrays on the CPU (Float64Array for finite differences). */
export interface RetentionArrays {
  o: Floats;
  q: Vals;
  k: Vals;
  v: Vals;
  chunkStates?: Floats;
  state?: Floats;
}

/** RetNet's fixed decay of head h: γ_h = 1 − 2^(−5−h). */
export function retentionDecay(h: number): number {
  return 1 - 2 ** (-5 - h);
}

export function retentionChunking(s: Pick<RetentionSizes, 'T' | 'chunk'>): Chunking {
  return fixedChunking('retention', s);
}

/** Bytes of the decode state of one retention layer: H·Dk·Dv f32 per sequence. */
export function retentionStateBytes(H: number, Dk: number, Dv: number, B = 1): number {
  return B * H * Dk * Dv * 4;
}

/**
 * Throws unless the sizes are whole and in range and every tensor holds what they imply (`sized`
 * lists tensor and element count, given the chunk count); returns the chunking.
 */
export function checkRetention(
  name: string,
  s: RetentionSizes,
  sized: (nChunks: number) => [Tensor | undefined, number][],
): Chunking {
  const max = RETENTION_MAX_D;
  return checkChunked(
    name,
    { B: s.B, T: s.T, H: s.H, Dk: s.Dk, Dv: s.Dv },
    s.Dk > max || s.Dv > max ? `Dk=${s.Dk}, Dv=${s.Dv}: both must be ≤ ${max}.` : null,
    () => retentionChunking(s),
    sized,
  );
}

function checkForward(name: string, a: RetentionArgs): { chunk: number; nChunks: number } {
  const { B, T, H, Dk, Dv } = a;
  return checkRetention(name, a, (nChunks) => [
    [a.o, B * T * H * Dv],
    [a.q, B * T * H * Dk],
    [a.k, B * T * H * Dk],
    [a.v, B * T * H * Dv],
    [a.chunkStates, B * H * nChunks * Dk * Dv],
    [a.state, B * H * Dk * Dv],
  ]);
}

/** Plain-loop reference of the forward (f64 arithmetic): S ← γ_h S + k vᵀ, o = Sᵀ q. */
export function retentionRef(x: RetentionArrays, s: RetentionSizes): void {
  const { B, T, H, Dk, Dv } = s;
  const { chunk, nChunks } = retentionChunking(s);
  const S = new Float64Array(Dk * Dv);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const bh = b * H + h;
      const gamma = retentionDecay(h);
      for (let e = 0; e < Dk * Dv; e++) S[e] = x.state ? x.state[bh * Dk * Dv + e] : 0;
      for (let t = 0; t < T; t++) {
        if (x.chunkStates && t % chunk === 0) x.chunkStates.set(S, (bh * nChunks + t / chunk) * Dk * Dv);
        const r = (b * T + t) * H + h;
        for (let i = 0; i < Dk; i++)
          for (let j = 0; j < Dv; j++)
            S[i * Dv + j] = gamma * S[i * Dv + j] + x.k[r * Dk + i] * x.v[r * Dv + j];
        for (let j = 0; j < Dv; j++) {
          let acc = 0;
          for (let i = 0; i < Dk; i++) acc += S[i * Dv + j] * x.q[r * Dk + i];
          x.o[r * Dv + j] = acc;
        }
      }
      if (x.state) x.state.set(S, bh * Dk * Dv);
    }
  }
}

/** The FLAG bits of retention.wgsl. */
const FLAG = {
  loadState: 1,
  storeState: 2,
  saveChunks: 4,
  fromChunks: 8,
  reverse: 16,
  accumulateOut: 32,
  accumulateState: 64,
} as const;

/**
 * One pass of the scan x_l ← γ_h x_l + a_{t,l} b_t, out_{t,l} = x_l · c_t over lanes l < `lanes`
 * with vectors of n. The state blocks are (Dk × Dv) row-major: `cols` makes lane l column l (element
 * (e, l) at e·lanes + l), `rows` makes it row l (at l·n + e).
 */
export interface ScanPass {
  out: Tensor | GPUBuffer; // (B, T, H, lanes)
  a: Tensor; // (B, T, H, lanes)
  b: Tensor; // (B, T, H, n)
  c: Tensor; // (B, T, H, n)
  n: number;
  lanes: number;
  layout: 'rows' | 'cols';
  flags: Partial<Record<keyof typeof FLAG, boolean>>;
  state?: Tensor;
  chunkStates?: Tensor;
}

/**
 * The scan's GPU dispatch: one workgroup per (piece, head, sequence); pieces are chunks with fromChunks.
 * Absent state buffers are bound to 16-byte stand-ins (writable bindings must not alias), acquired from
 * the pool into `scratch` for the caller to release (withScratch).
 */
export function prepareScan(
  gpu: Gpu,
  s: Pick<RetentionSizes, 'B' | 'T' | 'H'>,
  chunking: { chunk: number; nChunks: number },
  pass: ScanPass,
  scratch: GPUBuffer[],
): GpuStep {
  const { B, T, H } = s;
  const { chunk, nChunks } = chunking;
  const { n, lanes } = pass;
  const flags = Object.entries(FLAG).reduce(
    (f, [key, bit]) => (pass.flags[key as keyof typeof FLAG] ? f | bit : f),
    0,
  );
  const pieces = pass.flags.fromChunks ? nChunks : 1;
  const orStandIn = (t: Tensor | undefined): Tensor | GPUBuffer => {
    if (t) return t;
    scratch.push(gpu.pool.acquire(16, 'retentionScan unused state'));
    return scratch[scratch.length - 1];
  };
  // One name (and one pipeline per (n, lanes)) for every pass: SwiftShader compiles slowly.
  const kernel = rowsKernel('retentionScan', code, n);
  const [strideE, strideL] = pass.layout === 'cols' ? [lanes, 1] : [1, n];
  return prepareDispatch(gpu, {
    kernel: { ...kernel, constants: { NV: Math.ceil(n / 4), WG: lanes } },
    buffers: [pass.out, orStandIn(pass.chunkStates), orStandIn(pass.state), pass.a, pass.b, pass.c],
    u32: [T, H, n, lanes, pieces > 1 ? chunk : T, chunk, nChunks, strideE, strideL, flags],
    workgroups: [pieces, H, B],
  });
}

/** The forward on the GPU: lane j holds column j of S; a = v, b = k, c = q. */
export function prepareRetention(gpu: Gpu, a: RetentionArgs, name = 'retention'): GpuStep {
  const chunking = checkForward(name, a);
  const scratch: GPUBuffer[] = [];
  const step = prepareScan(
    gpu,
    a,
    chunking,
    {
      out: a.o,
      a: a.v,
      b: a.k,
      c: a.q,
      n: a.Dk,
      lanes: a.Dv,
      layout: 'cols',
      flags: { loadState: !!a.state, storeState: !!a.state, saveChunks: !!a.chunkStates },
      state: a.state,
      chunkStates: a.chunkStates,
    },
    scratch,
  );
  return withScratch(gpu, [step], scratch);
}

const arrays = (a: RetentionArgs): RetentionArrays => ({
  o: a.o.f32,
  q: a.q.f32,
  k: a.k.f32,
  v: a.v.f32,
  chunkStates: a.chunkStates?.f32,
  state: a.state?.f32,
});

export const { forward: retention, step: retentionStep } = forwardAndStep<RetentionArgs, RetentionStepArgs>({
  names: ['retention', 'retentionStep'],
  check: checkForward,
  ref: (a) => retentionRef(arrays(a), a),
  prepare: prepareRetention,
  /** The step as the forward over one token (one chunk of one step). */
  stepArgs: (a) => ({ ...a, T: 1, chunk: 1 }),
});
