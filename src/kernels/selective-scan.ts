// Selective scan (Mamba S6, LAYERS.md) forward and decode step: plain-loop CPU reference, fused GPU kernels.
import type { Gpu } from '../gpu/device';
import type { GpuStep, KernelDef } from './backend';
import { grid, prepareDispatch, withScratch } from './dispatch';
import type { Floats } from './elementwise';
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
import code from './selective-scan.wgsl?raw';
import carryCode from './selective-scan-carry.wgsl?raw';
import chunksCode from './selective-scan-chunks.wgsl?raw';

export interface SelectiveScanArgs extends ScanSizes {
  y: Tensor; // (B, T, dInner)
  x: Tensor; // (B, T, dInner)
  /** Δ, already softplus'ed. */
  delta: Tensor; // (B, T, dInner)
  /** A = −exp(A_log). */
  A: Tensor; // (dInner, N)
  Bm: Tensor; // (B, T, N)
  C: Tensor; // (B, T, N)
  Dskip: Tensor; // (dInner)
  /** The state at the start of every chunk, saved for the backward. */
  chunkStates?: Tensor; // (B, nChunks, dInner, N)
  /** Initial state h_{−1} (zero when absent), overwritten with the final state h_{T−1}. */
  state?: Tensor; // (B, dInner, N)
}

/** One token of decode: the forward with T = 1, the state updated in place. */
export interface SelectiveScanStepArgs {
  y: Tensor; // (B, dInner)
  x: Tensor; // (B, dInner)
  delta: Tensor; // (B, dInner)
  A: Tensor; // (dInner, N)
  Bm: Tensor; // (B, N)
  C: Tensor; // (B, N)
  Dskip: Tensor; // (dInner)
  state: Tensor; // (B, dInner, N)
  B: number;
  dInner: number;
  N: number;
}

type Vals = ArrayLike<number>;

/** The forward's arrays on the CPU (Float64Array for finite differences). */
export interface ScanArrays {
  y: Floats;
  x: Vals;
  delta: Vals;
  A: Vals;
  Bm: Vals;
  C: Vals;
  Dskip: Vals;
  chunkStates?: Floats;
  state?: Floats;
}

/** Bytes of the decode state of one Mamba scan (the SSM part; the conv state is separate). */
export function selectiveScanStateBytes(dInner: number, N: number, B = 1): number {
  return B * dInner * N * 4;
}

function checkForward(name: string, a: SelectiveScanArgs): { chunk: number; nChunks: number } {
  const { B, T, dInner: D, N } = a;
  return checkScan(name, a, (nChunks) => [
    [a.y, B * T * D],
    [a.x, B * T * D],
    [a.delta, B * T * D],
    [a.A, D * N],
    [a.Bm, B * T * N],
    [a.C, B * T * N],
    [a.Dskip, D],
    [a.chunkStates, B * nChunks * D * N],
    [a.state, B * D * N],
  ]);
}

/** Plain-loop reference of the forward (f64 arithmetic). */
export function selectiveScanRef(o: ScanArrays, s: ScanSizes): void {
  const { B, T, dInner: D, N } = s;
  const { chunk, nChunks } = scanChunking(s);
  const h = new Float64Array(N);
  for (let b = 0; b < B; b++) {
    for (let d = 0; d < D; d++) {
      const row = (b * D + d) * N;
      for (let n = 0; n < N; n++) h[n] = o.state ? o.state[row + n] : 0;
      for (let t = 0; t < T; t++) {
        if (o.chunkStates && t % chunk === 0) {
          const at = ((b * nChunks + t / chunk) * D + d) * N;
          for (let n = 0; n < N; n++) o.chunkStates[at + n] = h[n];
        }
        const i = (b * T + t) * D + d;
        const dt = o.delta[i];
        let acc = 0;
        for (let n = 0; n < N; n++) {
          const j = (b * T + t) * N + n;
          h[n] = Math.exp(dt * o.A[d * N + n]) * h[n] + dt * o.Bm[j] * o.x[i];
          acc += o.C[j] * h[n];
        }
        o.y[i] = acc + o.Dskip[d] * o.x[i];
      }
      if (o.state) for (let n = 0; n < N; n++) o.state[row + n] = h[n];
    }
  }
}

