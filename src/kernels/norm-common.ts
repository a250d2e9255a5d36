// Shared by the row norms (layernorm, rmsnorm): size checks, the WGSL prelude, the plan of the
// per-row entries and step assembly.
import type { AdapterDescription, Gpu } from '../gpu/device';
import type { KernelSource } from '../gpu/pipeline-cache';
import type { GpuStep } from './backend';
import { grid, prepareDispatch } from './dispatch';
import { checkSizes, rowsPerBlock } from './elementwise';
import type { Tensor } from './tensor';
import common from './norm-common.wgsl?raw';

/** How the per-row entries (forward, backward's dx) spread the work: `workgroups`, one workgroup per
 *  row summing in workgroup memory (GPUs); `rows`, one invocation per row looping over its D values,
 *  with no barriers (software adapters, where a barrier costs far more than the serial loop). */
export type NormPlan = 'workgroups' | 'rows';

/** Rows per workgroup of the `rows` plan. */
const ROWS_WG = 64;

/** The kind of adapter a norm is planned for. */
export type NormTarget = Pick<AdapterDescription, 'isSoftware'>;

/** The plan of the per-row entries: `plan` when given, else rows on software adapters. */
export function normPlan(target: NormTarget, plan?: NormPlan): NormPlan {
  return plan ?? (target.isSoftware ? 'rows' : 'workgroups');
}

/** Workgroup size of the `workgroups` plan: a power of two (at most 256) giving each invocation about
 *  four values of the row. */
export function rowWorkgroup(D: number): number {
  return Math.min(256, 2 ** Math.ceil(Math.log2(Math.ceil(D / 4))));
}

/** A norm's WGSL with the shared prelude (norm-common.wgsl) prepended. */
export function normCode(own: string): string {
  return common + own;
}

/** Forces the plan of the per-row entries (tests run both); by default chosen by the adapter. */
export interface NormPlanOption {
  plan?: NormPlan;
}

/** Sizes and flags of a norm's backward. */
export interface NormBackwardOptions extends NormPlanOption {
  rows: number;
  D: number;
  /** dx += instead of dx =. */
  accumulate?: boolean;
  /** Parameter gradients += instead of = (their own flag: a parameter's first contribution may come later). */
  accumulateParams?: boolean;
}

interface NormSizes {
  rows: number;
  D: number;
  weight: Tensor;
}

/** Throws unless `perElement` hold rows·D values, weight D and `perRow` rows. */
export function checkNorm(name: string, a: NormSizes, perElement: Tensor[], perRow: Tensor[]): void {
  checkSizes(name, a.rows * a.D, perElement);
  checkSizes(name, a.D, [a.weight]);
  checkSizes(name, a.rows, perRow);
}

/** A per-row entry's pipeline constants and grid under its plan. */
function perRow(
  gpu: Gpu,
  kernel: Omit<KernelSource, 'constants'>,
  a: { rows: number; D: number } & NormPlanOption,
): { kernel: KernelSource; workgroups: [number, number] } {
  const byRows = normPlan(gpu.adapter, a.plan) === 'rows';
  return {
    kernel: { ...kernel, constants: { WG: byRows ? ROWS_WG : rowWorkgroup(a.D), ROWS: +byRows } },
    workgroups: grid(a.rows, byRows ? ROWS_WG : 1),
  };
}

/** The forward dispatch (entry `forward`). */
export function prepareNormForward(
  gpu: Gpu,
  name: string,
  code: string,
  buffers: Tensor[],
  a: { rows: number; D: number; eps: number } & NormPlanOption,
): GpuStep {
  return prepareDispatch(gpu, {
    ...perRow(gpu, { name, code, entry: 'forward' }, a),
    buffers,
    u32: [a.rows, a.D, 0, 0],
    f32: [a.eps],
  });
}

export interface NormBackwardSpec {
  name: string;
  code: string;
  a: NormBackwardOptions;
  /** Buffers of the dx entry `backward`. */
  dxBuffers: Tensor[];
  /** Entry writing the per-block parameter partials, and its buffers after the partials. */
  paramEntry: string;
  paramBuffers: Tensor[];
  /** Parameters per column (dweight, dbias…): the partials hold (blocks, sums, D). */
  sums: number;
  /** Label of the partials buffer. */
  label: string;
}

/** The dx step and the per-block partial step of a norm's backward; `partials` (scratch from the
 *  pool) then holds `blocks` row blocks to be summed per column. */
export function prepareNormBackward(
  gpu: Gpu,
  s: NormBackwardSpec,
): { steps: GpuStep[]; partials: GPUBuffer; blocks: number } {
  const { a } = s;
  const per = rowsPerBlock(a.rows);
  const blocks = Math.ceil(a.rows / per);
  const partials = gpu.pool.acquire(blocks * s.sums * a.D * 4, s.label);
  const u32 = [a.rows, a.D, per, a.accumulate ? 1 : 0];
  const dxStep = prepareDispatch(gpu, {
    ...perRow(gpu, { name: s.name, code: s.code, entry: 'backward' }, a),
    buffers: s.dxBuffers,
    u32,
    f32: [0],
  });
  const partialStep = prepareDispatch(gpu, {
    kernel: { name: `${s.name}.${s.paramEntry}`, code: s.code, entry: s.paramEntry },
    buffers: [partials, ...s.paramBuffers],
    u32,
    f32: [0],
    workgroups: [Math.ceil(a.D / 64), blocks],
  });
  return { steps: [dxStep, partialStep], partials, blocks };
}
