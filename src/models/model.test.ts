// One training step of models built from specs: the GPU and the CPU reference give the same loss and
// gradient for every parameter, the parameters are exactly the spec's, and the CPU gradient matches
// finite differences of the loss.
import { describe, expect, it } from 'vitest';
import { Graph } from '../autograd/graph';
import * as op from '../autograd/ops';
import type { Backend } from '../kernels/backend';
import { backends, checkGradient, expectClose, throwGpuErrors } from '../kernels/testing';
import { Rng } from '../data/rng';
import { ParamStore } from './params';
import { defineModelParams, modelForward } from './model';
import { specParams } from './spec-params';
import { resolveSpec } from './spec-validate';
import type { ModelSpec } from './spec';

const B = 2;
const T = 7;
const V = 11;
/**
 * Every path of the block code: GQA, pre- and post-norm, QK-norm, sliding window, SwiGLU and MLP, and
 * Gated DeltaNet with β in (0, 2) and in (0, 1), and Mamba with and without a channel sublayer beside
 * sliding-window attention (Samba-style).
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

function build(backend: Backend, spec: ModelSpec) {
  const params = new ParamStore(backend, new Rng(3));
  defineModelParams(params, spec);
  const g = new Graph(backend);
  params.params.forEach((p) => g.trainable(p.tensor));
  const tokens = g.tensor([B * T], 'tokens', 'i32');
  const targets = g.tensor([B * T], 'targets', 'i32');
  const rng = new Rng(9);
  backend.write(
    tokens,
    Int32Array.from({ length: B * T }, () => rng.int(V)),
  );
  // One ignored target checks the masked mean end to end.
  backend.write(
    targets,
    Int32Array.from({ length: B * T }, (_, i) => (i === 3 ? -1 : rng.int(V))),
  );
  const logits = modelForward(g, params, spec, tokens, B, T);
  const { loss } = op.crossEntropy(g, logits, targets, B * T, V);
  g.backward();
  return { params, g, loss };
}

describe.each(Object.entries(SPECS))('one training step (%s)', (_, spec) => {
  it('gives the same loss and gradients on the GPU and the CPU reference', async () => {
    const { gpu, cpu } = await backends();
    const a = build(gpu, spec);
    const b = build(cpu, spec);
    gpu.run([...a.g.forwardOps, ...a.g.backwardOps]);
    cpu.run([...b.g.forwardOps, ...b.g.backwardOps]);
    const lossGpu = await gpu.read(a.loss);
    throwGpuErrors(gpu);
    expect(lossGpu[1]).toBe(B * T - 1);
    expectClose([lossGpu[0]], [b.loss.f32[0]], { rtol: 1e-4, label: 'loss' });
    expect(b.loss.f32[0]).toBeGreaterThan(Math.log(V) - 0.3);
    for (let i = 0; i < a.params.params.length; i++) {
      const pa = a.params.params[i];
      const gradGpu = await gpu.read(a.g.grad(pa.tensor)!);
      const gradCpu = b.g.grad(b.params.params[i].tensor)!.f32;
      expectClose(gradGpu, gradCpu, { rtol: 1e-4, atol: 1e-6, label: `grad ${pa.name}` });
    }
    a.g.dispose();
    a.params.dispose();
  });

  it('creates exactly the parameters of the spec, and every one gets a gradient', async () => {
    const { cpu } = await backends();
    const m = build(cpu, spec);
    expect(m.params.params.map((p) => [p.name, [...p.tensor.shape]])).toEqual(
      specParams(spec).map((p) => [p.name, p.shape]),
    );
    for (const p of m.params.params) expect(m.g.grad(p.tensor), p.name).toBeDefined();
  });

  it('has CPU gradients that match finite differences of the loss', async () => {
    const { cpu } = await backends();
    const m = build(cpu, spec);
    cpu.run([...m.g.forwardOps, ...m.g.backwardOps]);
    const lossAt = () => {
      cpu.run(m.g.forwardOps);
      return m.loss.f32[0];
    };
    const rng = new Rng(5);
    for (const p of m.params.params) {
      const grad = m.g.grad(p.tensor)!.f32.slice();
      // Weights are ~0.02 and RMSNorm is scale-invariant, so the step must be small next to them.
      checkGradient(lossAt, p.tensor.f32, grad, {
        eps: 2e-3,
        rtol: 5e-2,
        atol: 3e-4,
        probes: 4,
        rng,
        label: p.name,
      });
    }
  });
});
