// Fused stable softmax + cross-entropy over rows of logits, with targets −1 ignored (loss only on
// answers), and its backward from the saved logsumexp. Deterministic two-pass mean; no readback.
import type { KernelDef } from './backend';
import { grid, prepareDispatch, sequence } from './dispatch';
import type { Tensor } from './tensor';
import rowsCode from './cross-entropy.wgsl?raw';
import meanCode from './cross-entropy-mean.wgsl?raw';
import reduceCommon from './reduce-common.wgsl?raw';
import backwardCode from './cross-entropy-backward.wgsl?raw';

export interface CrossEntropyArgs {
  /** 2 elements: [mean NLL over counted rows (0 if none), number of counted rows]. */
  loss: Tensor;
  /** (rows) NLL of each row, 0 for ignored rows: perplexity by position. */
  rowLoss: Tensor;
  /** (rows) logsumexp of each row, saved for the backward. */
  lse: Tensor;
  /** (rows, V) */
  logits: Tensor;
  /** (rows) i32 class index; a negative target (−1) ignores the row. */
  targets: Tensor;
  rows: number;
  V: number;
}

export interface CrossEntropyBackwardArgs {
  /** (rows, V) gradient of loss[0] with respect to the logits. */
  dlogits: Tensor;
  logits: Tensor;
  /** The forward's lse. */
  lse: Tensor;
  targets: Tensor;
  /** The forward's loss: its element 1 (counted rows) divides the gradient. */
  loss: Tensor;
  rows: number;
  V: number;
  /** dlogits += gradient instead of dlogits = gradient. */
  accumulate?: boolean;
}

type Out = { [i: number]: number };

function counted(t: number, V: number): boolean {
  if (t >= V) throw new Error(`crossEntropy: target ${t} is outside the vocabulary (V=${V}).`);
  return t >= 0;
}

/** Float64 reference of the forward. */
export function crossEntropyRef(
  loss: Out,
  rowLoss: Out,
  lse: Out,
  logits: ArrayLike<number>,
  targets: ArrayLike<number>,
  rows: number,
  V: number,
): void {
  let sum = 0;
  let count = 0;
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < V; j++) m = Math.max(m, logits[r * V + j]);
    let s = 0;
    for (let j = 0; j < V; j++) s += Math.exp(logits[r * V + j] - m);
    const l = m + Math.log(s);
    lse[r] = l;
    const t = targets[r];
    const c = counted(t, V);
    const nll = c ? l - logits[r * V + t] : 0;
    rowLoss[r] = nll;
    sum += nll;
    if (c) count++;
  }
  loss[0] = count > 0 ? sum / count : 0;
  loss[1] = count;
}

/** Float64 reference of the backward; `count` is the forward's loss[1]. */
export function crossEntropyBackwardRef(
  dlogits: Out,
  logits: ArrayLike<number>,
  lse: ArrayLike<number>,
  targets: ArrayLike<number>,
  count: number,
  rows: number,
  V: number,
  accumulate = false,
): void {
  for (let r = 0; r < rows; r++) {
    const t = targets[r];
    const c = counted(t, V);
    for (let j = 0; j < V; j++) {
      const i = r * V + j;
      const d = c ? (Math.exp(logits[i] - lse[r]) - (j === t ? 1 : 0)) / count : 0;
      dlogits[i] = accumulate ? dlogits[i] + d : d;
    }
  }
}

function check(name: string, rows: number, V: number, want: [Tensor, number, 'f32' | 'i32'][]): void {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(V) || V < 1)
    throw new Error(`${name}: rows=${rows} and V=${V} must be integers, rows ≥ 0 and V ≥ 1.`);
  if (rows * V >= 2 ** 32)
    throw new Error(`${name}: rows·V = ${rows * V} logits exceeds the 2³² index range; use fewer rows.`);
  for (const [t, n, dtype] of want) {
    if (t.size < n || t.dtype !== dtype)
      throw new Error(
        `${name}: "${t.label}" is ${t.size} × ${t.dtype}, needs ≥ ${n} × ${dtype} (rows=${rows} V=${V}).`,
      );
  }
}

function checkForward(a: CrossEntropyArgs): void {
  check('crossEntropy', a.rows, a.V, [
    [a.loss, 2, 'f32'],
    [a.rowLoss, a.rows, 'f32'],
    [a.lse, a.rows, 'f32'],
    [a.logits, a.rows * a.V, 'f32'],
    [a.targets, a.rows, 'i32'],
  ]);
}

function checkBackward(a: CrossEntropyBackwardArgs): void {
  check('crossEntropyBackward', a.rows, a.V, [
    [a.dlogits, a.rows * a.V, 'f32'],
    [a.logits, a.rows * a.V, 'f32'],
    [a.lse, a.rows, 'f32'],
    [a.targets, a.rows, 'i32'],
    [a.loss, 2, 'f32'],
  ]);
}

/** Lanes per row in the forward's 256-invocation workgroups: the power of two ≥ V, at most 256. */
function rowLanes(V: number): number {
  return Math.min(256, 2 ** Math.ceil(Math.log2(V)));
}

export const crossEntropy: KernelDef<CrossEntropyArgs> = {
  name: 'crossEntropy',
  cpu(args) {
    checkForward(args);
    const { loss, rowLoss, lse, logits, targets, rows, V } = args;
    return () => crossEntropyRef(loss.f32, rowLoss.f32, lse.f32, logits.f32, targets.i32, rows, V);
  },
  gpu(gpu, args) {
    checkForward(args);
    const u32 = [args.rows, args.V];
    const L = rowLanes(args.V);
    return sequence([
      prepareDispatch(gpu, {
        kernel: { name: 'crossEntropy rows', code: rowsCode, constants: { L } },
        buffers: [args.rowLoss, args.lse, args.logits, args.targets],
        u32,
        workgroups: grid(Math.ceil(args.rows / (256 / L)), 1),
      }),
      prepareDispatch(gpu, {
        kernel: { name: 'crossEntropy mean', code: reduceCommon + meanCode },
        buffers: [args.loss, args.rowLoss, args.targets],
        u32,
        workgroups: [1],
      }),
    ]);
  },
};

export const crossEntropyBackward: KernelDef<CrossEntropyBackwardArgs> = {
  name: 'crossEntropyBackward',
  cpu(args) {
    checkBackward(args);
    const { dlogits, logits, lse, targets, loss, rows, V, accumulate } = args;
    return () =>
      crossEntropyBackwardRef(
        dlogits.f32,
        logits.f32,
        lse.f32,
        targets.i32,
        loss.f32[1],
        rows,
        V,
        accumulate,
      );
  },
  gpu(gpu, args) {
    checkBackward(args);
    return prepareDispatch(gpu, {
      kernel: { name: 'crossEntropyBackward', code: backwardCode },
      buffers: [args.dlogits, args.logits, args.lse, args.targets, args.loss],
      u32: [args.rows, args.V, args.accumulate ? 1 : 0],
      workgroups: grid(args.rows * args.V, 256),
    });
  },
};
