// Test helpers shared by every kernel test: the Node GPU backend, random inputs, the llm.c-style
// comparison |got − ref| ≤ atol + rtol·|ref| with the first mismatches printed, and central finite
// differences for backward checks.
import { nodeGpu } from '../gpu/node-gpu';
import { checkErrors } from '../gpu/device';
import { GpuBackend } from './gpu-backend';
import { CpuBackend } from './cpu-backend';
import type { KernelDef } from './backend';
import type { Data, Tensor } from './tensor';
import { Rng } from '../data/rng';

export async function backends(): Promise<{ gpu: GpuBackend; cpu: CpuBackend }> {
  return { gpu: new GpuBackend(await nodeGpu()), cpu: new CpuBackend() };
}

export function throwGpuErrors(b: GpuBackend): void {
  checkErrors(b.gpu);
}

export function randn(rng: Rng, n: number, std = 1): Float32Array {
  return rng.fillNormal(new Float32Array(n), std);
}

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  label?: string;
}

/** Returns null when every element is close, else a message listing the first mismatches. */
export function compare(got: ArrayLike<number>, ref: ArrayLike<number>, o: CloseOptions = {}): string | null {
  const rtol = o.rtol ?? 1e-4;
  const atol = o.atol ?? 1e-5;
  if (got.length !== ref.length) return `${o.label ?? ''}: length ${got.length} ≠ ${ref.length}`;
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < got.length; i++) {
    const g = got[i];
    const r = ref[i];
    if (!(Math.abs(g - r) <= atol + rtol * Math.abs(r))) {
      count++;
      if (bad.length < 8) bad.push(`  [${i}] got ${g}, ref ${r}`);
    }
  }
  return count === 0
    ? null
    : `${o.label ?? 'mismatch'}: ${count}/${got.length} elements differ\n${bad.join('\n')}`;
}

export function expectClose(got: ArrayLike<number>, ref: ArrayLike<number>, o: CloseOptions = {}): void {
  const msg = compare(got, ref, o);
  if (msg) throw new Error(msg);
}

/**
 * Central finite differences of a scalar function f at x, over `probes` random coordinates
 * (all if x is small). Compares with the analytic gradient `grad` and throws on mismatch.
 * f must be computed in float64 for the check to be meaningful.
 */
export function checkGradient(
  f: () => number,
  x: Float32Array | Float64Array,
  grad: ArrayLike<number>,
  o: { eps?: number; rtol?: number; atol?: number; probes?: number; rng?: Rng; label?: string } = {},
): void {
  const eps = o.eps ?? 1e-3;
  const rtol = o.rtol ?? 1e-2;
  const atol = o.atol ?? 1e-4;
  const rng = o.rng ?? new Rng(7);
  const n = x.length;
  const idx =
    n <= (o.probes ?? 24) ? [...Array(n).keys()] : Array.from({ length: o.probes ?? 24 }, () => rng.int(n));
  const bad: string[] = [];
  for (const i of idx) {
    const old = x[i];
    x[i] = old + eps;
    const fp = f();
    x[i] = old - eps;
    const fm = f();
    x[i] = old;
    const num = (fp - fm) / (2 * eps);
    if (!(Math.abs(num - grad[i]) <= atol + rtol * Math.abs(num)))
      bad.push(`  [${i}] numeric ${num}, analytic ${grad[i]}`);
  }
  if (bad.length)
    throw new Error(
      `${o.label ?? 'gradient'}: ${bad.length}/${idx.length} probes differ\n${bad.slice(0, 8).join('\n')}`,
    );
}

/** sum(out ⊙ R) for a CPU reference that writes `out` (length R.length): a scalar loss for checkGradient. */
export function weightedSum(R: Float64Array, forward: (out: Float64Array) => void): () => number {
  return () => {
    const out = new Float64Array(R.length);
    forward(out);
    return out.reduce((s, v, i) => s + v * R[i], 0);
  };
}

export function toF32(d: Data): Float32Array {
  return d instanceof Float32Array ? d : new Float32Array(d);
}

export interface Case<A> {
  label: string;
  inputs: Record<string, Data>;
  /** Initial contents of the outputs (random, so that accumulate and partial n are visible). */
  outputs: Record<string, Data>;
  args: (t: Record<string, Tensor>) => A;
  /** Absolute tolerance per output where it is a long sum (default 1e-5). */
  atol?: Record<string, number>;
}

/** Runs every case on both backends (one submit for all cases) and compares the outputs. */
export async function compareBackends<A>(kernel: KernelDef<A>, cases: Case<A>[]): Promise<void> {
  const { gpu, cpu } = await backends();
  const prepared = [cpu, gpu].map((b) =>
    cases.map((c) => {
      const t: Record<string, Tensor> = {};
      for (const [k, d] of Object.entries({ ...c.inputs, ...c.outputs })) {
        t[k] = b.alloc([d.length], k, d instanceof Int32Array ? 'i32' : 'f32');
        b.write(t[k], d);
      }
      return { t, op: b.op(kernel, c.args(t)) };
    }),
  );
  const [onCpu, onGpu] = prepared;
  try {
    // Twice: accumulating ops add twice, and scratch left from the first run must not leak into the second.
    for (let k = 0; k < 2; k++) {
      cpu.run(onCpu.map((p) => p.op));
      gpu.run(onGpu.map((p) => p.op));
    }
    for (const [i, c] of cases.entries()) {
      for (const k of Object.keys(c.outputs)) {
        const got = toF32(await gpu.read(onGpu[i].t[k]));
        const ref = toF32(await cpu.read(onCpu[i].t[k]));
        expectClose(got, ref, {
          atol: c.atol?.[k],
          label: `${kernel.name} case ${i} ${c.label} output ${k}`,
        });
      }
    }
    throwGpuErrors(gpu);
  } finally {
    for (const p of onGpu) {
      Object.values(p.t).forEach((t) => gpu.free(t));
      gpu.release([p.op]);
    }
  }
  if (gpu.memory().liveBytes !== 0)
    throw new Error(`${kernel.name}: ${gpu.memory().liveBytes} bytes still live after freeing every tensor.`);
}
