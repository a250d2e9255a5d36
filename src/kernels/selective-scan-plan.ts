// Selective-scan plan shared by its kernels: sizes and their checks, chunking, workgroup and kernel source.
import type { AdapterDescription, Gpu } from '../gpu/device';
import type { KernelSource } from '../gpu/pipeline-cache';
import { rowsKernel } from './attention-rows';
import { checkChunked, type Chunking } from './recurrent';
import type { Tensor } from './tensor';
import common from './selective-scan-common.wgsl?raw';

/** Widest state the kernels hold in registers (16 vec4s, `MAX_NV` in the WGSL). */
export const SCAN_MAX_N = 64;
/** Vec4s of per-invocation chunk storage in the backward (`MAX_HS`): chunk·⌈N/4⌉ must fit. */
const MAX_HS = 256;
const MAX_CHUNK = 64;

export interface ScanSizes {
  B: number;
  T: number;
  dInner: number;
  N: number;
  /** Time steps per chunk (default: scanChunking). Fixes the layout of chunkStates. */
  chunk?: number;
}

/** Chunk length (default: the longest ≤ 64 whose chunk storage fits the backward) and chunk count. */
export function scanChunking(s: Pick<ScanSizes, 'T' | 'N' | 'chunk'>): { chunk: number; nChunks: number } {
  const fit = MAX_HS / Math.ceil(s.N / 4);
  const chunk = s.chunk ?? Math.min(MAX_CHUNK, 2 ** Math.floor(Math.log2(fit)));
  if (!(Number.isInteger(chunk) && chunk >= 1 && chunk <= fit))
    throw new Error(`selective scan: chunk=${chunk} must be a whole number in [1, ${fit}] for N=${s.N}.`);
  return { chunk, nChunks: Math.ceil(s.T / chunk) };
}

/**
 * Throws unless the sizes are whole and in range and every tensor holds what they imply (`sized`
 * lists tensor and element count, given the chunk count); returns the chunking.
 */
export function checkScan(
  name: string,
  s: ScanSizes,
  sized: (nChunks: number) => [Tensor | undefined, number][],
): Chunking {
  return checkChunked(
    name,
    { B: s.B, T: s.T, dInner: s.dInner, N: s.N },
    s.N > SCAN_MAX_N ? `N=${s.N} is over the kernels' limit of ${SCAN_MAX_N}.` : null,
    () => scanChunking(s),
    sized,
  );
}

/** The kind of adapter a scan is planned for. */
export type ScanTarget = Pick<AdapterDescription, 'isSoftware'>;

/** How a scan kernel runs on a kind of adapter. */
export interface ScanPlan {
  /**
   * Channels per invocation held in registers together. GPUs: 1, for B·nChunks·dInner invocations
   * in the forward, B·dInner in the backward (a GPU broadcasts each step's Bm and C to them).
   * Software adapters, forward: up to 4, sharing each step's Bm and C loads, which SwiftShader makes
   * lane by lane. The backward: 1.
   */
  channels: number;
  /**
   * The backward on software adapters: channels per invocation walked one after another, their dBm
   * and dC summed in private memory (no sum crosses lanes: no barriers). 0: the workgroup sums the
   * channels' dBm and dC in workgroup memory (GPUs); the forwards.
   */
  group: number;
  /**
   * Invocations per workgroup: 64, fewer for wide states so that the backward's reduction buffer
   * (2·⌈N/4⌉·WG vec4s) stays within 8 KiB. Software adapters: 16, so that several channels per
   * invocation still make several workgroups (SwiftShader runs one workgroup per core).
   */
  workgroup: number;
  /** Bm and C staged per chunk in workgroup memory (GPUs), or read from storage (software
   *  adapters, where workgroup loads are slower than storage loads). */
  stage: boolean;
  /**
   * Forward in three chunk-parallel passes (GPUs: one sequential walk of T by B·dInner invocations
   * leaves most of a GPU idle), or in one (software adapters, which have a few cores to fill, and
   * the backward). At B = 1, T = 2048, dInner = 256, N = 16 on an H200, the single pass took 1.49 ms.
   */
  parallel: boolean;
}

/** Register-array length of the kernels (`MAX_NV`): channels per invocation × ⌈N/4⌉ vec4s. */
const MAX_NV = 16;
/** The software backward's channel group: the largest power of two ≤ 16 that leaves at least this
 *  many invocations (SIMD lanes) to spread over the cores. */
const MIN_LANES = 64;

/** On SwiftShader (2 cores, idle) the benchmark's forward took 34 ms with the software plan and 45 ms
 *  with the GPU plan as it was before its forward went chunk-parallel (medians of 11, alternated in
 *  one process; the naive scan 185 ms). The backward at the Mamba preset's sizes (B 16, T 64,
 *  dInner 128, N 16), CPU time of the process on a loaded machine: 132 ms with the software plan,
 *  399 ms with the GPU plan (kernels alone 88 and 122 ms; the rest is the sums of the partials).
 *  `sizes` picks the software backward's channel group. */
export function scanPlan(
  N: number,
  target: ScanTarget,
  kernel: 'forward' | 'backward',
  sizes: Pick<ScanSizes, 'B' | 'dInner'> = { B: 1, dInner: 1 },
): ScanPlan {
  const ns = Math.ceil(N / 4);
  if (target.isSoftware && kernel === 'forward')
    return {
      channels: Math.min(4, Math.floor(MAX_NV / ns)),
      group: 0,
      workgroup: 16,
      stage: false,
      parallel: false,
    };
  if (target.isSoftware) {
    let group = 16;
    while (group > 1 && sizes.B * Math.ceil(sizes.dInner / group) < MIN_LANES) group /= 2;
    return { channels: 1, group, workgroup: 16, stage: false, parallel: false };
  }
  const parallel = kernel === 'forward';
  return { channels: 1, group: 0, workgroup: Math.min(64, Math.floor(256 / ns)), stage: true, parallel };
}

/** A fused scan kernel: the shared prelude, the `c < NV` loops unrolled by the rows kernels' helper
 *  (SwiftShader keeps a loop-indexed private array in memory), and the overrides. */
export function scanKernel(
  name: string,
  body: string,
  s: { N: number; chunk: number },
  plan: ScanPlan,
  extra: Record<string, number> = {},
): KernelSource {
  const ns = Math.ceil(s.N / 4);
  const nv = ns * plan.channels;
  const constants = {
    NS: ns,
    CPI: plan.channels,
    NV: nv,
    VEC: +(s.N % 4 === 0),
    CHUNK: s.chunk,
    WG: plan.workgroup,
    STAGE: +plan.stage,
    ...extra,
  };
  return { name, code: rowsKernel(name, common + body, 4 * nv).code, constants };
}

/** Throws unless the device binds `count` storage buffers per stage (the scans bind 9 and 10: more
 *  than WebGPU's default 8, within the 10 that desktop Chrome offers). */
export function checkBindings(gpu: Gpu, name: string, count: number): void {
  const max = gpu.device.limits.maxStorageBuffersPerShaderStage;
  if (max < count)
    throw new Error(
      `${name} binds ${count} storage buffers; this device allows ${max} (maxStorageBuffersPerShaderStage). Use an adapter that offers ${count}, as desktop Chrome does.`,
    );
}
