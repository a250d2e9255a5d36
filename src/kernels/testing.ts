// Test helpers shared by every kernel test: the Node GPU backend, random inputs, the llm.c-style
// comparison |got − ref| ≤ atol + rtol·|ref| with the first mismatches printed, and central finite
// differences for backward checks.
import { nodeGpu } from '../gpu/node-gpu';
import { checkErrors } from '../gpu/device';
import { GpuBackend } from './gpu-backend';
import { CpuBackend } from './cpu-backend';
import type { Data } from './tensor';
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

export function toF32(d: Data): Float32Array {
  return d instanceof Float32Array ? d : new Float32Array(d);
}