/** The CPU arrays of forward (or step) arguments. */
export function scanArrays(a: Omit<SelectiveScanArgs, keyof ScanSizes>): ScanArrays {
  return {
    y: a.y.f32,
    x: a.x.f32,
    delta: a.delta.f32,
    A: a.A.f32,
    Bm: a.Bm.f32,
    C: a.C.f32,
    Dskip: a.Dskip.f32,
    chunkStates: a.chunkStates?.f32,
    state: a.state?.f32,
  };
}

/**
 * The forward's GPU step, planned for `target` (the device's adapter by default). Sequential plans
 * (and a single chunk) walk T in one fused kernel; the chunk-parallel plan makes three passes, the
 * state on chip in each: (1) per (b, chunk, channel), the chunk's end state from h = 0 and its Σ Δ;
 * (2) per (b, channel, n), the true chunk-start states (into chunkStates, or scratch) and the final
 * state, sequentially over chunks; (3) per (b, chunk, channel), the chunk again from its start, writing y.
 */
export function prepareSelectiveScan(
  gpu: Gpu,
  a: SelectiveScanArgs,
  target: ScanTarget = gpu.adapter,
  name = 'selectiveScan',
): GpuStep {
  const { B, T, dInner: D, N } = a;
  const { chunk, nChunks } = checkForward(name, a);
  const plan = scanPlan(N, target, 'forward');
  checkBindings(gpu, name, 9);
  const scratch: GPUBuffer[] = [];
  const acquire = (bytes: number, label: string): GPUBuffer => {
    scratch.push(gpu.pool.acquire(bytes, label));
    return scratch[scratch.length - 1];
  };
  // Absent outputs are bound to 16-byte stand-ins (writable bindings must not alias).
  const orStandIn = (t: Tensor | undefined): Tensor | GPUBuffer =>
    t ?? acquire(16, 'selectiveScan unused output');
  const withState = a.state ? 1 : 0;
  if (!plan.parallel || nChunks === 1) {
    const step = prepareDispatch(gpu, {
      kernel: scanKernel(name, code, { N, chunk }, plan),
      buffers: [a.y, orStandIn(a.chunkStates), orStandIn(a.state), a.x, a.delta, a.A, a.Bm, a.C, a.Dskip],
      u32: [T, D, N, nChunks, withState | (a.chunkStates ? 2 : 0)],
      workgroups: [Math.ceil(D / (plan.workgroup * plan.channels)), B],
    });
    return withScratch(gpu, [step], scratch);
  }
  const starts = a.chunkStates ?? acquire(B * nChunks * D * N * 4, 'selectiveScan chunk starts');
  const dsums = acquire(B * nChunks * D * 4, 'selectiveScan chunk Δ sums');
  const chunks = (pass: 1 | 3): GpuStep => {
    const kernel = scanKernel(`${name}Chunks${pass}`, chunksCode, { N, chunk }, plan);
    return prepareDispatch(gpu, {
      kernel: { ...kernel, constants: { ...kernel.constants, PASS: pass } },
      buffers: [a.y, starts, dsums, a.x, a.delta, a.A, a.Bm, a.C, a.Dskip],
      u32: [T, D, N, nChunks],
      workgroups: [Math.ceil(D / plan.workgroup), nChunks, B],
    });
  };
  const carry = prepareDispatch(gpu, {
    kernel: { name: `${name}Carry`, code: carryCode },
    buffers: [starts, orStandIn(a.state), dsums, a.A],
    u32: [D, N, nChunks, withState, B * D * N],
    workgroups: grid(B * D * N, 64),
  });
  return withScratch(gpu, [chunks(1), carry, chunks(3)], scratch);
}

export const selectiveScan: KernelDef<SelectiveScanArgs> = {
  name: 'selectiveScan',
  cpu(a) {
    checkForward('selectiveScan', a);
    return () => selectiveScanRef(scanArrays(a), a);
  },
  gpu: (gpu, a) => prepareSelectiveScan(gpu, a),
};

/** The step as the forward over one token (one chunk of one step). */
const stepArgs = (a: SelectiveScanStepArgs): SelectiveScanArgs => ({ ...a, T: 1, chunk: 1 });

export const selectiveScanStep: KernelDef<SelectiveScanStepArgs> = {
  name: 'selectiveScanStep',
  cpu(a) {
    checkForward('selectiveScanStep', stepArgs(a));
    return () => selectiveScanRef(scanArrays(a), stepArgs(a));
  },
  gpu: (gpu, a) => prepareSelectiveScan(gpu, stepArgs(a), gpu.adapter, 'selectiveScanStep'),
};
