// WKV-7 forward: GPU vs the f64 CPU reference on random shapes; decode steps vs the forward.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import {
  WKV7_INPUTS,
  wkv7,
  wkv7Chunking,
  wkv7StateBytes,
  wkv7Step,
  type Wkv7Args,
  type Wkv7StepArgs,
} from './wkv7';
import { wkv7Case, wkv7Inputs, type Wkv7Case } from './wkv7-cases';
import { backends, compareBackends, expectClose, throwGpuErrors, toF32, type Case } from './testing';
import type { Tensor } from './tensor';

const CASES = 32;

const inputArgs = (t: Record<string, Tensor>) =>
  Object.fromEntries(WKV7_INPUTS.map((k) => [k, t[k]])) as Pick<Wkv7Args, (typeof WKV7_INPUTS)[number]>;

function forwardCase(rng: Rng, s: Wkv7Case, label: string): Case<Wkv7Args> {
  const { B, T, H, N } = s;
  const { state, ...inputs } = wkv7Inputs(rng, s);
  const saveChunks = T % 3 !== 0;
  return {
    label,
    inputs,
    outputs: {
      y: new Float32Array(B * T * H * N).fill(7),
      ...(saveChunks
        ? {
            chunkStates: new Float32Array(B * H * wkv7Chunking(s).nChunks * N * N).fill(7),
            sa: new Float32Array(B * T * H * N).fill(7),
          }
        : {}),
      ...(s.withState ? { state } : {}),
    },
    args: (t) => ({ ...s, ...inputArgs(t), y: t.y, sa: t.sa, chunkStates: t.chunkStates, state: t.state }),
  };
}

describe('wkv7', () => {
  const rng = new Rng(42);

  it(`GPU matches the CPU reference on ${CASES} random cases and at N = 128`, async () => {
    const cases = Array.from({ length: CASES }, (_, c) => {
      const s = wkv7Case(rng, c);
      return forwardCase(rng, s, JSON.stringify(s));
    });
    cases.push(forwardCase(rng, { B: 1, T: 3, H: 2, N: 128, withState: true }, 'N = 128'));
    // The state is updated in place, so the second run of compareBackends starts from the first's end.
    await compareBackends(wkv7, cases);
  });

  it('the decode step matches the CPU reference', async () => {
    const cases = [0, 1, 2, 3].map((c): Case<Wkv7StepArgs> => {
      const s = { ...wkv7Case(rng, c), T: 1 };
      const { state, ...inputs } = wkv7Inputs(rng, s);
      return {
        label: JSON.stringify(s),
        inputs,
        outputs: { y: new Float32Array(s.B * s.H * s.N), state },
        args: (t) => ({ ...s, ...inputArgs(t), y: t.y, state: t.state }),
      };
    });
    await compareBackends(wkv7Step, cases);
  });

  it('decode steps reproduce the parallel forward', async () => {
    const { gpu } = await backends();
    const s = { B: 2, T: 9, H: 3, N: 12 };
    const { B, T, H, N } = s;
    const { state: _unused, ...x } = wkv7Inputs(rng, s);
    void _unused;
    const up = (d: Float32Array, label: string) => {
      const t = gpu.alloc([d.length], label);
      gpu.write(t, d);
      return t;
    };
    const tensors = Object.fromEntries(Object.entries(x).map(([k, d]) => [k, up(d, k)]));
    const y = gpu.alloc([B * T * H * N], 'y');
    const full = gpu.op(wkv7, { ...s, ...inputArgs(tensors), y });
    gpu.run([full]);
    const ref = toF32(await gpu.read(y));
    // Per token: gather its slices (B, H, N), step, scatter the output.
    const state = up(new Float32Array(B * H * N * N), 'state');
    const slice = (d: Float32Array, t: number) => {
      const out = new Float32Array(B * H * N);
      for (let b = 0; b < B; b++)
        out.set(d.subarray((b * T + t) * H * N, (b * T + t + 1) * H * N), b * H * N);
      return out;
    };
    const got = new Float32Array(B * T * H * N);
    for (let t = 0; t < T; t++) {
      const tok = Object.fromEntries(WKV7_INPUTS.map((k) => [k, up(slice(x[k], t), `${k}_t`)]));
      const yt = gpu.alloc([B * H * N], 'y_t');
      const op = gpu.op(wkv7Step, { B, H, N, ...inputArgs(tok), y: yt, state });
      gpu.run([op]);
      const ot = toF32(await gpu.read(yt));
      for (let b = 0; b < B; b++) got.set(ot.subarray(b * H * N, (b + 1) * H * N), (b * T + t) * H * N);
      gpu.release([op]);
      [...Object.values(tok), yt].forEach((t) => gpu.free(t));
    }
    expectClose(got, ref, { rtol: 1e-5, atol: 1e-6, label: 'decode vs parallel' });
    throwGpuErrors(gpu);
    gpu.release([full]);
    [...Object.values(tensors), y, state].forEach((t) => gpu.free(t));
    expect(gpu.memory().liveBytes).toBe(0);
    expect(wkv7StateBytes(H, N)).toBe(H * N * N * 4);
  });
});
