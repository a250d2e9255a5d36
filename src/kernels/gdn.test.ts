// Gated DeltaNet forward: GPU vs the f64 CPU reference on random shapes; decode steps vs the forward.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import { gdnChunking, gdnRecurrence, gdnStateBytes, gdnStep, type GdnArgs, type GdnStepArgs } from './gdn';
import { gdnCase, gdnInputs, type GdnCase } from './gdn-cases';
import { backends, compareBackends, expectClose, throwGpuErrors, toF32, type Case } from './testing';

const CASES = 32;

function forwardCase(rng: Rng, s: GdnCase, label: string): Case<GdnArgs> {
  const { B, T, H, Dk, Dv } = s;
  const { state, ...inputs } = gdnInputs(rng, s);
  const saveChunks = T % 3 !== 0;
  return {
    label,
    inputs,
    outputs: {
      o: new Float32Array(B * T * H * Dv).fill(7),
      ...(saveChunks
        ? { chunkStates: new Float32Array(B * H * gdnChunking(s).nChunks * Dk * Dv).fill(7) }
        : {}),
      ...(s.withState ? { state } : {}),
    },
    args: (t) => ({
      ...s,
      o: t.o,
      q: t.q,
      k: t.k,
      v: t.v,
      beta: t.beta,
      g: t.g,
      chunkStates: t.chunkStates,
      state: t.state,
    }),
  };
}

describe('gdnRecurrence', () => {
  const rng = new Rng(42);

  it(`GPU matches the CPU reference on ${CASES} random cases and at Dk = Dv = 128`, async () => {
    const cases = Array.from({ length: CASES }, (_, c) => {
      const s = gdnCase(rng, c);
      return forwardCase(rng, s, JSON.stringify(s));
    });
    cases.push(forwardCase(rng, { B: 1, T: 3, H: 2, Dk: 128, Dv: 128, withState: true }, '128 × 128'));
    // The state is updated in place, so the second run of compareBackends starts from the first's end.
    await compareBackends(gdnRecurrence, cases);
  });

  it('the decode step matches the CPU reference', async () => {
    const cases = [0, 1, 2, 3].map((c): Case<GdnStepArgs> => {
      const s = { ...gdnCase(rng, c), T: 1 };
      const { state, q, k, v, beta, g } = gdnInputs(rng, s);
      return {
        label: JSON.stringify(s),
        inputs: { q, k, v, beta, g },
        outputs: { o: new Float32Array(s.B * s.H * s.Dv), state },
        args: (t) => ({ ...s, o: t.o, q: t.q, k: t.k, v: t.v, beta: t.beta, g: t.g, state: t.state }),
      };
    });
    await compareBackends(gdnStep, cases);
  });

  it('decode steps reproduce the parallel forward', async () => {
    const { gpu } = await backends();
    const s = { B: 2, T: 9, H: 3, Dk: 16, Dv: 24 };
    const { B, T, H, Dk, Dv } = s;
    const x = gdnInputs(rng, s);
    const up = (d: Float32Array, label: string) => {
      const t = gpu.alloc([d.length], label);
      gpu.write(t, d);
      return t;
    };
    const tensors = Object.fromEntries(Object.entries(x).map(([k, d]) => [k, up(d, k)]));
    const o = gpu.alloc([B * T * H * Dv], 'o');
    const full = gpu.op(gdnRecurrence, {
      ...s,
      o,
      q: tensors.q,
      k: tensors.k,
      v: tensors.v,
      beta: tensors.beta,
      g: tensors.g,
    });
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
        beta: up(slice(x.beta, t, 1), 'beta_t'),
        g: up(slice(x.g, t, 1), 'g_t'),
        o: gpu.alloc([B * H * Dv], 'o_t'),
      };
      const op = gpu.op(gdnStep, { B, H, Dk, Dv, ...tok, state });
      gpu.run([op]);
      const ot = toF32(await gpu.read(tok.o));
      for (let b = 0; b < B; b++) got.set(ot.subarray(b * H * Dv, (b + 1) * H * Dv), (b * T + t) * H * Dv);
      gpu.release([op]);
      Object.values(tok).forEach((t) => gpu.free(t));
    }
    expectClose(got, ref, { rtol: 1e-5, atol: 1e-6, label: 'decode vs parallel' });
    throwGpuErrors(gpu);
    gpu.release([full]);
    [...Object.values(tensors), o, state].forEach((t) => gpu.free(t));
    expect(gpu.memory().liveBytes).toBe(0);
    expect(gdnStateBytes(H, Dk, Dv)).toBe(H * Dk * Dv * 4);
  });
});
