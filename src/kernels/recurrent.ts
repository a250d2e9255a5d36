// Shared by the recurrent kernels (retention, Gated DeltaNet, WKV-7, selective scan, SSD): the size
// checks (whole positive sizes, the kernel's range limit, the chunking that fixes the layout of
// chunkStates, every tensor's element count) and the forward/decode-step kernel pair.
import type { Gpu } from '../gpu/device';
import type { GpuStep, KernelDef } from './backend';
import { checkSizes } from './elementwise';
import type { Tensor } from './tensor';

/** Sizes of a matrix-state recurrence (Gated DeltaNet, retention): one Dk × Dv state per head. */
export interface MatrixStateSizes {
  B: number;
  T: number;
  H: number;
  Dk: number;
  Dv: number;
  /** Time steps per chunk (default 16). Fixes the layout of chunkStates. */
  chunk?: number;
}

export interface Chunking {
  chunk: number;
  nChunks: number;
}

/** `chunk` time steps per chunk (default 16; any whole number ≥ 1) and the chunk count for T steps. */
export function fixedChunking(kernel: string, s: { T: number; chunk?: number }, defaultChunk = 16): Chunking {
  const chunk = s.chunk ?? defaultChunk;
  if (!(Number.isInteger(chunk) && chunk >= 1))
    throw new Error(`${kernel}: chunk=${chunk} must be a whole number ≥ 1.`);
  return { chunk, nChunks: Math.ceil(s.T / chunk) };
}

/** Throws unless every size is a whole number ≥ 1. */
export function checkWholeSizes(name: string, sizes: Record<string, number>): void {
  for (const [key, v] of Object.entries(sizes))
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`${name}: ${key}=${v} must be a whole number ≥ 1.`);
}

/** Throws unless every tensor given holds its element count. */
export function checkTensors(name: string, sized: [Tensor | undefined, number][]): void {
  for (const [t, n] of sized) if (t) checkSizes(name, n, [t]);
}

/**
 * Throws unless the sizes are whole, `overLimit` (the sizes' range error, or null) is null, and every
 * tensor holds what the sizes imply (`sized` lists tensor and element count, given the chunk count);
 * returns the chunking.
 */
export function checkChunked(
  name: string,
  sizes: Record<string, number>,
  overLimit: string | null,
  chunking: () => Chunking,
  sized: (nChunks: number) => [Tensor | undefined, number][],
): Chunking {
  checkWholeSizes(name, sizes);
  if (overLimit) throw new Error(`${name}: ${overLimit}`);
  const c = chunking();
  checkTensors(name, sized(c.nChunks));
  return c;
}

/**
 * A recurrence's forward kernel and its decode step. The step is the forward over one token
 * (`stepArgs`: T = 1, one chunk of one step): checked, run by the CPU reference and prepared on the GPU
 * by the forward's code, under the step's name.
 */
export function forwardAndStep<A, S>(o: {
  names: [forward: string, step: string];
  check: (name: string, a: A) => unknown;
  /** The CPU reference on the args' arrays. */
  ref: (a: A) => void;
  prepare: (gpu: Gpu, a: A, name: string) => GpuStep;
  stepArgs: (a: S) => A;
}): { forward: KernelDef<A>; step: KernelDef<S> } {
  const [forwardName, stepName] = o.names;
  const forward: KernelDef<A> = {
    name: forwardName,
    cpu(a) {
      o.check(forwardName, a);
      return () => o.ref(a);
    },
    gpu: (gpu, a) => o.prepare(gpu, a, forwardName),
  };
  const step: KernelDef<S> = {
    name: stepName,
    cpu(a) {
      o.check(stepName, o.stepArgs(a));
      return () => o.ref(o.stepArgs(a));
    },
    gpu: (gpu, a) => o.prepare(gpu, o.stepArgs(a), stepName),
  };
  return { forward, step };
}
