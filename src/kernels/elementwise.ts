// Elementwise ops — add, mul, scale, copy, fill, GELU (tanh form, as GPT-2), SiLU, SwiGLU and their
// backwards — and sumRows (column sums, two-pass in fixed order). Every op but fill can accumulate
// into its output (out += f(…)), which is how autograd sums gradients from several consumers.
import type { Gpu } from '../gpu/device';
import type { GpuStep, KernelDef } from './backend';
import { grid, prepareDispatch, withScratch } from './dispatch';
import type { Tensor } from './tensor';
import code from './elementwise.wgsl?raw';
import swigluBackwardCode from './elementwise-swiglu-backward.wgsl?raw';
import sumRowsCode from './elementwise-sum-rows.wgsl?raw';

/** Storage of a CPU reference: f32 tensors, or f64 arrays for finite-difference checks. */
export type Floats = Float32Array | Float64Array;

export interface MapOptions {
  /** Elements to process; defaults to the output's size. */
  n?: number;
  /** out += f(…) instead of out = f(…). */
  accumulate?: boolean;
}

export interface AddArgs extends MapOptions {
  out: Tensor;
  a: Tensor;
  b: Tensor;
  /** When set, b is one row of `cols` values applied to every row of a (a bias). */
  cols?: number;
}
export type MulArgs = AddArgs;
export interface ScaleArgs extends MapOptions {
  out: Tensor;
  x: Tensor;
  s: number;
}
/** copy, gelu, silu. */
export interface UnaryArgs extends MapOptions {
  out: Tensor;
  x: Tensor;
}
export interface SwigluArgs extends MapOptions {
  out: Tensor;
  gate: Tensor;
  up: Tensor;
}
/** geluBackward, siluBackward: dx (+)= f′(x)·dy. */
export interface ActivationBackwardArgs extends MapOptions {
  dx: Tensor;
  x: Tensor;
  dy: Tensor;
}
export interface SwigluBackwardArgs extends MapOptions {
  dgate: Tensor;
  dup: Tensor;
  gate: Tensor;
  up: Tensor;
  dy: Tensor;
}
export interface FillArgs {
  out: Tensor;
  value: number;
  n?: number;
}
/** out[c] (+)= Σ_r x[r, c] for x (rows, cols): e.g. the bias gradient of a linear layer. */
export interface SumRowsArgs {
  out: Tensor;
  x: Tensor;
  rows: number;
  cols: number;
  accumulate?: boolean;
}

// ---- CPU references (plain loops, f64 arithmetic)

const GELU_K = Math.sqrt(2 / Math.PI);
const GELU_C = 0.044715;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const siluOf = (x: number) => x * sigmoid(x);
const siluGrad = (x: number) => sigmoid(x) * (1 + x * (1 - sigmoid(x)));
const geluOf = (x: number) => 0.5 * x * (1 + Math.tanh(GELU_K * (x + GELU_C * x ** 3)));
function geluGrad(x: number): number {
  const t = Math.tanh(GELU_K * (x + GELU_C * x ** 3));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_K * (1 + 3 * GELU_C * x * x);
}

type Vals = ArrayLike<number>;

/** out[i] (+)= f(i) for i < n: the shape of every elementwise CPU reference. */
export function mapInto(out: Floats, o: MapOptions, f: (i: number) => number): void {
  const n = o.n ?? out.length;
  for (let i = 0; i < n; i++) out[i] = o.accumulate ? out[i] + f(i) : f(i);
}

