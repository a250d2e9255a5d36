// Cross-entropy: GPU forward and backward against the float64 reference on random shapes (rows = 1,
// odd and large V, ignored and all-ignored rows, shifted logits, accumulate), many rows packed per
// workgroup, and the reference backward against central finite differences.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import {
  crossEntropy,
  crossEntropyBackward,
  crossEntropyBackwardRef,
  crossEntropyRef,
} from './cross-entropy';
import { backends, checkGradient, expectClose, randn, throwGpuErrors } from './testing';
import type { Backend } from './backend';
import type { Tensor } from './tensor';

interface Case {
  rows: number;
  V: number;
  logits: Float32Array;
  targets: Int32Array;
  dlogits0: Float32Array;
  accumulate: boolean;
}

interface Results {
  loss: Float32Array;
  rowLoss: Float32Array;
  lse: Float32Array;
  dlogits: Float32Array;
}

/** Runs forward then backward in one submit on a backend and reads everything back. */
async function run(b: Backend, k: Case): Promise<Results> {
  const t = (shape: number[], label: string, data?: Float32Array | Int32Array): Tensor => {
    const x = b.alloc(shape, label, data instanceof Int32Array ? 'i32' : 'f32');
    if (data) b.write(x, data);
    return x;
  };
  const { rows, V } = k;
  const logits = t([rows, V], 'logits', k.logits);
  const targets = t([rows], 'targets', k.targets);
  const dlogits = t([rows, V], 'dlogits', k.dlogits0);
  const loss = t([2], 'loss');
  const rowLoss = t([rows], 'rowLoss');
  const lse = t([rows], 'lse');
  b.run([
    b.op(crossEntropy, { loss, rowLoss, lse, logits, targets, rows, V }),
    b.op(crossEntropyBackward, { dlogits, logits, lse, targets, loss, rows, V, accumulate: k.accumulate }),
  ]);
  const out = await Promise.all([loss, rowLoss, lse, dlogits].map((x) => b.read(x)));
  [logits, targets, dlogits, loss, rowLoss, lse].forEach((x) => b.free(x));
  const [l, r, s, d] = out.map((x) => x as Float32Array);
  return { loss: l, rowLoss: r, lse: s, dlogits: d };
}

function randomCase(rng: Rng, c: number): Case {
  // V > 8·256 makes the forward's 4-wide loop run more than once per lane.
  const sizes = [1, 3, 65, 257, 1000, 5003];
  const V = c < 12 ? sizes[c % 6] : rng.next() < 0.15 ? 2049 + rng.int(8000) : 1 + rng.int(1200);
  const rows = c < 5 ? 1 : 1 + rng.int(V > 2048 ? 8 : 48);
  // Every 10th case ignores all rows; otherwise a random share (often none) is ignored.
  const ignore = c % 10 === 9 ? 1 : rng.next() < 0.3 ? 0 : rng.uniform(0, 0.8);
  const targets = Int32Array.from({ length: rows }, () => (rng.next() < ignore ? -1 : rng.int(V)));
  const logits = randn(rng, rows * V, 10 ** rng.uniform(-1, 1));
  if (rng.next() < 0.3) logits.forEach((x, i) => (logits[i] = x + 60)); // stability: large logits
  return { rows, V, logits, targets, dlogits0: randn(rng, rows * V), accumulate: rng.next() < 0.4 };
}

function expectMatch(got: Results, ref: Results, label: string): void {
  const o = { rtol: 1e-4, atol: 1e-5 };
  expectClose(got.loss, ref.loss, { ...o, label: `${label} loss` });
  expectClose(got.rowLoss, ref.rowLoss, { ...o, label: `${label} rowLoss` });
  expectClose(got.lse, ref.lse, { ...o, label: `${label} lse` });
  expectClose(got.dlogits, ref.dlogits, { rtol: 1e-4, atol: 1e-6, label: `${label} dlogits` });
}

describe('crossEntropy', () => {
  it('matches the CPU reference on 60 random cases, forward and backward', async () => {
    const { gpu, cpu } = await backends();
    const rng = new Rng(21);
    for (let c = 0; c < 60; c++) {
      const k = randomCase(rng, c);
      const got = await run(gpu, k);
      throwGpuErrors(gpu);
      const ref = await run(cpu, k);
      const ignored = k.targets.filter((t) => t < 0).length;
      const label = `case ${c} (rows=${k.rows} V=${k.V} ignored=${ignored} accumulate=${k.accumulate})`;
      expectMatch(got, ref, label);
      if (ignored === k.rows) expect([...got.loss], `${label}: all ignored`).toEqual([0, 0]);
    }
    expect(gpu.gpu.pool.liveBytes).toBe(0);
    expect(cpu.memory().liveBytes).toBe(0);
  });

  it('packs several rows per workgroup for small V, over many workgroups', async () => {
    const { gpu, cpu } = await backends();
    const rng = new Rng(22);
    for (const [rows, V] of [
      [4099, 1],
      [3001, 2],
      [2001, 5],
      [1001, 33],
      [301, 200],
    ]) {
      const k: Case = {
        rows,
        V,
        logits: randn(rng, rows * V, 2),
        targets: Int32Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? -1 : rng.int(V))),
        dlogits0: new Float32Array(rows * V),
        accumulate: false,
      };
      const got = await run(gpu, k);
      throwGpuErrors(gpu);
      expectMatch(got, await run(cpu, k), `rows=${rows} V=${V}`);
    }
    expect(gpu.gpu.pool.liveBytes).toBe(0);
  });

  it('has a reference backward that matches central finite differences', () => {
    const rng = new Rng(23);
    for (const [rows, V] of [
      [1, 1],
      [1, 5],
      [4, 7],
      [6, 3],
    ]) {
      const logits = Float64Array.from(randn(rng, rows * V, 2));
      const targets = Int32Array.from({ length: rows }, (_, r) => (r === 2 ? -1 : rng.int(V)));
      const loss = new Float64Array(2);
      const rowLoss = new Float64Array(rows);
      const lse = new Float64Array(rows);
      const f = () => {
        crossEntropyRef(loss, rowLoss, lse, logits, targets, rows, V);
        return loss[0];
      };
      f();
      const grad = new Float64Array(rows * V);
      crossEntropyBackwardRef(grad, logits, lse, targets, loss[1], rows, V);
      checkGradient(f, logits, grad, {
        eps: 1e-4,
        rtol: 1e-5,
        atol: 1e-8,
        probes: rows * V,
        label: `rows=${rows} V=${V}`,
      });
    }
  });
});
