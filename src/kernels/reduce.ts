// Global L2 norm of a list of gradient tensors, fused with the training loop's NaN/Inf guard (the norm
// is NaN when an element is non-finite or Σg² overflows f32) and its running per-step statistics.
import type { KernelDef } from './backend';
import { prepareDispatch, sequence } from './dispatch';
import type { Tensor } from './tensor';
import common from './reduce-common.wgsl?raw';
import partialsCode from './reduce.wgsl?raw';
import normCode from './reduce-norm.wgsl?raw';

export interface GradNormArgs {
  /** 1 element: the global L2 norm, NaN when the step is non-finite (AdamW then skips its update). */
  norm: Tensor;
  /** f32, 4 elements, running sums since the caller last zeroed them (see STATS). */
  stats: Tensor;
  /** GPU partial sums, ≥ gradNormScratchSize(grads) elements; the CPU reference does not use it. */
  scratch: Tensor;
  grads: readonly Tensor[];
  /** crossEntropy's loss: element 0 is added to the running stats. */
  loss: Tensor;
}

/** Slots of GradNormArgs.stats: the one buffer the training loop reads every N steps. */
export const STATS = {
  /** Steps whose gradient norm was not finite: their AdamW updates were skipped. */
  nonFinite: 0,
  steps: 1,
  lossSum: 2,
  /** Sum of the norms of the finite steps. */
  normSum: 3,
} as const;

const WG = 256;
/** Tensors per pass-1 dispatch: 6 read bindings + the partials stay within 8 storage buffers. */
const SLOTS = 6;
const MAX_GROUPS = 256;
const F32_MAX = 3.4028234663852886e38;

/** Workgroups (= partials) for one tensor, at most MAX_GROUPS: 16 vec4 loads per invocation. On an
 *  H200, 30 tensors of 1M: 8 loads/invocation 74 µs, 32 loads 122 µs; on CPU emulation each workgroup's
 *  launch and barriers cost far more than its loads, so fewer, fuller workgroups win there. */
function groupsFor(n: number): number {
  return Math.min(Math.ceil(n / (64 * WG)), MAX_GROUPS);
}

/** Elements of the scratch tensor that gradNorm needs for these gradients. */
export function gradNormScratchSize(grads: readonly Tensor[]): number {
  return Math.max(
    1,
    grads.reduce((s, g) => s + groupsFor(g.size), 0),
  );
}

/** Float64 reference: the L2 norm, or NaN if an element is non-finite or Σg² exceeds the f32 range. */
export function gradNormRef(grads: readonly ArrayLike<number>[]): number {
  let s = 0;
  for (const g of grads) {
    for (let i = 0; i < g.length; i++) {
      if (!Number.isFinite(g[i])) return NaN;
      s += g[i] * g[i];
    }
  }
  return s > F32_MAX ? NaN : Math.sqrt(s);
}

function check(a: GradNormArgs): void {
  if (a.grads.length === 0) throw new Error('gradNorm: the list of gradient tensors is empty.');
  if (a.norm.dtype !== 'f32' || a.norm.size < 1)
    throw new Error(`gradNorm: "${a.norm.label}" must be an f32 tensor of ≥ 1 element.`);
  if (a.stats.dtype !== 'f32' || a.stats.size < 4)
    throw new Error(`gradNorm: "${a.stats.label}" must be an f32 tensor of ≥ 4 elements.`);
  if (a.loss.dtype !== 'f32' || a.loss.size < 1)
    throw new Error(`gradNorm: "${a.loss.label}" must be crossEntropy's f32 loss.`);
  const need = gradNormScratchSize(a.grads);
  if (a.scratch.size < need)
    throw new Error(`gradNorm: "${a.scratch.label}" has ${a.scratch.size} elements, needs ${need}.`);
  for (const g of a.grads) {
    if (g.dtype !== 'f32') throw new Error(`gradNorm: gradient "${g.label}" must be f32.`);
    if (g === a.scratch) throw new Error(`gradNorm: "${g.label}" is both a gradient and the scratch.`);
  }
}

/** Eight u32 words (two vec4u) holding one value per slot. */
function words(values: number[]): number[] {
  return Array.from({ length: 8 }, (_, i) => values[i] ?? 0);
}

export const gradNorm: KernelDef<GradNormArgs> = {
  name: 'gradNorm',
  cpu(args) {
    check(args);
    return () => {
      const norm = gradNormRef(args.grads.map((g) => g.f32));
      args.norm.f32[0] = norm;
      const stats = args.stats.f32;
      stats[STATS.steps] += 1;
      stats[STATS.lossSum] += args.loss.f32[0];
      if (Number.isNaN(norm)) stats[STATS.nonFinite] += 1;
      else stats[STATS.normSum] += norm;
    };
  },
  gpu(gpu, args) {
    check(args);
    const steps = [];
    let offset = 0;
    for (let s = 0; s < args.grads.length; s += SLOTS) {
      const group = args.grads.slice(s, s + SLOTS);
      const groups = group.map((g) => groupsFor(g.size));
      const offsets: number[] = [];
      for (const g of groups) {
        offsets.push(offset);
        offset += g;
      }
      steps.push(
        prepareDispatch(gpu, {
          kernel: { name: 'gradNorm partials', code: common + partialsCode },
          // Unused slots repeat the first tensor: every binding of the layout must be bound.
          buffers: [args.scratch, ...Array.from({ length: SLOTS }, (_, i) => group[i] ?? group[0])],
          u32: [...words(group.map((g) => g.size)), ...words(groups), ...words(offsets)],
          workgroups: [Math.max(...groups), group.length],
        }),
      );
    }
    steps.push(
      prepareDispatch(gpu, {
        kernel: { name: 'gradNorm', code: common + normCode },
        buffers: [args.norm, args.stats, args.scratch, args.loss],
        u32: [offset],
        workgroups: [1],
      }),
    );
    return sequence(steps);
  },
};
