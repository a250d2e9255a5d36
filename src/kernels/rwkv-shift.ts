// RWKV token shift xx = x_{t−1} − x_t over (B, T, C), per sequence (x_{−1} = 0, so sequences do not leak
// into each other), and its backward. With a state (B, C) the shift starts from the state and leaves
// the sequence's last token in it: with T = 1 that is the decode step.
import type { KernelDef } from './backend';
import { grid, prepareDispatch, withScratch } from './dispatch';
import { checkSizes, type Floats } from './elementwise';
import type { Tensor } from './tensor';
import code from './rwkv-shift.wgsl?raw';

export interface ShiftSizes {
  B: number;
  T: number;
  C: number;
}

export interface TokenShiftArgs extends ShiftSizes {
  out: Tensor; // (B, T, C)
  x: Tensor; // (B, T, C)
  /** The previous token of each sequence (zero at the start), overwritten with x_{T−1}. */
  state?: Tensor; // (B, C)
}

export interface TokenShiftBackwardArgs extends ShiftSizes {
  dx: Tensor;
  dy: Tensor;
  accumulate?: boolean;
}

type Vals = ArrayLike<number>;

export function tokenShiftRef(out: Floats, x: Vals, s: ShiftSizes, state?: Floats): void {
  const { B, T, C } = s;
  for (let b = 0; b < B; b++)
    for (let c = 0; c < C; c++) {
      let prev = state ? state[b * C + c] : 0;
      for (let t = 0; t < T; t++) {
        const i = (b * T + t) * C + c;
        const xi = x[i];
        out[i] = prev - xi;
        prev = xi;
      }
      if (state) state[b * C + c] = prev;
    }
}

export function tokenShiftBackwardRef(dx: Floats, dy: Vals, s: ShiftSizes, accumulate = false): void {
  const { B, T, C } = s;
  for (let i = 0; i < B * T * C; i++) {
    const t = Math.floor(i / C) % T;
    const v = (t + 1 < T ? dy[i + C] : 0) - dy[i];
    dx[i] = accumulate ? dx[i] + v : v;
  }
}

function check(name: string, s: ShiftSizes, full: Tensor[], state?: Tensor): void {
  for (const [key, v] of Object.entries({ B: s.B, T: s.T, C: s.C }))
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`${name}: ${key}=${v} must be a whole number ≥ 1.`);
  checkSizes(name, s.B * s.T * s.C, full);
  if (state) checkSizes(name, s.B * s.C, [state]);
}

export const tokenShift: KernelDef<TokenShiftArgs> = {
  name: 'tokenShift',
  cpu(a) {
    check('tokenShift', a, [a.out, a.x], a.state);
    return () => tokenShiftRef(a.out.f32, a.x.f32, a, a.state?.f32);
  },
  gpu(gpu, a) {
    check('tokenShift', a, [a.out, a.x], a.state);
    const standIn = a.state ? [] : [gpu.pool.acquire(16, 'tokenShift unused state')];
    const step = prepareDispatch(gpu, {
      kernel: { name: 'tokenShift', code, entry: 'forward' },
      buffers: [a.out, a.x, a.state ?? standIn[0]],
      u32: [a.B, a.T, a.C, a.state ? 1 : 0],
      workgroups: grid(a.B * a.C, 256),
    });
    return withScratch(gpu, [step], standIn);
  },
};

/** dx_t (+)= dxx_{t+1} − dxx_t within each sequence. */
export const tokenShiftBackward: KernelDef<TokenShiftBackwardArgs> = {
  name: 'tokenShiftBackward',
  cpu(a) {
    check('tokenShiftBackward', a, [a.dx, a.dy]);
    return () => tokenShiftBackwardRef(a.dx.f32, a.dy.f32, a, a.accumulate);
  },
  gpu(gpu, a) {
    check('tokenShiftBackward', a, [a.dx, a.dy]);
    return prepareDispatch(gpu, {
      kernel: { name: 'tokenShiftBackward', code, entry: 'backward' },
      buffers: [a.dx, a.dy],
      u32: [a.B, a.T, a.C, a.accumulate ? 1 : 0],
      workgroups: grid(a.B * a.T * a.C, 256),
    });
  },
};
