// RWKV activations tanh (the decay LoRA's tanh(x W₁)) and relu² (the channel-mix), with their backwards;
// each can accumulate. The other activations RWKV-7 uses (sigmoid, exp) are in activations.ts.
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
import code from './rwkv-activations.wgsl?raw';

type Vals = ArrayLike<number>;

/** Each function's value and derivative (f64, the CPU references). */
const FUNCTIONS = {
  tanh: { op: 0, f: Math.tanh, df: (x: number) => 1 - Math.tanh(x) ** 2 },
  reluSquare: { op: 1, f: (x: number) => Math.max(x, 0) ** 2, df: (x: number) => 2 * Math.max(x, 0) },
} as const;
type Fn = keyof typeof FUNCTIONS;

export function activationRef(fn: Fn, out: Floats, x: Vals, o: MapOptions = {}): void {
  mapInto(out, o, (i) => FUNCTIONS[fn].f(x[i]));
}
export function activationBackwardRef(fn: Fn, dx: Floats, x: Vals, dy: Vals, o: MapOptions = {}): void {
  mapInto(dx, o, (i) => FUNCTIONS[fn].df(x[i]) * dy[i]);
}

function mapKernel<A extends MapOptions>(
  name: string,
  entry: 'unary' | 'binary',
  fn: Fn,
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
        kernel: { name: `rwkvActivations.${entry}`, code, entry },
        buffers: ts,
        u32: [n, FUNCTIONS[fn].op, a.accumulate ? 1 : 0],
        workgroups: grid(n, 256),
      });
    },
  };
}

const forward = (fn: Fn) =>
  mapKernel<UnaryArgs>(
    fn,
    'unary',
    fn,
    (a) => [a.out, a.x],
    (a, n) => activationRef(fn, a.out.f32, a.x.f32, { ...a, n }),
  );
const backward = (fn: Fn) =>
  mapKernel<ActivationBackwardArgs>(
    `${fn}Backward`,
    'binary',
    fn,
    (a) => [a.dx, a.x, a.dy],
    (a, n) => activationBackwardRef(fn, a.dx.f32, a.x.f32, a.dy.f32, { ...a, n }),
  );

export const tanh = forward('tanh');
/** dx (+)= (1 − tanh²x)·dy */
export const tanhBackward = backward('tanh');
/** relu(x)² */
export const reluSquare = forward('reluSquare');
/** dx (+)= 2·relu(x)·dy */
export const reluSquareBackward = backward('reluSquare');
