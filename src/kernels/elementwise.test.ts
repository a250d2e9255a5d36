// Elementwise ops and sumRows: GPU against the CPU reference on random sizes (tiny, odd, not multiples
// of the workgroup, partial n), overwriting and accumulating; finite differences for the backwards.
// Sizes that are multiples of 4 run the vec4 entries, the others the scalar ones: both appear with and
// without accumulation, and with a partial n (the tail must stay).
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';

import type { Tensor } from './tensor';
import {
  backends,
  checkGradient,
  compareBackends,
  randn,
  throwGpuErrors,
  type Case,
  weightedSum,
} from './testing';
import * as ew from './elementwise';

const SIZES = [1, 3, 4, 7, 8, 65, 255, 256, 257, 1000, 1024, 4099];
/** Broadcast row lengths, by the vec4 path (multiples of 4) and the scalar one; odd count, so each
 *  length is met both overwriting and accumulating. */
const COLS = [1, 4, 3, 64, 7, 172, 65];
const CASES = 56;

/** Case c's element count, the tensors' size (sometimes larger than n: the tail must stay) and flags. */
function shape(rng: Rng, c: number) {
  const n = c < SIZES.length ? SIZES[c] : 1 + rng.int(3000);
  const partial = c % 5 === 4;
  return { n, size: partial ? n + 1 + rng.int(40) : n, accumulate: c % 2 === 1, partial };
}

function unaryCases(rng: Rng, std: number): Case<ew.UnaryArgs>[] {
  return Array.from({ length: CASES }, (_, c) => {
    const { n, size, accumulate, partial } = shape(rng, c);
    return {
      label: JSON.stringify({ n, size, accumulate }),
      inputs: { x: randn(rng, size, std) },
      outputs: { out: randn(rng, size) },
      args: (t) => ({ out: t.out, x: t.x, n: partial ? n : undefined, accumulate }),
    };
  });
}

type MapOpts = { n?: number; cols?: number; accumulate: boolean };

/** Cases of a two-input op; `make` builds the op's args from (out, first input, second input). */
function binaryCases<A>(
  rng: Rng,
  broadcast: boolean,
  make: (out: Tensor, a: Tensor, b: Tensor, o: MapOpts) => A,
): Case<A>[] {
  return Array.from({ length: CASES }, (_, c) => {
    const s = shape(rng, c);
    const cols = broadcast && c % 3 === 0 ? COLS[(c / 3) % COLS.length] : 0;
    const n = cols ? cols * (1 + rng.int(12)) : s.n;
    const size = cols ? n : s.size;
    const o = { n: s.partial && !cols ? n : undefined, cols: cols || undefined, accumulate: s.accumulate };
    return {
      label: JSON.stringify({ n, size, cols, accumulate: s.accumulate }),
      inputs: { a: randn(rng, size, 3), b: randn(rng, cols || size) },
      outputs: { out: randn(rng, size) },
      args: (t) => make(t.out, t.a, t.b, o),
    };
  });
}

