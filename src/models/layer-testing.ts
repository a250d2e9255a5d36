// Test harness shared by the model and layer tests: a model graph with a cross-entropy loss on random
// tokens, the GPU-vs-CPU check of the loss and of every parameter gradient, the finite-difference
// check of the CPU gradients, and a mixer's decode step against its parallel forward.
import { expect } from 'vitest';
import { Graph } from '../autograd/graph';
import * as op from '../autograd/ops';
import { Rng } from '../data/rng';
import type { Backend } from '../kernels/backend';
import type { GpuBackend } from '../kernels/gpu-backend';
import type { Tensor } from '../kernels/tensor';
import { backends, checkGradient, expectClose, randn, throwGpuErrors, toF32 } from '../kernels/testing';
import type { DecodeContext, LayerContext } from './layers/context';
import { defineModelParams, modelForward } from './model';
import { ParamStore } from './params';
import type { ModelSpec } from './spec';

/** A model under test: its spec, the batch shape, and how its parameters are made. */
export interface ModelCase {
  spec: ModelSpec;
  B: number;
  T: number;
  /** Parameters drawn from `seed` (default: the spec's init). */
  params?: (backend: Backend, seed: number) => ParamStore;
  /** A target position set to -1 (ignored by the loss), to check the masked mean end to end. */
  ignoredTarget?: number;
}

/** The spec's parameters with its init, drawn from `seed`. */
export function initParams(backend: Backend, spec: ModelSpec, seed: number): ParamStore {
  const params = new ParamStore(backend, new Rng(seed));
  defineModelParams(params, spec);
  return params;
}

/** The model's graph with the loss on random tokens and targets (seed 9) and its backward. */
export function buildModelLoss(backend: Backend, m: ModelCase, params: ParamStore) {
  const { B, T } = m;
  const V = m.spec.vocab;
  const g = new Graph(backend);
  params.params.forEach((p) => g.trainable(p.tensor));
  const [tokens, targets] = [g.tensor([B * T], 'tokens', 'i32'), g.tensor([B * T], 'targets', 'i32')];
  const rng = new Rng(9);
  backend.write(
    tokens,
    Int32Array.from({ length: B * T }, () => rng.int(V)),
  );
  backend.write(
    targets,
    Int32Array.from({ length: B * T }, (_, i) => (i === m.ignoredTarget ? -1 : rng.int(V))),
  );
  const logits = modelForward(g, params, m.spec, tokens, B, T);
  const { loss } = op.crossEntropy(g, logits, targets, B * T, V);
  g.backward();
  return { g, loss, logits, tokens };
}

function paramsOf(backend: Backend, m: ModelCase, seed: number): ParamStore {
  return (m.params ?? ((b, s) => initParams(b, m.spec, s)))(backend, seed);
}

/**
 * One training step on the GPU and on the CPU reference (parameters from seed 3): the same loss and
 * the same gradient for every parameter. `nonzeroGrads` also asserts every CPU gradient is nonzero.
 * Returns the GPU loss tensor ([loss, counted targets]) and the CPU loss for further checks.
 */
export async function expectGpuMatchesCpu(
  m: ModelCase,
  o: { nonzeroGrads?: boolean } = {},
): Promise<{ lossGpu: Float32Array; lossCpu: number }> {
  const { gpu, cpu } = await backends();
  const [pa, pb] = [paramsOf(gpu, m, 3), paramsOf(cpu, m, 3)];
  const [a, b] = [buildModelLoss(gpu, m, pa), buildModelLoss(cpu, m, pb)];
  gpu.run([...a.g.forwardOps, ...a.g.backwardOps]);
  cpu.run([...b.g.forwardOps, ...b.g.backwardOps]);
  const lossGpu = toF32(await gpu.read(a.loss));
  throwGpuErrors(gpu);
  expectClose([lossGpu[0]], [b.loss.f32[0]], { rtol: 1e-4, label: 'loss' });
  for (const [i, p] of pa.params.entries()) {
    const gradGpu = await gpu.read(a.g.grad(p.tensor)!);
    const gradCpu = b.g.grad(pb.params[i].tensor)!.f32;
    if (o.nonzeroGrads) expect(Math.max(...gradCpu.map(Math.abs)), p.name).toBeGreaterThan(0);
    expectClose(gradGpu, gradCpu, { rtol: 1e-4, atol: 1e-6, label: `grad ${p.name}` });
  }
  a.g.dispose();
  pa.dispose();
  return { lossGpu, lossCpu: b.loss.f32[0] };
}

