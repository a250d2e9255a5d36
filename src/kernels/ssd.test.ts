// SSD (Mamba-2) forward: GPU vs the f64 CPU reference on random shapes; decode steps vs the forward.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import { ssdScan, ssdStateBytes, ssdStep, type SsdArgs, type SsdStepArgs } from './ssd';
import { ssdCase, ssdInputs, type SsdCase } from './ssd-cases';
import { backends, compareBackends, expectClose, throwGpuErrors, toF32, type Case } from './testing';

const CASES = 32;

function forwardCase(rng: Rng, s: SsdCase, label: string): Case<SsdArgs> {
  const { B, T, H, P } = s;
  const { state, ...inputs } = ssdInputs(rng, s);
  return {
    label,
    inputs,
    outputs: {
      y: new Float32Array(B * T * H * P).fill(7),
      ...(s.withState ? { state } : {}),
    },
    args: (t) => ({
      ...s,
      y: t.y,
      x: t.x,
      dt: t.dt,
      A: t.A,
      Bm: t.Bm,
      C: t.C,
      D: t.D,
      state: t.state,
    }),
  };
}

describe('ssdScan', () => {
  const rng = new Rng(52);

  it(`GPU matches the CPU reference on ${CASES} random cases and at P = N = 128`, async () => {
    const cases = Array.from({ length: CASES }, (_, c) => {
      const s = ssdCase(rng, c);
      return forwardCase(rng, s, JSON.stringify(s));
    });
    const big = { B: 1, T: 3, H: 2, P: 128, N: 128, G: 1, withState: true };
    cases.push(forwardCase(rng, big, '128 × 128'));
    // The state is updated in place, so the second run of compareBackends starts from the first's end.
    await compareBackends(ssdScan, cases);
  });

  it('the decode step matches the CPU reference', async () => {
    const cases = [0, 1, 2, 3].map((c): Case<SsdStepArgs> => {
      const s = { ...ssdCase(rng, c), T: 1 };
      const { state, ...inputs } = ssdInputs(rng, s);
      return {
        label: JSON.stringify(s),
        inputs,
        outputs: { y: new Float32Array(s.B * s.H * s.P), state },
        args: (t) => ({ ...s, y: t.y, x: t.x, dt: t.dt, A: t.A, Bm: t.Bm, C: t.C, D: t.D, state: t.state }),
      };
    });
    await compareBackends(ssdStep, cases);
  });

  it('decode steps reproduce the parallel forward', async () => {
    const { gpu } = await backends();
    const s = { B: 2, T: 9, H: 4, P: 8, N: 12, G: 2 };
    const { B, T, H, P, N, G } = s;
    const x = ssdInputs(rng, s);
    const up = (d: Float32Array, label: string) => {
      const t = gpu.alloc([d.length], label);
      gpu.write(t, d);
      return t;
    };
    const tensors = Object.fromEntries(Object.entries(x).map(([k, d]) => [k, up(d, k)]));
    const y = gpu.alloc([B * T * H * P], 'y');
    const full = gpu.op(ssdScan, {
      ...s,
      y,
      x: tensors.x,
      dt: tensors.dt,
      A: tensors.A,
      Bm: tensors.Bm,
      C: tensors.C,
      D: tensors.D,
    });
    gpu.run([full]);
    const ref = toF32(await gpu.read(y));
    // Per token: gather its slices (B, ·), step, scatter the output.
    const state = up(new Float32Array(B * H * P * N), 'state');
    const slice = (d: Float32Array, t: number, w: number) => {
      const out = new Float32Array(B * w);
      for (let b = 0; b < B; b++) out.set(d.subarray((b * T + t) * w, (b * T + t + 1) * w), b * w);
      return out;
    };
    const got = new Float32Array(B * T * H * P);
    for (let t = 0; t < T; t++) {
      const tok = {
        x: up(slice(x.x, t, H * P), 'x_t'),
        dt: up(slice(x.dt, t, H), 'dt_t'),
        Bm: up(slice(x.Bm, t, G * N), 'B_t'),
        C: up(slice(x.C, t, G * N), 'C_t'),
        y: gpu.alloc([B * H * P], 'y_t'),
      };
      const op = gpu.op(ssdStep, { B, H, P, N, G, ...tok, A: tensors.A, D: tensors.D, state });
      gpu.run([op]);
      const yt = toF32(await gpu.read(tok.y));
      for (let b = 0; b < B; b++) got.set(yt.subarray(b * H * P, (b + 1) * H * P), (b * T + t) * H * P);
      gpu.release([op]);
      Object.values(tok).forEach((t) => gpu.free(t));
    }
    expectClose(got, ref, { rtol: 1e-5, atol: 1e-6, label: 'decode vs parallel' });
    throwGpuErrors(gpu);
    gpu.release([full]);
    [...Object.values(tensors), y, state].forEach((t) => gpu.free(t));
    expect(gpu.memory().liveBytes).toBe(0);
    expect(ssdStateBytes(H, P, N)).toBe(H * P * N * 4);
  });
});