export function addRef(out: Floats, a: Vals, b: Vals, o: MapOptions & { cols?: number } = {}): void {
  mapInto(out, o, (i) => a[i] + b[o.cols ? i % o.cols : i]);
}
export function mulRef(out: Floats, a: Vals, b: Vals, o: MapOptions & { cols?: number } = {}): void {
  mapInto(out, o, (i) => a[i] * b[o.cols ? i % o.cols : i]);
}
export function scaleRef(out: Floats, x: Vals, s: number, o: MapOptions = {}): void {
  mapInto(out, o, (i) => s * x[i]);
}
export function copyRef(out: Floats, x: Vals, o: MapOptions = {}): void {
  mapInto(out, o, (i) => x[i]);
}
export function fillRef(out: Floats, value: number, n = out.length): void {
  out.fill(value, 0, n);
}
export function geluRef(out: Floats, x: Vals, o: MapOptions = {}): void {
  mapInto(out, o, (i) => geluOf(x[i]));
}
export function siluRef(out: Floats, x: Vals, o: MapOptions = {}): void {
  mapInto(out, o, (i) => siluOf(x[i]));
}
export function swigluRef(out: Floats, gate: Vals, up: Vals, o: MapOptions = {}): void {
  mapInto(out, o, (i) => siluOf(gate[i]) * up[i]);
}
export function geluBackwardRef(dx: Floats, x: Vals, dy: Vals, o: MapOptions = {}): void {
  mapInto(dx, o, (i) => geluGrad(x[i]) * dy[i]);
}
export function siluBackwardRef(dx: Floats, x: Vals, dy: Vals, o: MapOptions = {}): void {
  mapInto(dx, o, (i) => siluGrad(x[i]) * dy[i]);
}
export function swigluBackwardRef(
  dgate: Floats,
  dup: Floats,
  gate: Vals,
  up: Vals,
  dy: Vals,
  o: MapOptions = {},
): void {
  mapInto(dgate, o, (i) => dy[i] * up[i] * siluGrad(gate[i]));
  mapInto(dup, o, (i) => dy[i] * siluOf(gate[i]));
}
export function sumRowsRef(out: Floats, x: Vals, rows: number, cols: number, accumulate = false): void {
  for (let c = 0; c < cols; c++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += x[r * cols + c];
    out[c] = accumulate ? out[c] + s : s;
  }
}

// ---- GPU dispatch

const WG = 256;
const UNARY = { scale: 0, gelu: 1, silu: 2 } as const;
const BINARY = { add: 0, mul: 1, swiglu: 2, geluBackward: 3, siluBackward: 4 } as const;

/**
 * One map dispatch: its entry point, output, inputs and uniforms. Each invocation maps 4 values: by
 * the entry's vec4 variant when n (and a broadcast row's cols) are multiples of 4, else by the scalar one.
 */
interface MapSpec {
  entry: 'fill' | 'unary' | 'binary';
  op: number;
  out: Tensor;
  inputs: Tensor[];
  n: number;
  s?: number;
  cols?: number;
  accumulate?: boolean;
}

/** Throws when a tensor holds fewer than n elements, naming the op and the tensor. */
export function checkSizes(name: string, n: number, tensors: Tensor[]): void {
  for (const t of tensors)
    if (t.size < n) throw new Error(`${name}: "${t.label}" has ${t.size} elements, needs ${n}.`);
}

function checkMap(name: string, m: MapSpec): void {
  const cols = m.cols ?? 0;
  const full = cols ? [m.out, m.inputs[0]] : [m.out, ...m.inputs];
  checkSizes(name, m.n, full);
  if (cols) {
    if (m.n % cols !== 0) throw new Error(`${name}: n = ${m.n} is not a multiple of cols = ${cols}.`);
    checkSizes(name, cols, [m.inputs[1]]);
  }
}

/** A map op: the CPU reference and the GPU dispatch read the args through one MapSpec. */
function mapKernel<A>(
  name: string,
  spec: (args: A) => MapSpec,
  ref: (args: A, n: number) => void,
): KernelDef<A> {
  return {
    name,
    cpu(args) {
      const m = spec(args);
      checkMap(name, m);
      return () => ref(args, m.n);
    },
    gpu(gpu, args) {
      const m = spec(args);
      checkMap(name, m);
      const entry = m.n > 0 && m.n % 4 === 0 && (m.cols ?? 0) % 4 === 0 ? `${m.entry}Vec4` : m.entry;
      return prepareDispatch(gpu, {
        kernel: { name: `elementwise.${entry}`, code, entry },
        buffers: [m.out, ...m.inputs],
        u32: [m.n, m.op, m.accumulate ? 1 : 0, m.cols ?? 0],
        f32: [m.s ?? 0],
        workgroups: grid(Math.ceil(m.n / 4), WG),
      });
    },
  };
}

