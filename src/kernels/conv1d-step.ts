// One decode step of the causal depthwise conv1d (conv1d.ts): the token x (B, C) and a conv state
// (B, C, K − 1) with the K − 1 previous inputs of each channel (oldest first, zeros before the first
// token) give y (B, C) exactly as conv1d gives at that position; the state then shifts in x.
import type { KernelDef } from './backend';
import { prepareDispatch, grid, withScratch } from './dispatch';
import { checkSizes, type Floats } from './elementwise';
import type { Tensor } from './tensor';
import code from './conv1d-step.wgsl?raw';

export interface Conv1dStepSizes {
  B: number;
  C: number;
  K: number;
}
export interface Conv1dStepArgs extends Conv1dStepSizes {
  out: Tensor;
  /** (B, C, K − 1), read and updated in place; unused when K = 1. */
  state: Tensor;
  x: Tensor;
  weight: Tensor;
  bias?: Tensor;
}

type Vals = ArrayLike<number>;

/** CPU reference (f64 sum); updates `state` in place. */
export function conv1dStepRef(
  out: Floats,
  state: Floats,
  x: Vals,
  w: Vals,
  bias: Vals | undefined,
  s: Conv1dStepSizes,
): void {
  const S = s.K - 1;
  for (let j = 0; j < s.B * s.C; j++) {
    const c = j % s.C;
    let acc = (bias ? bias[c] : 0) + w[c * s.K + S] * x[j];
    for (let i = 0; i < S; i++) acc += w[c * s.K + i] * state[j * S + i];
    for (let i = 0; i + 1 < S; i++) state[j * S + i] = state[j * S + i + 1];
    if (S > 0) state[j * S + S - 1] = x[j];
    out[j] = acc;
  }
}

function check(a: Conv1dStepArgs): void {
  if (!(a.K >= 1)) throw new Error(`conv1dStep: kernel size K = ${a.K} must be at least 1.`);
  checkSizes('conv1dStep', a.B * a.C, [a.out, a.x]);
  if (a.K > 1) checkSizes('conv1dStep state', a.B * a.C * (a.K - 1), [a.state]);
  checkSizes('conv1dStep weight', a.C * a.K, [a.weight]);
  if (a.bias) checkSizes('conv1dStep bias', a.C, [a.bias]);
}

export const conv1dStep: KernelDef<Conv1dStepArgs> = {
  name: 'conv1dStep',
  cpu(a) {
    check(a);
    return () => conv1dStepRef(a.out.f32, a.state.f32, a.x.f32, a.weight.f32, a.bias?.f32, a);
  },
  gpu(gpu, a) {
    check(a);
    // WGSL needs a bound buffer even without a bias (the weight stands in, never read) and for K = 1,
    // where the state is empty: a 4-byte scratch stands in (a writable binding must not alias `out`).
    const scratch = a.K > 1 ? [] : [gpu.pool.acquire(4, 'conv1dStep empty state')];
    const step = prepareDispatch(gpu, {
      kernel: { name: 'conv1d.step', code, entry: 'main' },
      buffers: [a.out, scratch[0] ?? a.state, a.x, a.weight, a.bias ?? a.weight],
      u32: [a.B, a.C, a.K, a.bias ? 1 : 0],
      workgroups: grid(a.B * a.C, 256),
    });
    return withScratch(gpu, [step], scratch);
  },
};
