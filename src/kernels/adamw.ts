// AdamW (decoupled weight decay, PyTorch semantics) for one parameter tensor, with global-norm
// clipping and the NaN/Inf guard applied on the GPU from gradNorm's output: no readback per step.
import { LiveScalars, type KernelDef } from './backend';
import { grid, prepareDispatch } from './dispatch';
import type { Tensor } from './tensor';
import code from './adamw.wgsl?raw';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  /** Decoupled weight decay of this tensor (0 for norm weights, biases, embeddings by choice). */
  weightDecay: number;
  /** Clip the gradient to this global norm; ≤ 0 disables clipping. */
  maxNorm: number;
}

export interface AdamWArgs extends AdamWConfig {
  /** Updated in place, as are m and v. */
  param: Tensor;
  m: Tensor;
  v: Tensor;
  grad: Tensor;
  /** gradNorm's output over all gradients: clipping scale, and NaN ⇒ the step is skipped. */
  norm: Tensor;
  /** [lr, 1 − β1ᵗ, 1 − β2ᵗ]: from adamwLive(), set each step with setAdamwStep; shared by all tensors. */
  live: LiveScalars;
}

export function adamwLive(): LiveScalars {
  return new LiveScalars(3);
}

/** Sets the live scalars for step t (1-based). */
export function setAdamwStep(live: LiveScalars, lr: number, t: number, beta1: number, beta2: number): void {
  live.values[0] = lr;
  live.values[1] = 1 - beta1 ** t;
  live.values[2] = 1 - beta2 ** t;
}

/** Float64 reference, updating the f32 arrays in place; nothing changes when `norm` is not finite. */
export function adamwRef(
  param: Float32Array,
  m: Float32Array,
  v: Float32Array,
  grad: ArrayLike<number>,
  norm: number,
  live: ArrayLike<number>,
  c: AdamWConfig,
): void {
  if (!Number.isFinite(norm)) return;
  const [lr, bc1, bc2] = [live[0], live[1], live[2]];
  const scale = c.maxNorm > 0 ? Math.min(1, c.maxNorm / (norm + 1e-6)) : 1;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i] * scale;
    m[i] = c.beta1 * m[i] + (1 - c.beta1) * g;
    v[i] = c.beta2 * v[i] + (1 - c.beta2) * g * g;
    const decayed = param[i] * (1 - lr * c.weightDecay);
    param[i] = decayed - (lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + c.eps);
  }
}

function check(a: AdamWArgs): void {
  for (const t of [a.m, a.v, a.grad]) {
    if (t.size !== a.param.size || t.dtype !== 'f32')
      throw new Error(
        `adamw: "${t.label}" must be f32 with ${a.param.size} elements like "${a.param.label}".`,
      );
  }
  if (a.norm.size < 1 || a.norm.dtype !== 'f32')
    throw new Error(`adamw: "${a.norm.label}" must be gradNorm's 1-element f32 output.`);
  if (a.live.values.length !== 3) throw new Error('adamw: live scalars must come from adamwLive().');
}

export const adamw: KernelDef<AdamWArgs> = {
  name: 'adamw',
  cpu(args) {
    check(args);
    return () =>
      adamwRef(
        args.param.f32,
        args.m.f32,
        args.v.f32,
        args.grad.f32,
        args.norm.f32[0],
        args.live.values,
        args,
      );
  },
  gpu(gpu, args) {
    check(args);
    return prepareDispatch(gpu, {
      kernel: { name: 'adamw', code },
      buffers: [args.param, args.m, args.v, args.grad, args.norm],
      u32: [args.param.size],
      f32: [args.beta1, args.beta2, args.eps, args.weightDecay, args.maxNorm],
      live: args.live,
      workgroups: grid(args.param.size, 256),
    });
  },
};