/** The CPU gradient of every parameter (drawn from `seed`) matches finite differences of the loss at `probes` entries. */
export async function expectFiniteDifferences(m: ModelCase, o: { seed?: number; probes?: number } = {}) {
  const { cpu } = await backends();
  const params = paramsOf(cpu, m, o.seed ?? 3);
  const { g, loss } = buildModelLoss(cpu, m, params);
  cpu.run([...g.forwardOps, ...g.backwardOps]);
  const lossAt = () => {
    cpu.run(g.forwardOps);
    return loss.f32[0];
  };
  const rng = new Rng(5);
  for (const p of params.params) {
    const grad = g.grad(p.tensor)!.f32.slice();
    // f32 CPU loss: weights are ~0.02 and RMSNorm is scale-invariant, so the step is small next to them.
    checkGradient(lossAt, p.tensor.f32, grad, {
      eps: 2e-3,
      rtol: 5e-2,
      atol: 3e-4,
      probes: o.probes ?? 4,
      rng,
      label: p.name,
    });
  }
}

/** The spec's parameters (init seed 3) overwritten with N(0, scale²) draws: far from the tiny init, so state and gates matter. */
export function randomParams(gpu: GpuBackend, spec: ModelSpec, rng: Rng, scale: number): ParamStore {
  const params = initParams(gpu, spec, 3);
  for (const p of params.params) gpu.write(p.tensor, randn(rng, p.tensor.size, scale));
  return params;
}

/**
 * A mixer's decode step, fed x (B·T, D) one token at a time from zeroed states, reproduces its parallel
 * forward on the GPU (rtol 1e-5, atol 1e-6). Returns the forward's output and the states' names.
 */
export async function expectStepMatchesForward<M>(o: {
  gpu: GpuBackend;
  spec: ModelSpec;
  B: number;
  T: number;
  prefix: string;
  params: ParamStore;
  mixer: M;
  x: Float32Array;
  forward: (c: LayerContext, mixer: M, x: Tensor) => Tensor;
  step: (c: DecodeContext, mixer: M, x: Tensor) => Tensor;
}): Promise<{ want: Float32Array; states: string[] }> {
  const { gpu, spec, B, T, prefix, params: p, x } = o;
  const D = spec.width;
  const g = new Graph(gpu);
  const xt = g.tensor([B * T, D], 'x');
  gpu.write(xt, x);
  const y = o.forward({ g, p, spec, B, T, prefix }, o.mixer, xt);
  gpu.run(g.forwardOps);
  const want = toF32(await gpu.read(y));

  const states = new Map<string, Tensor>();
  const d = new Graph(gpu);
  const setup = new Graph(gpu);
  const c: DecodeContext = {
    g: d,
    p,
    spec,
    B,
    T: 1,
    prefix,
    pos: d.tensor([1], 'pos', 'i32'),
    capacity: T,
    setup,
    state(name, shape) {
      if (!states.has(name)) {
        const s = d.tensor(shape, name);
        gpu.write(s, new Float32Array(s.size));
        states.set(name, s);
      }
      return states.get(name)!;
    },
  };
  const x1 = d.tensor([B, D], 'x_t');
  const y1 = o.step(c, o.mixer, x1);
  gpu.run(setup.forwardOps);
  const got = new Float32Array(B * T * D);
  for (let t = 0; t < T; t++) {
    const tok = new Float32Array(B * D);
    for (let b = 0; b < B; b++) tok.set(x.subarray((b * T + t) * D, (b * T + t + 1) * D), b * D);
    gpu.write(x1, tok);
    gpu.write(c.pos, Int32Array.of(t));
    gpu.run(d.forwardOps);
    const yt = toF32(await gpu.read(y1));
    for (let b = 0; b < B; b++) got.set(yt.subarray(b * D, (b + 1) * D), (b * T + t) * D);
  }
  throwGpuErrors(gpu);
  expectClose(got, want, { rtol: 1e-5, atol: 1e-6, label: 'step vs forward' });
  [g, d, setup].forEach((gr) => gr.dispose());
  return { want, states: [...states.keys()].sort() };
}
