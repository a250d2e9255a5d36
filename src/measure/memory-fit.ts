// Whether a model's training step fits the backend, from the instant cost model alone: the training
// bytes (weights, gradients, AdamW moments, activations) against a memory budget, and the largest
// single buffer against the adapter's binding limit. The playground checks it as the stack is edited;
// the worker checks it again before it allocates anything.
import type { ModelSpec } from '../models/spec';
import { specParams } from '../models/spec-params';
import { FLOAT_BYTES, modelCost } from './cost-model';

export interface MemoryLimits {
  /** Bytes a training step may use in all. */
  budgetBytes: number;
  /** The largest buffer a kernel can bind (maxStorageBufferBindingSize on WebGPU). */
  maxBufferBytes: number;
  /** Where the budget comes from, in words ("half of this machine's 8 GB"). */
  source: string;
}

export interface Fit {
  ok: boolean;
  neededBytes: number;
  budgetBytes: number;
  largestBufferBytes: number;
  maxBufferBytes: number;
  /** Why it does not fit and what to change; absent when it fits. */
  message?: string;
}

const GIB = 2 ** 30;

/**
 * The limits of a backend. WebGPU does not tell how much memory the GPU has, so the budget is half of
 * the machine memory the browser reports (navigator.deviceMemory, which browsers cap at 8 GB; 4 GB
 * assumed when unknown): integrated GPUs share it, and a tab that takes more is killed.
 */
export function memoryLimits(maxStorageBufferBindingSize: number, deviceMemoryGb?: number): MemoryLimits {
  const gb = deviceMemoryGb && deviceMemoryGb > 0 ? deviceMemoryGb : 4;
  return {
    budgetBytes: (gb / 2) * GIB,
    maxBufferBytes: maxStorageBufferBindingSize,
    source: `half of this machine's ${deviceMemoryGb ? `${gb} GB` : 'memory (4 GB assumed)'}`,
  };
}

/** Bytes as "1.5 GB", "12.0 MB", "640 B" (binary units, written the way people read them). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${n.toFixed(n >= 100 ? 0 : 1)} ${units[i]}`;
}

/** The largest buffer of a training step: a parameter, the logits, or the widest projection's output. */
export function largestBufferBytes(spec: ModelSpec, batch: number): number {
  const rows = batch * spec.contextLength;
  let floats = rows * spec.vocab;
  for (const p of specParams(spec)) {
    floats = Math.max(floats, p.size);
    if (p.role === 'linear') floats = Math.max(floats, rows * p.shape[0]);
  }
  return floats * FLOAT_BYTES;
}

/** Checks a training step of `batch` sequences at the spec's context length against the limits. */
export function checkFit(spec: ModelSpec, batch: number, limits: MemoryLimits): Fit {
  const needed = modelCost(spec, spec.contextLength, { batch }).training.total;
  const largest = largestBufferBytes(spec, batch);
  const fit: Fit = {
    ok: needed <= limits.budgetBytes && largest <= limits.maxBufferBytes,
    neededBytes: needed,
    budgetBytes: limits.budgetBytes,
    largestBufferBytes: largest,
    maxBufferBytes: limits.maxBufferBytes,
  };
  const fix = 'lower the width, context length, batch size or layer count';
  if (needed > limits.budgetBytes)
    fit.message =
      `Too large for this device: a training step needs ${formatBytes(needed)} (weights, gradients, ` +
      `AdamW moments and activations at batch ${batch}, context ${spec.contextLength}) but ` +
      `${formatBytes(limits.budgetBytes)} is available (${limits.source}): ${fix}.`;
  else if (largest > limits.maxBufferBytes)
    fit.message =
      `Too large for this device: one buffer needs ${formatBytes(largest)} but the adapter binds at most ` +
      `${formatBytes(limits.maxBufferBytes)}: ${fix}.`;
  return fit;
}
