// Long convolution: GPU (direct, FFT in workgroup memory, multi-pass FFT) vs the direct CPU reference on
// random shapes, and the CPU backward by finite differences.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import {
  longConv,
  longConvBackward,
  longConvBackwardRef,
  longConvRef,
  type LongConvArgs,
  type LongConvBackwardArgs,
  type LongConvSizes,
} from './long-conv';
import { fftLength, fftRadices } from './long-conv-fft';
import { longConvStep, longConvStepRef, type LongConvStepArgs } from './long-conv-step';
import {
  backends,
  checkGradient,
  compareBackends,
  expectClose,
  randn,
  throwGpuErrors,
  toF32,
  weightedSum,
  type Case,
} from './testing';

const CASES = 32;

/** Case c: T = 1, powers of two and not, each method; every third FFT case forced through global passes. */
function sizes(rng: Rng, c: number): LongConvSizes {
  const T = c % 8 === 0 ? 1 : [3, 5, 8, 13, 16, 31, 40, 64, 100][rng.int(9)];
  const method = (['direct', 'fft', 'auto'] as const)[c % 3];
  const maxSharedN = method === 'fft' && c % 2 === 1 ? [2, 4, 16][rng.int(3)] : undefined;
  return { B: 1 + rng.int(3), T, C: 1 + rng.int(5), method, maxSharedN };
}

/** Filters that decay like Hyena's windowed ones, so long sums stay of order one. */
function filter(rng: Rng, T: number, C: number): Float32Array {
  const h = randn(rng, T * C);
  return h.map((v, i) => v * Math.exp(-3 * (Math.floor(i / C) / T)));
}

