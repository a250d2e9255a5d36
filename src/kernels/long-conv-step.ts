// One decode step of the long convolution (long-conv.ts): Hyena has no compact state, so each token is
// appended to a history of `capacity` rows and convolved with the filter over everything before it —
// O(pos) work and O(capacity) memory per channel and token.
import type { KernelDef } from './backend';
import { grid, prepareDispatch } from './dispatch';
import { checkSizes, type Floats } from './elementwise';
import type { Tensor } from './tensor';
import code from './long-conv-step.wgsl?raw';

export interface LongConvStepSizes {
  B: number;
  C: number;
  capacity: number;
}

export interface LongConvStepArgs extends LongConvStepSizes {
  y: Tensor; // (B, C)
  /** (B, capacity, C): row pos is written with u, rows before it are read. */
  history: Tensor;
  /** (≥ pos + 1, C): the filter's first rows. */
  h: Tensor;
  u: Tensor; // (B, C)
  /** i32 [1]: the 0-based position of the token; outside [0, capacity) the step does nothing. */
  pos: Tensor;
}

/** CPU reference (f64 sums); writes the history row in place. */
export function longConvStepRef(
  y: Floats,
  history: Floats,
  h: ArrayLike<number>,
  u: ArrayLike<number>,
  pos: number,
  s: LongConvStepSizes,
): void {
  const { B, C, capacity } = s;
  if (pos < 0 || pos >= capacity) return;
  for (let b = 0; b < B; b++)
    for (let c = 0; c < C; c++) {
      const row = b * capacity;
      history[(row + pos) * C + c] = u[b * C + c];
      let acc = 0;
      for (let tau = 0; tau <= pos; tau++) acc += h[tau * C + c] * history[(row + pos - tau) * C + c];
      y[b * C + c] = acc;
    }
}

function check(a: LongConvStepArgs): void {
  for (const [k, v] of Object.entries({ B: a.B, C: a.C, capacity: a.capacity }))
    if (!(Number.isInteger(v) && v >= 1))
      throw new Error(`longConvStep: ${k}=${v} must be a whole number ≥ 1.`);
  checkSizes('longConvStep', a.B * a.C, [a.y, a.u]);
  checkSizes('longConvStep', a.B * a.capacity * a.C, [a.history]);
  checkSizes('longConvStep filter', a.capacity * a.C, [a.h]);
  checkSizes('longConvStep', 1, [a.pos]);
}

export const longConvStep: KernelDef<LongConvStepArgs> = {
  name: 'longConvStep',
  cpu(a) {
    check(a);
    return () => longConvStepRef(a.y.f32, a.history.f32, a.h.f32, a.u.f32, a.pos.i32[0], a);
  },
  gpu(gpu, a) {
    check(a);
    return prepareDispatch(gpu, {
      kernel: { name: 'longConv.step', code },
      buffers: [a.y, a.history, a.h, a.u, a.pos],
      u32: [a.B, a.C, a.capacity],
      workgroups: grid(a.B * a.C, 256),
    });
  },
};