const binary = (
  op: number,
  out: Tensor,
  a: Tensor,
  b: Tensor,
  o: MapOptions & { cols?: number },
): MapSpec => ({
  entry: 'binary',
  op,
  out,
  inputs: [a, b],
  n: o.n ?? out.size,
  cols: o.cols,
  accumulate: o.accumulate,
});
const unary = (op: number, out: Tensor, x: Tensor, o: MapOptions, s = 0): MapSpec => ({
  entry: 'unary',
  op,
  out,
  inputs: [x],
  n: o.n ?? out.size,
  s,
  accumulate: o.accumulate,
});

export const add = mapKernel<AddArgs>(
  'add',
  (a) => binary(BINARY.add, a.out, a.a, a.b, a),
  (a, n) => addRef(a.out.f32, a.a.f32, a.b.f32, { ...a, n }),
);
export const mul = mapKernel<MulArgs>(
  'mul',
  (a) => binary(BINARY.mul, a.out, a.a, a.b, a),
  (a, n) => mulRef(a.out.f32, a.a.f32, a.b.f32, { ...a, n }),
);
export const swiglu = mapKernel<SwigluArgs>(
  'swiglu',
  (a) => binary(BINARY.swiglu, a.out, a.gate, a.up, a),
  (a, n) => swigluRef(a.out.f32, a.gate.f32, a.up.f32, { ...a, n }),
);
export const geluBackward = mapKernel<ActivationBackwardArgs>(
  'geluBackward',
  (a) => binary(BINARY.geluBackward, a.dx, a.x, a.dy, a),
  (a, n) => geluBackwardRef(a.dx.f32, a.x.f32, a.dy.f32, { ...a, n }),
);
export const siluBackward = mapKernel<ActivationBackwardArgs>(
  'siluBackward',
  (a) => binary(BINARY.siluBackward, a.dx, a.x, a.dy, a),
  (a, n) => siluBackwardRef(a.dx.f32, a.x.f32, a.dy.f32, { ...a, n }),
);
export const scale = mapKernel<ScaleArgs>(
  'scale',
  (a) => unary(UNARY.scale, a.out, a.x, a, a.s),
  (a, n) => scaleRef(a.out.f32, a.x.f32, a.s, { ...a, n }),
);
export const copy = mapKernel<UnaryArgs>(
  'copy',
  (a) => unary(UNARY.scale, a.out, a.x, a, 1),
  (a, n) => copyRef(a.out.f32, a.x.f32, { ...a, n }),
);
export const gelu = mapKernel<UnaryArgs>(
  'gelu',
  (a) => unary(UNARY.gelu, a.out, a.x, a),
  (a, n) => geluRef(a.out.f32, a.x.f32, { ...a, n }),
);
export const silu = mapKernel<UnaryArgs>(
  'silu',
  (a) => unary(UNARY.silu, a.out, a.x, a),
  (a, n) => siluRef(a.out.f32, a.x.f32, { ...a, n }),
);
export const fill = mapKernel<FillArgs>(
  'fill',
  (a) => ({ entry: 'fill', op: 0, out: a.out, inputs: [], n: a.n ?? a.out.size, s: a.value }),
  (a, n) => fillRef(a.out.f32, a.value, n),
);

export const swigluBackward: KernelDef<SwigluBackwardArgs> = {
  name: 'swigluBackward',
  cpu(a) {
    const n = a.n ?? a.dgate.size;
    checkSizes('swigluBackward', n, [a.dgate, a.dup, a.gate, a.up, a.dy]);
    return () => swigluBackwardRef(a.dgate.f32, a.dup.f32, a.gate.f32, a.up.f32, a.dy.f32, { ...a, n });
  },
  gpu(gpu, a) {
    const n = a.n ?? a.dgate.size;
    checkSizes('swigluBackward', n, [a.dgate, a.dup, a.gate, a.up, a.dy]);
    const entry = n > 0 && n % 4 === 0 ? 'mainVec4' : 'main';
    return prepareDispatch(gpu, {
      kernel: { name: `swigluBackward.${entry}`, code: swigluBackwardCode, entry },
      buffers: [a.dgate, a.dup, a.gate, a.up, a.dy],
      u32: [n, a.accumulate ? 1 : 0],
      workgroups: grid(Math.ceil(n / 4), WG),
    });
  },
};