describe('elementwise', () => {
  const rng = new Rng(3);

  it('unary ops match the CPU reference', async () => {
    await compareBackends(ew.copy, unaryCases(rng, 1));
    await compareBackends(ew.gelu, unaryCases(rng, 3));
    await compareBackends(ew.silu, unaryCases(rng, 3));
    await compareBackends(
      ew.scale,
      unaryCases(rng, 1).map((c): Case<ew.ScaleArgs> => ({
        ...c,
        args: (t) => ({ ...c.args(t), s: -1.75 }),
      })),
    );
    await compareBackends(
      ew.fill,
      unaryCases(rng, 1).map((c): Case<ew.FillArgs> => ({
        ...c,
        inputs: {},
        args: (t) => ({ out: t.out, value: 0.5, n: c.args(t).n }),
      })),
    );
  });

  it('binary ops match the CPU reference, with a broadcast row', async () => {
    await compareBackends(
      ew.add,
      binaryCases(rng, true, (out, a, b, o) => ({ out, a, b, ...o })),
    );
    await compareBackends(
      ew.mul,
      binaryCases(rng, true, (out, a, b, o) => ({ out, a, b, ...o })),
    );
    await compareBackends(
      ew.swiglu,
      binaryCases(rng, false, (out, gate, up, o) => ({ out, gate, up, ...o })),
    );
    const backward = (dx: Tensor, x: Tensor, dy: Tensor, o: MapOpts) => ({ dx, x, dy, ...o });
    await compareBackends(ew.geluBackward, binaryCases(rng, false, backward));
    await compareBackends(ew.siluBackward, binaryCases(rng, false, backward));
  });

  it('swigluBackward matches the CPU reference', async () => {
    const cases = Array.from({ length: CASES }, (_, c): Case<ew.SwigluBackwardArgs> => {
      const { n, size, accumulate, partial } = shape(rng, c);
      return {
        label: JSON.stringify({ n, size, accumulate }),
        inputs: { gate: randn(rng, size, 3), up: randn(rng, size), dy: randn(rng, size) },
        outputs: { dgate: randn(rng, size), dup: randn(rng, size) },
        args: (t) => ({
          dgate: t.dgate,
          dup: t.dup,
          gate: t.gate,
          up: t.up,
          dy: t.dy,
          n: partial ? n : undefined,
          accumulate,
        }),
      };
    });
    await compareBackends(ew.swigluBackward, cases);
  });

  it('sumRows matches the CPU reference, one and two passes', async () => {
    const cases = Array.from({ length: CASES }, (_, c): Case<ew.SumRowsArgs> => {
      const rows = c < 4 ? 1 : c % 3 === 0 ? 1 + rng.int(20) : 1 + rng.int(5000);
      const cols = c < SIZES.length ? SIZES[c] : 1 + rng.int(100);
      const accumulate = c % 2 === 1;
      return {
        label: JSON.stringify({ rows, cols, accumulate }),
        // Positive terms: long sums of mixed signs cancel below f32 resolution.
        inputs: { x: new Float32Array(rows * cols).map(() => rng.uniform(0.5, 1.5)) },
        outputs: { out: randn(rng, cols) },
        args: (t) => ({ out: t.out, x: t.x, rows, cols, accumulate }),
      };
    });
    await compareBackends(ew.sumRows, cases);
  });

  it('reaches every element past 65535 workgroups (2-D grid), by the scalar and the vec4 path', async () => {
    const { gpu } = await backends();
    const n = 65536 * 1024 + 4; // 65537 workgroups of 256 invocations, 4 values each
    const out = gpu.alloc([n], 'out');
    // n − 1 values by the scalar entry, then all n by the vec4 one.
    for (const [count, value] of [
      [n - 1, 0.25],
      [n, 0.375],
    ]) {
      gpu.run([gpu.op(ew.fill, { out, value, n: count })]);
      const got = await gpu.read(out);
      expect(got.subarray(0, count).findIndex((v) => v !== value)).toBe(-1);
    }
    gpu.free(out);
    throwGpuErrors(gpu);
  });

  it('backward references agree with finite differences', () => {
    for (let c = 0; c < 6; c++) {
      const n = 1 + rng.int(40);
      const R = Float64Array.from(randn(rng, n));
      const x = Float64Array.from(randn(rng, n, 3));
      const up = Float64Array.from(randn(rng, n));
      const dx = new Float64Array(n);
      const dup = new Float64Array(n);
      ew.geluBackwardRef(dx, x, R);
      checkGradient(
        weightedSum(R, (o) => ew.geluRef(o, x)),
        x,
        dx,
        { label: 'gelu' },
      );
      ew.siluBackwardRef(dx, x, R);
      checkGradient(
        weightedSum(R, (o) => ew.siluRef(o, x)),
        x,
        dx,
        { label: 'silu' },
      );
      ew.swigluBackwardRef(dx, dup, x, up, R);
      checkGradient(
        weightedSum(R, (o) => ew.swigluRef(o, x, up)),
        x,
        dx,
        { label: 'swiglu dgate' },
      );
      checkGradient(
        weightedSum(R, (o) => ew.swigluRef(o, x, up)),
        up,
        dup,
        { label: 'swiglu dup' },
      );
    }
  });
});
