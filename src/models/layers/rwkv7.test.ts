// RWKV-7 layers: a model of [time-mix + channel-mix] blocks gives the same loss and gradients on the GPU
// and the CPU reference, its CPU gradients match finite differences, the decoder (mixer and channel steps,
// v₀ shared between layers) reproduces the forward token by token, the init is RWKV-LM's in spirit, and
// the rwkv7 preset trains.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../data/rng';
import type { Backend } from '../../kernels/backend';
import { CpuBackend } from '../../kernels/cpu-backend';
import { backends, expectClose, randn, throwGpuErrors, toF32 } from '../../kernels/testing';
import { Decoder } from '../decode';
import { defineModelParams } from '../model';
import {
  buildModelLoss,
  expectFiniteDifferences,
  expectGpuMatchesCpu,
  type ModelCase,
} from '../layer-testing';
import { ParamStore } from '../params';
import { resolvePreset } from '../presets';
import { specLayers } from '../spec';
import { specParams } from '../spec-params';
import { resolveSpec } from '../spec-validate';
import { SMALL_RUN, expectPresetTrains } from '../testing';
import { rwkv7Init } from './rwkv7';

const [B, T, V] = [2, 7, 11];

/** Two blocks of heads of 4 (the second with the value residual), a third channel-mix after attention. */
const SPEC = resolveSpec({
  width: 8,
  vocab: V,
  contextLength: T,
  norm: 'layernorm',
  embedNorm: true,
  tiedEmbeddings: false,
  stack: [
    {
      blocks: [
        {
          mixer: { kind: 'rwkv7', headSize: 4, decayRank: 3, aRank: 2, valueRank: 2, gateRank: 3 },
          channel: 'rwkv-cmix',
        },
        {
          mixer: { kind: 'rwkv7', headSize: 4, decayRank: 2, aRank: 3, valueRank: 2, gateRank: 2 },
          channel: 'rwkv-cmix',
        },
        { mixer: { kind: 'attention', heads: 2 }, channel: { kind: 'rwkv-cmix', hidden: 12 } },
      ],
    },
  ],
});

/** Parameters far from the tiny init (zero LoRA first matrices), so that every path carries gradient. */
function lively(backend: Backend, seed: number): ParamStore {
  const ref = new ParamStore(new CpuBackend(), new Rng(seed));
  defineModelParams(ref, SPEC);
  const rng = new Rng(seed + 1);
  const params = new ParamStore(backend, new Rng(seed));
  for (const [i, s] of specParams(SPEC).entries()) {
    const v = ref.params[i].tensor.f32;
    if (s.role === 'linear') v.set(randn(rng, s.size, 0.6 / Math.sqrt(s.shape[1])));
    else if (s.role === 'vector') v.forEach((x, j) => (v[j] = x + 0.2 * rng.normal()));
    params.add(s.name, s.shape, { kind: 'custom', values: v }, s.role === 'linear');
  }
  return params;
}

const MODEL: ModelCase = { spec: SPEC, B, T, params: lively };

describe('rwkv7 layers in a model', () => {
  it('give the same loss and gradients on the GPU and the CPU reference', () =>
    expectGpuMatchesCpu(MODEL, { nonzeroGrads: true }));

  it('have CPU gradients that match finite differences of the loss', () =>
    expectFiniteDifferences(MODEL, { seed: 4, probes: 3 }));

  it('decode token by token reproduces the forward (mixer and channel steps, v₀ across layers)', async () => {
    const { gpu } = await backends();
    const params = lively(gpu, 6);
    const m = buildModelLoss(gpu, MODEL, params);
    gpu.run(m.g.forwardOps);
    const want = toF32(await gpu.read(m.logits));
    const ids = toF32(await gpu.read(m.tokens));
    const dec = new Decoder(gpu, params, SPEC, { batch: B, capacity: T });
    const got = new Float32Array(B * T * V);
    for (let t = 0; t < T; t++) {
      dec.step(
        Int32Array.from({ length: B }, (_, b) => ids[b * T + t]),
        t,
      );
      const lt = await dec.readLogits();
      for (let b = 0; b < B; b++) got.set(lt.subarray(b * V, (b + 1) * V), (b * T + t) * V);
    }
    throwGpuErrors(gpu);
    expectClose(got, want, { rtol: 1e-5, atol: 1e-5, label: 'decode vs forward' });
    // Per RWKV-7 layer H·N² + 2C floats (WKV state, two token shifts); C for the cmix after attention.
    const { perLayer } = dec.stateBytes();
    expect(perLayer[0]).toBe(B * (2 * 16 + 2 * 8) * 4);
    m.g.dispose();
    dec.graph.dispose();
    params.dispose();
  });
});

describe('rwkv7 init', () => {
  it('spreads the decay from slow to fast, ramps μ, zeroes the first LoRA matrices', () => {
    const layer = specLayers(SPEC)[1];
    const shapes = specParams(SPEC).filter((s) => s.layer === 1);
    const values = (suffix: string) => {
      const init = rwkv7Init(
        shapes.find((s) => s.name.endsWith(`.att.${suffix}`))!,
        layer,
      );
      if (init?.kind !== 'custom') throw new Error(`${suffix}: ${JSON.stringify(init)}`);
      return [...init.values];
    };
    const logDecay = values('w0').map((z) => -Math.exp(-0.5) / (1 + Math.exp(-z)));
    expect(Math.max(...logDecay)).toBeGreaterThan(-0.02); // w ≈ 1: slow
    expect(Math.min(...logDecay)).toBeLessThan(-0.4); // fast
    const mu = values('x_k');
    expect(mu[0]).toBe(1);
    expect(mu[7]).toBeLessThan(mu[1]);
    expect(
      rwkv7Init(
        shapes.find((s) => s.name.endsWith('.att.w1'))!,
        layer,
      ),
    ).toEqual({ kind: 'const', value: 0 });
  });
});

describe('rwkv7 preset', () => {
  it('trains on the GPU: the loss falls', async () => {
    expect(resolvePreset('rwkv7', SMALL_RUN).spec.embedNorm).toBe(true);
    await expectPresetTrains('rwkv7');
  });
});
