// One training step of models built from specs: the GPU and the CPU reference give the same loss and
// gradient for every parameter, the parameters are exactly the spec's, and the CPU gradient matches
// finite differences of the loss.
import { describe, expect, it } from 'vitest';
import { backends } from '../kernels/testing';
import {
  buildModelLoss,
  expectFiniteDifferences,
  expectGpuMatchesCpu,
  initParams,
  type ModelCase,
} from './layer-testing';
import { specParams } from './spec-params';
import { resolveSpec } from './spec-validate';
import type { ModelSpec } from './spec';

const B = 2;
const T = 7;
const V = 11;
/**
 * Every path of the block code: GQA, pre- and post-norm, QK-norm, sliding window, SwiGLU and MLP,
 * Primer's q/k/v convs (with GQA, and with QK-norm), and Gated DeltaNet with β in (0, 2) and in
 * (0, 1), and Mamba with and without a channel sublayer beside sliding-window attention (Samba-style).
 */
const SPECS: Record<string, ModelSpec> = {
  'rmsnorm, tied, rope': resolveSpec({
    width: 16,
    vocab: V,
    contextLength: T,
    stack: [
      {
        blocks: [
          { mixer: { kind: 'attention', heads: 2, kvHeads: 1 }, channel: 'swiglu' },
          {
            mixer: { kind: 'attention', heads: 4, kvHeads: 2, window: 3, qkNorm: true, postNorm: true },
            channel: 'mlp',
          },
        ],
      },
    ],
  }),
  "attention with Primer's convs": resolveSpec({
    width: 16,
    vocab: V,
    contextLength: T,
    stack: [
      {
        blocks: [
          { mixer: { kind: 'attention', heads: 4, kvHeads: 2, convSize: 3 }, channel: 'swiglu' },
          { mixer: { kind: 'attention', heads: 2, convSize: 2, qkNorm: true, window: 3 }, channel: 'mlp' },
        ],
      },
    ],
  }),
  'layernorm, untied, ln0, no rope': resolveSpec({
    width: 8,
    vocab: V,
    contextLength: T,
    norm: 'layernorm',
    tiedEmbeddings: false,
    embedNorm: true,
    stack: [
      { blocks: [{ mixer: { kind: 'attention', heads: 2, rope: false }, channel: 'swiglu' }], repeat: 2 },
    ],
  }),
  'gated deltanet hybrid': resolveSpec({
    width: 16,
    vocab: V,
    contextLength: T,
    stack: [
      {
        blocks: [
          { mixer: { kind: 'gdn', heads: 2 }, channel: 'swiglu' },
          { mixer: { kind: 'gdn', heads: 2, headDim: 4, negativeEigenvalues: false }, channel: 'mlp' },
          { mixer: { kind: 'attention', heads: 2, qkNorm: true, postNorm: true }, channel: 'swiglu' },
        ],
      },
    ],
  }),
  'mamba hybrid': resolveSpec({
    width: 16,
    vocab: V,
    contextLength: T,
    stack: [
      {
        blocks: [
          { mixer: { kind: 'mamba', dState: 4 } },
          { mixer: { kind: 'mamba', dState: 4, expand: 1, dConv: 3 }, channel: 'mlp' },
          { mixer: { kind: 'attention', heads: 2, window: 3 }, channel: 'swiglu' },
        ],
      },
    ],
  }),
};

/** One ignored target checks the masked mean end to end. */
const model = (spec: ModelSpec): ModelCase => ({ spec, B, T, ignoredTarget: 3 });

describe.each(Object.entries(SPECS))('one training step (%s)', (_, spec) => {
  it('gives the same loss and gradients on the GPU and the CPU reference', async () => {
    const { lossGpu, lossCpu } = await expectGpuMatchesCpu(model(spec));
    expect(lossGpu[1]).toBe(B * T - 1);
    expect(lossCpu).toBeGreaterThan(Math.log(V) - 0.3);
  });

  it('creates exactly the parameters of the spec, and every one gets a gradient', async () => {
    const { cpu } = await backends();
    const params = initParams(cpu, spec, 3);
    const { g } = buildModelLoss(cpu, model(spec), params);
    expect(params.params.map((p) => [p.name, [...p.tensor.shape]])).toEqual(
      specParams(spec).map((p) => [p.name, p.shape]),
    );
    for (const p of params.params) expect(g.grad(p.tensor), p.name).toBeDefined();
  });

  it('has CPU gradients that match finite differences of the loss', () =>
    expectFiniteDifferences(model(spec)));
});
