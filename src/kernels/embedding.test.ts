// Embedding: GPU against the CPU reference (rows = 1, odd widths, ids out of range, skewed token
// counts, runs across sort chunks, > 65535 workgroups), dtable overwriting or accumulating; finite
// differences for the backward.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import type { KernelDef, Op } from './backend';
import type { ScratchStep } from './elementwise';
import type { Data, Tensor } from './tensor';
import { backends, checkGradient, expectClose, randn, throwGpuErrors, toF32 } from './testing';
import {
  embedding,
  embeddingBackward,
  embeddingBackwardRef,
  embeddingRef,
  type EmbeddingArgs,
  type EmbeddingBackwardArgs,
} from './embedding';

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

const WIDTHS = [1, 3, 7, 65, 257, 32, 256];
const CASES = 56;

/** Case c's shape: rows = 1 first; vocabularies from 1 to past 256·k (several tokens per scan slot). */
function shape(rng: Rng, c: number): { rows: number; V: number; D: number } {
  const D = c < WIDTHS.length * 2 ? WIDTHS[c % WIDTHS.length] : 1 + rng.int(100);
  const rows = c < WIDTHS.length ? 1 : c % 5 === 0 ? 257 + rng.int(2000) : 1 + rng.int(300);
  const V = c % 6 === 0 ? 1 + rng.int(3) : c % 6 === 1 ? 257 + rng.int(3000) : 1 + rng.int(100);
  return { rows, V, D };
}

/** Token ids: a skewed distribution (one frequent id, like a space) and, in some cases, invalid ids. */
function tokenIds(rng: Rng, rows: number, V: number, invalid: boolean): Int32Array {
  const frequent = rng.int(V);
  return Int32Array.from({ length: rows }, () => {
    const u = rng.next();
    if (invalid && u < 0.05) return u < 0.025 ? -1 - rng.int(3) : V + rng.int(3);
    return u < 0.3 ? frequent : rng.int(V);
  });
}

describe('embedding', () => {
  const rng = new Rng(13);

  it('forward matches the CPU reference', async () => {
    const cases = Array.from({ length: CASES }, (_, c): Case<EmbeddingArgs> => {
      // The last case has rows·D over 65535 workgroups of 256 (a 2-D grid).
      const { rows, V, D } = c === CASES - 1 ? { rows: 65536, V: 5, D: 257 } : shape(rng, c);
      return {
        label: JSON.stringify({ rows, V, D }),
        inputs: { table: randn(rng, V * D), tokens: tokenIds(rng, rows, V, c % 3 === 2) },
        outputs: { out: randn(rng, rows * D) },
        args: (t) => ({ out: t.out, table: t.table, tokens: t.tokens, rows, D }),
      };
    });
    await compareBackends(embedding, cases);
  });

  it('backward matches the CPU reference', async () => {
    const cases = Array.from({ length: CASES }, (_, c): Case<EmbeddingBackwardArgs> => {
      const { rows, V, D } = shape(rng, c);
      const accumulate = c % 2 === 1;
      return {
        label: JSON.stringify({ rows, V, D, accumulate }),
        inputs: { tokens: tokenIds(rng, rows, V, c % 3 === 2), dy: randn(rng, rows * D) },
        outputs: { dtable: randn(rng, V * D) },
        args: (t) => ({ dtable: t.dtable, tokens: t.tokens, dy: t.dy, rows, V, D, accumulate }),
        atol: { dtable: Math.max(1e-5, 1e-6 * rows) },
      };
    });
    await compareBackends(embeddingBackward, cases);
  });

  it('backward reference agrees with finite differences', () => {
    for (let c = 0; c < 6; c++) {
      const [rows, V, D] = [1 + rng.int(12), 1 + rng.int(5), 1 + rng.int(6)];
      const tokens = tokenIds(rng, rows, V, c % 2 === 1);
      const table = Float64Array.from(randn(rng, V * D));
      const R = Float64Array.from(randn(rng, rows * D));
      const out = new Float64Array(rows * D);
      const loss = () => {
        embeddingRef(out, table, tokens, rows, D);
        return out.reduce((s, v, i) => s + v * R[i], 0);
      };
      const dtable = new Float64Array(V * D);
      embeddingBackwardRef(dtable, tokens, R, rows, V, D);
      checkGradient(loss, table, dtable, { label: `embedding ${rows}×${D}, V = ${V}` });
    }
  });
});