/** FFT round-off grows with the sums' size: absolute tolerance 1e-4 of the output's largest element. */
function atolOf(ref: Float64Array): number {
  return Math.max(1e-5, 1e-4 * ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
}

function forwardCase(rng: Rng, s: LongConvSizes): Case<LongConvArgs> {
  const { B, T, C } = s;
  const h = filter(rng, T, C);
  const u = randn(rng, B * T * C);
  const ref = new Float64Array(B * T * C);
  longConvRef(ref, h, u, s);
  return {
    label: JSON.stringify(s),
    inputs: { h, u },
    outputs: { y: new Float32Array(B * T * C).fill(7) },
    args: (t) => ({ ...s, y: t.y, h: t.h, u: t.u }),
    atol: { y: atolOf(ref) },
  };
}

function backwardCase(rng: Rng, s: LongConvSizes, c: number): Case<LongConvBackwardArgs> {
  const { B, T, C } = s;
  const [h, u, dy] = [filter(rng, T, C), randn(rng, B * T * C), randn(rng, B * T * C)];
  const [du, dh] = [new Float64Array(B * T * C), new Float64Array(T * C)];
  longConvBackwardRef(du, dh, h, u, dy, s);
  const withDu = c % 5 !== 1;
  const withDh = c % 5 !== 2;
  const [accumulateInput, accumulateFilter] = [c % 2 === 0, c % 3 === 0];
  return {
    label: JSON.stringify({ ...s, withDu, withDh, accumulateInput, accumulateFilter }),
    inputs: { h, u, dy },
    outputs: {
      ...(withDu ? { du: randn(rng, B * T * C) } : {}),
      ...(withDh ? { dh: randn(rng, T * C) } : {}),
    },
    args: (t) => ({ ...s, du: t.du, dh: t.dh, h: t.h, u: t.u, dy: t.dy, accumulateInput, accumulateFilter }),
    // Accumulating twice (compareBackends runs twice) doubles the sums' size.
    atol: { du: 3 * atolOf(du), dh: 3 * atolOf(dh) },
  };
}

describe('fft sizes', () => {
  it('pads to a power of two ≥ 2T and splits into radix-4 stages with at most one radix-2', () => {
    expectClose([1, 2, 3, 4, 5, 512, 513].map(fftLength), [2, 4, 8, 8, 16, 1024, 2048]);
    expectClose(fftRadices(2), [2]);
    expectClose(fftRadices(32), [4, 4, 2]);
    expectClose(fftRadices(1024), [4, 4, 4, 4, 4]);
  });
});

describe('longConv', () => {
  const rng = new Rng(11);
  const long = { B: 1, T: 600, C: 2 }; // N = 2048: beyond workgroup memory, the multi-pass path

  it(`GPU forward matches the CPU reference on ${CASES} random cases and at T = 600`, async () => {
    const cases = Array.from({ length: CASES }, (_, c) => forwardCase(rng, sizes(rng, c)));
    cases.push(
      forwardCase(rng, { ...long, method: 'auto' }),
      forwardCase(rng, { ...long, method: 'direct' }),
    );
    await compareBackends(longConv, cases);
  });

  it(`GPU backward matches the CPU reference on ${CASES} random cases and at T = 600`, async () => {
    const cases = Array.from({ length: CASES }, (_, c) => backwardCase(rng, sizes(rng, c), c));
    cases.push(backwardCase(rng, { ...long, B: 2, method: 'auto' }, 0));
    await compareBackends(longConvBackward, cases);
  });

  it('the CPU backward matches finite differences', () => {
    const s = { B: 2, T: 7, C: 3 };
    const { B, T, C } = s;
    const h = Float64Array.from(filter(rng, T, C));
    const u = Float64Array.from(randn(rng, B * T * C));
    const R = Float64Array.from(randn(rng, B * T * C));
    const [du, dh] = [new Float64Array(B * T * C), new Float64Array(T * C)];
    longConvBackwardRef(du, dh, h, u, R, s);
    const f = weightedSum(R, (out) => longConvRef(out, h, u, s));
    checkGradient(f, u, du, { eps: 1e-4, rtol: 1e-6, atol: 1e-8, probes: 100, label: 'du' });
    checkGradient(f, h, dh, { eps: 1e-4, rtol: 1e-6, atol: 1e-8, probes: 100, label: 'dh' });
  });
});

describe('longConvStep', () => {
  const rng = new Rng(12);

  it('matches the CPU reference at positions 0, mid, last and outside the capacity', async () => {
    const cases = [0, 3, 9, 10, -1].map((pos, c): Case<LongConvStepArgs> => {
      const s = { B: 1 + (c % 2), C: 3 + c, capacity: 10 };
      const { B, C, capacity } = s;
      return {
        label: JSON.stringify({ ...s, pos }),
        inputs: { h: filter(rng, capacity, C), u: randn(rng, B * C), pos: new Int32Array([pos]) },
        outputs: { y: randn(rng, B * C), history: randn(rng, B * capacity * C) },
        args: (t) => ({ ...s, y: t.y, history: t.history, h: t.h, u: t.u, pos: t.pos }),
      };
    });
    await compareBackends(longConvStep, cases);
  });

  it('steps over a sequence reproduce the forward on the GPU', async () => {
    const { gpu } = await backends();
    const s = { B: 2, C: 3, capacity: 11 };
    const { B, C, capacity: T } = s;
    const [h, u] = [filter(rng, T, C), randn(rng, B * T * C)];
    const ref = new Float64Array(B * T * C);
    longConvRef(ref, h, u, { B, T, C });
    const t = {
      y: gpu.alloc([B * C], 'y'),
      history: gpu.alloc([B * T * C], 'history'),
      h: gpu.alloc([T * C], 'h'),
      u: gpu.alloc([B * C], 'u'),
      pos: gpu.alloc([1], 'pos', 'i32'),
    };
    gpu.write(t.h, h);
    gpu.write(t.history, new Float32Array(B * T * C).fill(NaN)); // rows after pos are never read
    const step = gpu.op(longConvStep, { ...s, ...t });
    const got = new Float32Array(B * T * C);
    for (let pos = 0; pos < T; pos++) {
      const ut = new Float32Array(B * C);
      for (let b = 0; b < B; b++) ut.set(u.subarray((b * T + pos) * C, (b * T + pos + 1) * C), b * C);
      gpu.write(t.u, ut);
      gpu.write(t.pos, new Int32Array([pos]));
      gpu.run([step]);
      const yt = toF32(await gpu.read(t.y));
      for (let b = 0; b < B; b++) got.set(yt.subarray(b * C, (b + 1) * C), (b * T + pos) * C);
    }
    expectClose(got, ref, { rtol: 1e-5, atol: 1e-6, label: 'steps vs forward' });
    const cpuHistory = new Float64Array(B * T * C);
    longConvStepRef(new Float64Array(B * C), cpuHistory, h, u, T, s); // outside the capacity: no change
    expect(cpuHistory.every((v) => v === 0)).toBe(true);
    throwGpuErrors(gpu);
    gpu.release([step]);
    Object.values(t).forEach((x) => gpu.free(x));
    expect(gpu.memory().liveBytes).toBe(0);
  });
});
