// A static autograd graph. Building the model once records its forward ops; every differentiable
// op also records a closure that, run in reverse order by `backward()`, records its backward ops.
// A training step then replays forward + backward + optimizer as one submit: nothing is allocated
// or traced per step. Gradients of a tensor used several times are summed with each backward
// kernel's `accumulate` flag (the first contributor overwrites, later ones add).
import type { Backend, KernelDef, Op } from '../kernels/backend';
import type { DType, Tensor } from '../kernels/tensor';

export interface GradTarget {
  grad: Tensor;
  accumulate: boolean;
}

export class Graph {
  readonly forwardOps: Op[] = [];
  readonly backwardOps: Op[] = [];
  private tape: (() => void)[] = [];
  private grads = new Map<Tensor, Tensor>();
  private needsGrad = new Set<Tensor>();
  private owned: Tensor[] = [];

  constructor(readonly backend: Backend) {}

  /** A tensor owned by this graph (freed by `dispose`). */
  tensor(shape: readonly number[], label: string, dtype: DType = 'f32'): Tensor {
    const t = this.backend.alloc(shape, label, dtype);
    this.owned.push(t);
    return t;
  }

  /** Marks a tensor (a parameter) as needing a gradient. */
  trainable(t: Tensor): Tensor {
    this.needsGrad.add(t);
    return t;
  }

  requiresGrad(...ts: Tensor[]): boolean {
    return ts.some((t) => this.needsGrad.has(t));
  }

  /** Records a forward op; its output needs a gradient if any input does. */
  forward<A>(kernel: KernelDef<A>, args: A, out?: Tensor[], inputs?: Tensor[]): void {
    this.forwardOps.push(this.backend.op(kernel, args));
    if (out && inputs && this.requiresGrad(...inputs)) out.forEach((t) => this.needsGrad.add(t));
  }

  /** Registers the backward of an op, run (in reverse order) by `backward()`. */
  onBackward(fn: () => void): void {
    this.tape.push(fn);
  }

  /** Records a backward op. */
  back<A>(kernel: KernelDef<A>, args: A): void {
    this.backwardOps.push(this.backend.op(kernel, args));
  }

  /** The gradient of `t` so far, if any contributor has written it. */
  grad(t: Tensor): Tensor | undefined {
    return this.grads.get(t);
  }

  /** Where the next contribution to ∂L/∂t goes; undefined when t needs no gradient. */
  gradTarget(t: Tensor): GradTarget | undefined {
    if (!this.needsGrad.has(t)) return undefined;
    const have = this.grads.get(t);
    if (have) return { grad: have, accumulate: true };
    const grad = this.tensor(t.shape, `d${t.label}`);
    this.grads.set(t, grad);
    return { grad, accumulate: false };
  }

  /** Uses an existing buffer as the gradient of t (e.g. the loss kernel writes ∂L/∂logits). */
  setGrad(t: Tensor, grad: Tensor): void {
    this.grads.set(t, grad);
  }

  /** Records every backward op, from the last forward op to the first. */
  backward(): void {
    for (let i = this.tape.length - 1; i >= 0; i--) this.tape[i]();
    this.tape = [];
  }

  dispose(): void {
    this.backend.release([...this.forwardOps, ...this.backwardOps]);
    for (const t of this.owned) this.backend.free(t);
    this.owned = [];
    this.grads.clear();
  }
}