// ---- Column sums (shared with the norm kernels)

export interface ColumnSumSpec {
  rows: number;
  cols: number;
  /** Elements between consecutive rows of x (default cols) and the first element used (default 0). */
  stride?: number;
  offset?: number;
  /** Rows per block: block b writes out[b·cols + c]. Default: all rows in one block. */
  rowsPerBlock?: number;
  accumulate?: boolean;
  /** Sum each column of one block in one invocation, rows in order, however many rows (no barrier). */
  sequential?: boolean;
}

/** Up to this many rows, one block is summed by the barrier-free `partials` entry. */
const FEW_ROWS = 8;

/**
 * One launch of the column-sum kernel: out[b·cols + c] (+)= Σ over the rows of block b, in fixed order.
 * Several blocks, one block of a few rows, or `sequential` use the `partials` entry (one invocation per
 * column and block, rows in order); one block of many rows uses `total` (8 lanes per column and a
 * barrier). For a few rows `total` would leave lanes idle and pay the barrier, which software adapters
 * (SwiftShader) run as coroutines: copying the GDN backward's five gradients out of its scratch that
 * way took ~850 ms of CPU time, by `partials` a few ms. Software plans pass `sequential` for their
 * short sums of more rows.
 */
export function prepareColumnSum(
  gpu: Gpu,
  out: Tensor | GPUBuffer,
  x: Tensor | GPUBuffer,
  s: ColumnSumSpec,
): GpuStep {
  const per = Math.max(1, s.rowsPerBlock ?? s.rows);
  const blocks = Math.ceil(s.rows / per);
  const entry = blocks === 1 && s.rows > FEW_ROWS && !s.sequential ? 'total' : 'partials';
  const groups: [number, number] = [Math.ceil(s.cols / (entry === 'total' ? 32 : 64)), blocks];
  if (groups[0] > 65535 || blocks > 65535)
    throw new Error(`sumRows: ${blocks} blocks × ${s.cols} columns is over the dispatch limit.`);
  return prepareDispatch(gpu, {
    kernel: { name: `sumRows.${entry}`, code: sumRowsCode, entry },
    buffers: [out, x],
    u32: [s.rows, s.cols, s.stride ?? s.cols, s.offset ?? 0, per, s.accumulate ? 1 : 0],
    workgroups: groups,
  });
}

/** Rows per block in the first pass of a two-pass column sum (at most 256 blocks of at least 16 rows). */
export function rowsPerBlock(rows: number): number {
  return Math.max(16, Math.ceil(rows / 256));
}

export const sumRows: KernelDef<SumRowsArgs> = {
  name: 'sumRows',
  cpu(a) {
    checkSizes('sumRows', a.rows * a.cols, [a.x]);
    checkSizes('sumRows', a.cols, [a.out]);
    return () => sumRowsRef(a.out.f32, a.x.f32, a.rows, a.cols, a.accumulate);
  },
  gpu(gpu, a) {
    checkSizes('sumRows', a.rows * a.cols, [a.x]);
    checkSizes('sumRows', a.cols, [a.out]);
    const per = rowsPerBlock(a.rows);
    const blocks = Math.ceil(a.rows / per);
    if (blocks === 1) return prepareColumnSum(gpu, a.out, a.x, a);
    const partial = gpu.pool.acquire(blocks * a.cols * 4, 'sumRows partials');
    return withScratch(
      gpu,
      [
        prepareColumnSum(gpu, partial, a.x, { rows: a.rows, cols: a.cols, rowsPerBlock: per }),
        prepareColumnSum(gpu, a.out, partial, { rows: blocks, cols: a.cols, accumulate: a.accumulate }),
      ],
      [partial],
    );
  },
};
