// RMSNorm: GPU against the CPU reference (rows = 1, odd widths, many rows per dweight block,
// > 65535 rows), dx and dweight overwriting or accumulating; finite differences for the backward.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import type { KernelDef, Op } from './backend';
import type { ScratchStep } from './elementwise';
import type { Data, Tensor } from './tensor';
import { backends, checkGradient, expectClose, randn, throwGpuErrors, toF32 } from './testing';
import {
  rmsnorm,
  rmsnormBackward,
  rmsnormBackwardRef,
  rmsnormRef,
  type RmsnormArgs,
  type RmsnormBackwardArgs,
} from './rmsnorm';

interface Case<A> {
  label: string;
  inputs: Record<string, Data>;
  /** Initial contents of the outputs (random, so that accumulate and partial n are visible). */
  outputs: Record<string, Data>;
  args: (t: Record<string, Tensor>) => A;
  /** Absolute tolerance per output where it is a long sum (default 1e-5). */
  atol?: Record<string, number>;
}

/** Runs every case on both backends (one submit for all cases) and compares the outputs. */
async function compareBackends<A>(kernel: KernelDef<A>, cases: Case<A>[]): Promise<void> {
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
      releaseScratch(p.op);
    }
  }
  expect(gpu.memory().liveBytes).toBe(0);
}

/** Releases the scratch buffers an op's GPU step holds (GpuBackend keeps the step on the op). */
function releaseScratch(op: Op): void {
  (op as unknown as { step: Partial<ScratchStep> }).step.release?.();
}

const WIDTHS = [1, 3, 7, 65, 257, 32, 256, 1000];
const CASES = 56;
const EPS = 1e-5;

/** Case c's shape: rows = 1 first, then some large row counts (many rows per dweight block); the last
 *  case has more than 65535 rows (a 2-D grid of workgroups). */
function shape(rng: Rng, c: number): { rows: number; D: number } {
  if (c === CASES - 1) return { rows: 65537, D: 1 };
  const D = c < WIDTHS.length * 2 ? WIDTHS[c % WIDTHS.length] : 1 + rng.int(400);
  const rows = c < WIDTHS.length ? 1 : c % 7 === 0 ? 513 + rng.int(1500) : 1 + rng.int(40);
  return { rows: D > 256 && rows > 40 ? 40 : rows, D };
}

/** x with a per-row offset and scale, so rows differ in rms. */
function input(rng: Rng, rows: number, D: number): Float32Array {
  const x = randn(rng, rows * D);
  for (let r = 0; r < rows; r++) {
    const [shift, scale] = [rng.normal(), 0.2 + 3 * rng.next()];
    for (let i = 0; i < D; i++) x[r * D + i] = shift + scale * x[r * D + i];
  }
  return x;
}

describe('rmsnorm', () => {
  const rng = new Rng(11);

  it('forward matches the CPU reference', async () => {
    const cases = Array.from({ length: CASES }, (_, c): Case<RmsnormArgs> => {
      const { rows, D } = shape(rng, c);
      return {
        label: JSON.stringify({ rows, D }),
        inputs: { x: input(rng, rows, D), weight: randn(rng, D) },
        outputs: { out: randn(rng, rows * D), rstd: randn(rng, rows) },
        args: (t) => ({ out: t.out, rstd: t.rstd, x: t.x, weight: t.weight, rows, D, eps: EPS }),
      };
    });
    await compareBackends(rmsnorm, cases);
  });

  it('backward matches the CPU reference', async () => {
    const cases = Array.from({ length: CASES }, (_, c): Case<RmsnormBackwardArgs> => {
      const { rows, D } = shape(rng, c);
      const x = input(rng, rows, D);
      const weight = randn(rng, D);
      const rstd = new Float32Array(rows);
      rmsnormRef(new Float32Array(rows * D), rstd, x, weight, rows, D, EPS);
      const accumulate = c % 2 === 1;
      const accumulateParams = c % 4 >= 2;
      return {
        label: JSON.stringify({ rows, D, accumulate, accumulateParams }),
        inputs: { x, weight, rstd, dy: randn(rng, rows * D) },
        outputs: { dx: randn(rng, rows * D), dweight: randn(rng, D) },
        args: (t) => ({
          dx: t.dx,
          dweight: t.dweight,
          x: t.x,
          weight: t.weight,
          rstd: t.rstd,
          dy: t.dy,
          rows,
          D,
          accumulate,
          accumulateParams,
        }),
        atol: { dweight: Math.max(1e-5, 1e-6 * rows) },
      };
    });
    await compareBackends(rmsnormBackward, cases);
  });

  it('backward reference agrees with finite differences', () => {
    for (let c = 0; c < 8; c++) {
      const rows = 1 + rng.int(3);
      const D = 2 + rng.int(8);
      const x = Float64Array.from(input(rng, rows, D));
      const weight = Float64Array.from(randn(rng, D));
      const R = Float64Array.from(randn(rng, rows * D));
      const out = new Float64Array(rows * D);
      const rstd = new Float64Array(rows);
      const loss = () => {
        rmsnormRef(out, rstd, x, weight, rows, D, EPS);
        return out.reduce((s, v, i) => s + v * R[i], 0);
      };
      loss();
      const dx = new Float64Array(rows * D);
      const dweight = new Float64Array(D);
      rmsnormBackwardRef(dx, dweight, x, weight, rstd, R, rows, D);
      checkGradient(loss, x, dx, { label: `rmsnorm dx ${rows}×${D}` });
      checkGradient(loss, weight, dweight, { label: `rmsnorm dweight ${rows}×${D}` });
    }
  });
});
