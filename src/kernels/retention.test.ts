// Retention forward: hand-worked values, GPU vs the f64 CPU reference on random shapes, decode steps vs
// the forward.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import {
  retention,
  retentionChunking,
  retentionDecay,
  retentionRef,
  retentionStateBytes,
  retentionStep,
  type RetentionArgs,
  type RetentionStepArgs,
} from './retention';
import { retentionCase, retentionInputs, type RetentionCase } from './retention-cases';
import { backends, compareBackends, expectClose, throwGpuErrors, toF32, type Case } from './testing';

const CASES = 32;

function forwardCase(rng: Rng, s: RetentionCase, label: string): Case<RetentionArgs> {
  const { B, T, H, Dk, Dv } = s;
  const { state, ...inputs } = retentionInputs(rng, s);
  const saveChunks = T % 3 !== 0;
  return {
    label,
    inputs,
    outputs: {
      o: new Float32Array(B * T * H * Dv).fill(7),
      ...(saveChunks
        ? { chunkStates: new Float32Array(B * H * retentionChunking(s).nChunks * Dk * Dv).fill(7) }
        : {}),
      ...(s.withState ? { state } : {}),
    },
    args: (t) => ({ ...s, o: t.o, q: t.q, k: t.k, v: t.v, chunkStates: t.chunkStates, state: t.state }),
  };
}

describe('retention', () => {
  const rng = new Rng(42);

  it('decays head h by γ_h = 1 − 2^(−5−h): o_t = Σ_{s≤t} γ^{t−s} (q_t·k_s) v_s', () => {
    expect(retentionDecay(0)).toBe(1 - 1 / 32);
    expect(retentionDecay(3)).toBe(1 - 1 / 256);
    // Dk = Dv = 1, two heads, q = k = 1, v = (1, 2, 3): o = v₀, γv₀ + v₁, γ²v₀ + γv₁ + v₂.
    const [T, H] = [3, 2];
    const v = Float64Array.from([1, 1, 2, 2, 3, 3]); // (T, H)
    const o = new Float64Array(T * H);
    retentionRef(
      { o, q: new Float64Array(T * H).fill(1), k: new Float64Array(T * H).fill(1), v },
      {
        B: 1,
        T,
        H,
        Dk: 1,
        Dv: 1,
      },
    );
    const want = [0, 1].flatMap((h) => {
      const g = retentionDecay(h);
      return [1, g + 2, g * g + 2 * g + 3];
    });
    expectClose([o[0], o[2], o[4], o[1], o[3], o[5]], want, { rtol: 1e-12, label: 'hand-worked' });
  });

  it(`GPU matches the CPU reference on ${CASES} random cases and at Dk = Dv = 128`, async () => {
    const cases = Array.from({ length: CASES }, (_, c) => {
      const s = retentionCase(rng, c);
      return forwardCase(rng, s, JSON.stringify(s));
    });
    cases.push(forwardCase(rng, { B: 1, T: 3, H: 2, Dk: 128, Dv: 128, withState: true }, '128 × 128'));
    // The state is updated in place, so the second run of compareBackends starts from the first's end.
    await compareBackends(retention, cases);
  });

  it('the decode step matches the CPU reference', async () => {
    const cases = [0, 1, 2, 3].map((c): Case<RetentionStepArgs> => {
      const s = { ...retentionCase(rng, c), T: 1 };
      const { state, q, k, v } = retentionInputs(rng, s);
      return {
        label: JSON.stringify(s),
        inputs: { q, k, v },
        outputs: { o: new Float32Array(s.B * s.H * s.Dv), state },
        args: (t) => ({ ...s, o: t.o, q: t.q, k: t.k, v: t.v, state: t.state }),
      };
    });
    await compareBackends(retentionStep, cases);
  });

  it('decode steps reproduce the parallel forward', async () => {
    const { gpu } = await backends();
    const s = { B: 2, T: 9, H: 3, Dk: 16, Dv: 24 };
    const { B, T, H, Dk, Dv } = s;
    const x = retentionInputs(rng, s);
    const up = (d: Float32Array, label: string) => {
      const t = gpu.alloc([d.length], label);
      gpu.write(t, d);
      return t;
    };
    const [q, k, v] = [up(x.q, 'q'), up(x.k, 'k'), up(x.v, 'v')];
    const o = gpu.alloc([B * T * H * Dv], 'o');
    const full = gpu.op(retention, { ...s, o, q, k, v });
    gpu.run([full]);
    const ref = toF32(await gpu.read(o));
    // Per token: gather its slices (B, H, ·), step, scatter the output.
    const state = up(new Float32Array(B * H * Dk * Dv), 'state');
    const slice = (d: Float32Array, t: number, w: number) => {
      const out = new Float32Array(B * H * w);
      for (let b = 0; b < B; b++)
        out.set(d.subarray((b * T + t) * H * w, (b * T + t + 1) * H * w), b * H * w);
      return out;
    };
    const got = new Float32Array(B * T * H * Dv);
    for (let t = 0; t < T; t++) {
      const tok = {
        q: up(slice(x.q, t, Dk), 'q_t'),
        k: up(slice(x.k, t, Dk), 'k_t'),
        v: up(slice(x.v, t, Dv), 'v_t'),
        o: gpu.alloc([B * H * Dv], 'o_t'),
      };
      const op = gpu.op(retentionStep, { B, H, Dk, Dv, ...tok, state });
      gpu.run([op]);
      const ot = toF32(await gpu.read(tok.o));
      for (let b = 0; b < B; b++) got.set(ot.subarray(b * H * Dv, (b + 1) * H * Dv), (b * T + t) * H * Dv);
      gpu.release([op]);
      Object.values(tok).forEach((t) => gpu.free(t));
    }
    expectClose(got, ref, { rtol: 1e-5, atol: 1e-6, label: 'decode vs parallel' });
    throwGpuErrors(gpu);
    gpu.release([full]);
    [q, k, v, o, state].forEach((t) => gpu.free(t));
    expect(gpu.memory().liveBytes).toBe(0);
    expect(retentionStateBytes(H, Dk, Dv, B)).toBe(B * H * Dk * Dv * 4);
  });
});
