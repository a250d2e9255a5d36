// The decoder against the parallel forward: for every mixer (MIXERS, so mixers that land later are
// covered), for hybrid presets and for attention with Primer's convs, token-by-token logits equal the
// forward's at every position, on the CPU reference and on WebGPU; state bytes equal the cost model's.
import { describe, expect, it } from 'vitest';
import { Graph } from '../autograd/graph';
import { Rng } from '../data/rng';
import type { Backend } from '../kernels/backend';
import { backends, expectClose } from '../kernels/testing';
import { modelCost } from '../measure/cost-model';
import { Decoder } from './decode';
import { lively, redrawWeights } from './decode-testing';
import { MIXERS, modelForward } from './model';
import { resolvePreset } from './presets';
import type { Mixer, ModelSpec } from './spec';
import { resolveSpec } from './spec-validate';

const B = 2;
const V = 13;

/** Two layers of one mixer kind at its defaults, with and without a channel. */
function mixerSpec(kind: string): ModelSpec {
  return resolveSpec({
    width: 32,
    vocab: V,
    contextLength: 12,
    stack: [
      { blocks: [{ mixer: kind as Mixer['kind'], channel: 'swiglu' }, { mixer: kind as Mixer['kind'] }] },
    ],
  });
}

/** Small presets: the transformer with a sliding window, OLMo Hybrid (post-norm, QK-norm), Samba. */
const PRESETS: [string, Record<string, number>][] = [
  ['transformer', { window: 5 }],
  ['olmo-hybrid', {}],
  ['samba', { window: 5 }],
];
const presetSpec = (name: string, o: Record<string, number>) =>
  resolvePreset(name, { width: 32, contextLength: 14, ...o }, V).spec;

/** Full and sliding-window GQA attention with Primer's short convs of widths 3 and 2. */
const PRIMER = resolveSpec({
  width: 32,
  vocab: V,
  contextLength: 14,
  stack: [
    {
      blocks: [
        { mixer: { kind: 'attention', heads: 4, kvHeads: 2, convSize: 3 }, channel: 'swiglu' },
        { mixer: { kind: 'attention', heads: 4, kvHeads: 1, convSize: 2, window: 5, qkNorm: true } },
      ],
    },
  ],
});

/**
 * Decodes B random sequences of the spec's context token by token and compares with the forward. The
 * decoder first decodes another sequence with other weights: reset must clear every state and redo the
 * parameter-only setup (Hyena's filter) for the weights of now.
 */
async function expectDecodeEqualsForward(backend: Backend, spec: ModelSpec, seed: number): Promise<void> {
  const T = spec.contextLength;
  const p = lively(backend, spec, seed + 7);
  const rng = new Rng(seed + 2);
  const ids = Int32Array.from({ length: B * T }, () => rng.int(V));
  const dec = new Decoder(backend, p, spec, { batch: B, capacity: T });
  const g = new Graph(backend);
  try {
    dec.prefill(Int32Array.from({ length: 3 * B }, () => rng.int(V)));
    redrawWeights(backend, p, spec, seed + 1);
    const tokens = g.tensor([B * T], 'tokens', 'i32');
    const logits = modelForward(g, p, spec, tokens, B, T);
    backend.write(tokens, ids);
    backend.run(g.forwardOps);
    const want = (await backend.read(logits)) as Float32Array; // (B, T, V)
    dec.reset();
    for (let t = 0; t < T; t++) {
      dec.step(
        Int32Array.from({ length: B }, (_, b) => ids[b * T + t]),
        t,
      );
      const got = await dec.readLogits();
      const ref = Float32Array.from(
        { length: B * V },
        (_, i) => want[(Math.floor(i / V) * T + t) * V + (i % V)],
      );
      expectClose(got, ref, { rtol: 1e-5, atol: 1e-5, label: `${backend.kind} position ${t}` });
    }
  } finally {
    dec.dispose();
    g.dispose();
    p.dispose();
  }
}

/** Decode equals the forward on the CPU and WebGPU, and the decoder's state bytes are the cost model's. */
async function expectDecodeAndState(spec: ModelSpec): Promise<void> {
  const { cpu, gpu } = await backends();
  await expectDecodeEqualsForward(cpu, spec, 5);
  await expectDecodeEqualsForward(gpu, spec, 5);
  const p = lively(cpu, spec, 1);
  for (const capacity of [1, 4, spec.contextLength]) {
    const dec = new Decoder(cpu, p, spec, { batch: 1, capacity });
    const cost = modelCost(spec, capacity);
    expect(dec.stateBytes().total).toBe(cost.decodeStateBytes);
    expect(dec.stateBytes().perLayer).toEqual(cost.layers.map((l) => l.decodeStateBytes));
    dec.dispose();
  }
  p.dispose();
}

describe('Decoder', () => {
  for (const kind of Object.keys(MIXERS)) {
    it(`${kind}: decode equals the forward at every position (CPU, WebGPU)`, async () => {
      const { cpu, gpu } = await backends();
      const spec = mixerSpec(kind);
      await expectDecodeEqualsForward(cpu, spec, 3);
      await expectDecodeEqualsForward(gpu, spec, 3);
    });
  }

  for (const [name, o] of PRESETS)
    it(`preset ${name}: decode equals the forward (CPU, WebGPU) and its state is the cost model's`, () =>
      expectDecodeAndState(presetSpec(name, o)));

  it("attention with Primer's q/k/v convs (GQA, window): decode equals the forward and its state is the cost model's", () =>
    expectDecodeAndState(PRIMER));
});
