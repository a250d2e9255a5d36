// Rotary position embedding in the HF/LLaMA rotate_half convention on (B, T, nHeads, Dh) tensors:
// dimension i pairs with i + Dh/2 and turns by (t + posOffset)·θ_i, θ_i = base^(−2i/Dh).
// The backward turns the gradient by the negative angle.
import type { Gpu } from '../gpu/device';
import type { KernelDef } from './backend';
import { grid, prepareDispatch } from './dispatch';
import type { Tensor } from './tensor';
import common from './rope-common.wgsl?raw';
import body from './rope.wgsl?raw';

const code = common + body;

/** Largest head size: θ travels in the uniform block (32 vec4 = 128 frequencies). */
export const ROPE_MAX_DH = 256;
/** Positions must stay below this: the kernel's sin/cos range reduction is exact up to 2^16·π/2. */
export const ROPE_MAX_POSITION = 100_000;

export interface RopeSizes {
  B: number;
  T: number;
  nHeads: number;
  /** Head size, even. */
  Dh: number;
  /** Frequency base (10000 in LLaMA). */
  base: number;
  /** Position of the first step (decode); 0 in training. */
  posOffset?: number;
  /**
   * An i32 tensor whose element 0 is added to every position when the op runs (decode: one graph
   * replayed at each position). Its value must keep positions below ROPE_MAX_POSITION.
   */
  pos?: Tensor;
}

export interface RopeArgs extends RopeSizes {
  out: Tensor; // (B, T, nHeads, Dh), must not alias x
  x: Tensor; // (B, T, nHeads, Dh)
}

export interface RopeBackwardArgs extends RopeSizes {
  dx: Tensor; // (B, T, nHeads, Dh), must not alias dy
  dy: Tensor; // (B, T, nHeads, Dh)
  /** dx += grad instead of dx = grad. */
  accumulate?: boolean;
}

type RefArray = Float32Array | Float64Array;

function check(name: string, out: Tensor, x: Tensor, s: RopeSizes): void {
  if (s.Dh % 2 !== 0 || s.Dh < 2 || s.Dh > ROPE_MAX_DH)
    throw new Error(`${name}: head size Dh=${s.Dh} must be even and in [2, ${ROPE_MAX_DH}].`);
  const end = (s.posOffset ?? 0) + s.T;
  if (end > ROPE_MAX_POSITION)
    throw new Error(`${name}: positions reach ${end}; RoPE supports positions below ${ROPE_MAX_POSITION}.`);
  if (s.pos && (s.pos.dtype !== 'i32' || s.pos.size < 1))
    throw new Error(`${name}: pos "${s.pos.label}" must be an i32 tensor of at least one element.`);
  if (out === x) throw new Error(`${name}: "${out.label}" may not alias its input; use a separate tensor.`);
  const n = s.B * s.T * s.nHeads * s.Dh;
  for (const t of [out, x]) {
    if (t.size < n)
      throw new Error(
        `${name}: "${t.label}" has ${t.size} elements, needs ${n} (B=${s.B} T=${s.T} nHeads=${s.nHeads} Dh=${s.Dh}).`,
      );
  }
}

/** θ_i rounded as HF computes it: 1 / base^(2i/Dh) in f32. */
function invFreq(i: number, Dh: number, base: number): number {
  return Math.fround(1 / Math.fround(base ** Math.fround((2 * i) / Dh)));
}

/** out = rope(x), or with `inverse` the rotation by the negative angle (the backward). */
export function ropeRef(
  out: RefArray,
  x: ArrayLike<number>,
  s: RopeSizes,
  inverse = false,
  accumulate = false,
): void {
  const half = s.Dh / 2;
  const sign = inverse ? -1 : 1;
  const offset = (s.posOffset ?? 0) + (s.pos ? s.pos.i32[0] : 0);
  for (let i = 0; i < half; i++) {
    const theta = invFreq(i, s.Dh, s.base);
    for (let row = 0; row < s.B * s.T * s.nHeads; row++) {
      const t = Math.floor(row / s.nHeads) % s.T;
      const angle = Math.fround((t + offset) * theta);
      const c = Math.cos(angle);
      const sn = sign * Math.sin(angle);
      const i1 = row * s.Dh + i;
      const i2 = i1 + half;
      const y1 = x[i1] * c - x[i2] * sn;
      const y2 = x[i2] * c + x[i1] * sn;
      out[i1] = accumulate ? out[i1] + y1 : y1;
      out[i2] = accumulate ? out[i2] + y2 : y2;
    }
  }
}

/** θ_i of every pair of a head of Dh, zero-padded to the uniform's ROPE_MAX_DH / 2 entries. */
export function ropeThetas(Dh: number, base: number): number[] {
  return Array.from({ length: ROPE_MAX_DH / 2 }, (_, i) => (i < Dh / 2 ? invFreq(i, Dh, base) : 0));
}

function prepare(gpu: Gpu, out: Tensor, x: Tensor, s: RopeSizes, inverse: boolean, accumulate: boolean) {
  const theta = ropeThetas(s.Dh, s.base);
  const n = (s.B * s.T * s.nHeads * s.Dh) / 2;
  return prepareDispatch(gpu, {
    kernel: { name: inverse ? 'ropeBackward' : 'rope', code },
    // Without a pos tensor, x stands in for it (never read).
    buffers: [out, x, s.pos ?? x],
    u32: [n, s.Dh / 2, s.nHeads, s.T, s.posOffset ?? 0, inverse ? 1 : 0, accumulate ? 1 : 0, s.pos ? 1 : 0],
    f32: theta,
    workgroups: grid(n, 64),
  });
}

export const rope: KernelDef<RopeArgs> = {
  name: 'rope',
  cpu(args) {
    check('rope', args.out, args.x, args);
    return () => ropeRef(args.out.f32, args.x.f32, args);
  },
  gpu(gpu, args) {
    check('rope', args.out, args.x, args);
    return prepare(gpu, args.out, args.x, args, false, false);
  },
};

export const ropeBackward: KernelDef<RopeBackwardArgs> = {
  name: 'ropeBackward',
  cpu(args) {
    check('ropeBackward', args.dx, args.dy, args);
    return () => ropeRef(args.dx.f32, args.dy.f32, args, true, args.accumulate);
  },
  gpu(gpu, args) {
    check('ropeBackward', args.dx, args.dy, args);
    return prepare(gpu, args.dx, args.dy, args, true, args.accumulate ?? false);
  },
};
