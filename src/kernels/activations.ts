// Mixer activations softplus, sigmoid, exp, tanh (RWKV's decay LoRA) and relu² (RWKV's channel-mix), and
// the backwards of all but exp; each can accumulate.
import type { KernelDef } from './backend';
import { grid, prepareDispatch } from './dispatch';
import {
  checkSizes,
  mapInto,
  type ActivationBackwardArgs,
  type Floats,
  type MapOptions,
  type UnaryArgs,
} from './elementwise';
import type { Tensor } from './tensor';
import code from './activations.wgsl?raw';

// ---- CPU references (plain loops, f64 arithmetic)

type Vals = ArrayLike<number>;

const sigmoidOf = (x: number) => 1 / (1 + Math.exp(-x));
const softplusOf = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

export function softplusRef(out: Floats, x: Vals, o: MapOptions = {}): void {
  mapInto(out, o, (i) => softplusOf(x[i]));
}
export function sigmoidRef(out: Floats, x: Vals, o: MapOptions = {}): void {
  mapInto(out, o, (i) => sigmoidOf(x[i]));
}
export function expRef(out: Floats, x: Vals, o: MapOptions = {}): void {
  mapInto(out, o, (i) => Math.exp(x[i]));
}
export function tanhRef(out: Floats, x: Vals, o: MapOptions = {}): void {
  mapInto(out, o, (i) => Math.tanh(x[i]));
}
export function reluSquareRef(out: Floats, x: Vals, o: MapOptions = {}): void {
  mapInto(out, o, (i) => Math.max(x[i], 0) ** 2);
}
export function softplusBackwardRef(dx: Floats, x: Vals, dy: Vals, o: MapOptions = {}): void {
  mapInto(dx, o, (i) => sigmoidOf(x[i]) * dy[i]);
}
export function sigmoidBackwardRef(dx: Floats, x: Vals, dy: Vals, o: MapOptions = {}): void {
  mapInto(dx, o, (i) => sigmoidOf(x[i]) * (1 - sigmoidOf(x[i])) * dy[i]);
}
export function tanhBackwardRef(dx: Floats, x: Vals, dy: Vals, o: MapOptions = {}): void {
  mapInto(dx, o, (i) => (1 - Math.tanh(x[i]) ** 2) * dy[i]);
}
export function reluSquareBackwardRef(dx: Floats, x: Vals, dy: Vals, o: MapOptions = {}): void {
  mapInto(dx, o, (i) => 2 * Math.max(x[i], 0) * dy[i]);
}

// ---- GPU dispatch

const WG = 256;
const UNARY = { softplus: 0, sigmoid: 1, exp: 2, tanh: 3, reluSquare: 4 } as const;
const BINARY = { softplusBackward: 0, sigmoidBackward: 1, tanhBackward: 2, reluSquareBackward: 3 } as const;

/** One map op: the entry point and op code, output, inputs and the CPU reference over the same args. */
function mapKernel<A extends MapOptions>(
  name: string,
  entry: 'unary' | 'binary',
  op: number,
  tensors: (a: A) => [Tensor, ...Tensor[]],
  ref: (a: A, n: number) => void,
): KernelDef<A> {
  const sizes = (a: A) => {
    const ts = tensors(a);
    const n = a.n ?? ts[0].size;
    checkSizes(name, n, ts);
    return { ts, n };
  };
  return {
    name,
    cpu(a) {
      const { n } = sizes(a);
      return () => ref(a, n);
    },
    gpu(gpu, a) {
      const { ts, n } = sizes(a);
      return prepareDispatch(gpu, {
        kernel: { name: `activations.${entry}`, code, entry },
        buffers: ts,
        u32: [n, op, a.accumulate ? 1 : 0],
        workgroups: grid(n, WG),
      });
    },
  };
}

const unary = (name: keyof typeof UNARY, ref: (out: Floats, x: Vals, o: MapOptions) => void) =>
  mapKernel<UnaryArgs>(
    name,
    'unary',
    UNARY[name],
    (a) => [a.out, a.x],
    (a, n) => ref(a.out.f32, a.x.f32, { ...a, n }),
  );
const backward = (name: keyof typeof BINARY, ref: (dx: Floats, x: Vals, dy: Vals, o: MapOptions) => void) =>
  mapKernel<ActivationBackwardArgs>(
    name,
    'binary',
    BINARY[name],
    (a) => [a.dx, a.x, a.dy],
    (a, n) => ref(a.dx.f32, a.x.f32, a.dy.f32, { ...a, n }),
  );

export const softplus = unary('softplus', softplusRef);
export const sigmoid = unary('sigmoid', sigmoidRef);
export const exp = unary('exp', expRef);
export const tanh = unary('tanh', tanhRef);
/** relu(x)² */
export const reluSquare = unary('reluSquare', reluSquareRef);
/** dx (+)= σ(x)·dy */
export const softplusBackward = backward('softplusBackward', softplusBackwardRef);
/** dx (+)= σ(x)(1 − σ(x))·dy */
export const sigmoidBackward = backward('sigmoidBackward', sigmoidBackwardRef);
/** dx (+)= (1 − tanh²x)·dy */
export const tanhBackward = backward('tanhBackward', tanhBackwardRef);
/** dx (+)= 2·relu(x)·dy */
export const reluSquareBackward = backward('reluSquareBackward', reluSquareBackwardRef);
