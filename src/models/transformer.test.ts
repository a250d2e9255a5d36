// One training step of a tiny Transformer: the GPU and the CPU reference give the same loss and
// the same gradient for every parameter, and the CPU gradient matches finite differences of the loss.
import { describe, expect, it } from 'vitest';
import { Graph } from '../autograd/graph';
import * as op from '../autograd/ops';
import type { Backend } from '../kernels/backend';
import { backends, checkGradient, expectClose, throwGpuErrors } from '../kernels/testing';
import { Rng } from '../data/rng';
import { ParamStore } from './params';
import { resolvePreset } from './presets';
import { defineTransformerParams, transformerForward } from './transformer';

const V = 11;
const B = 2;
const T = 7;
const model = resolvePreset('transformer', {
  width: 16,
  layers: 2,
  heads: 2,
  kvHeads: 1,
  contextLength: T,
}).model;

function build(backend: Backend) {
  const params = new ParamStore(backend, new Rng(3));
  defineTransformerParams(params, model, V);
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
  const logits = transformerForward(g, params, model, tokens, B, T);
  const { loss } = op.crossEntropy(g, logits, targets, B * T, V);
  g.backward();
  return { params, g, loss };
}

describe('transformer training step', () => {
  it('gives the same loss and gradients on the GPU and the CPU reference', async () => {
    const { gpu, cpu } = await backends();
    const a = build(gpu);
    const b = build(cpu);
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

  it('has CPU gradients that match finite differences of the loss', async () => {
    const { cpu } = await backends();
    const m = build(cpu);
    cpu.run([...m.g.forwardOps, ...m.g.backwardOps]);
    const lossAt = () => {
      cpu.run(m.g.forwardOps);
      return m.loss.f32[0];
    };
    const rng = new Rng(5);
    for (const p of m.params.params) {
      const grad = m.g.grad(p.tensor)!.f32.slice();
      checkGradient(lossAt, p.tensor.f32, grad, {
        eps: 1e-2,
        rtol: 5e-2,
        atol: 2e-4,
        probes: 4,
        rng,
        label: p.name,
      });
    }
  });
});
