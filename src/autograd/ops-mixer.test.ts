// Mixer ops chained in one graph: GPU vs CPU loss and gradients, CPU gradients by finite differences.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import type { Backend } from '../kernels/backend';
import type { Tensor } from '../kernels/tensor';
import { backends, checkGradient, expectClose, randn, throwGpuErrors, toF32 } from '../kernels/testing';
import { Graph } from './graph';
import { add } from './ops';
import { conv1d, exp, mulSilu, sigmoid, sliceCols, softplus } from './ops-mixer';

const [B, T, C, K] = [2, 5, 3, 4];
const rows = B * T;

interface Data {
  u: Float32Array;
  w: Float32Array;
  bias: Float32Array;
  R: Float32Array;
}

/** y = mulSilu(softplus(conv1d(u[:, :C])), z) + sigmoid(exp(z)) with z = u[:, C:], seeded with ∂L/∂y = R. */
function build(backend: Backend, d: Data) {
  const g = new Graph(backend);
  const param = (shape: number[], label: string, values: Float32Array) => {
    const t = g.trainable(g.tensor(shape, label));
    backend.write(t, values);
    return t;
  };
  const params = {
    u: param([rows, 2 * C], 'u', d.u),
    w: param([C, 1, K], 'w', d.w),
    bias: param([C], 'b', d.bias),
  };
  const x = sliceCols(g, params.u, rows, 0, C);
  const z = sliceCols(g, params.u, rows, C, C);
  const a = softplus(g, conv1d(g, x, params.w, params.bias, B, T, C, K));
  // Before mulSilu, so that mulSilu's backward (swiglu's) runs first and writes both of its gradients.
  const gate = sigmoid(g, exp(g, z));
  const y = add(g, mulSilu(g, a, z), gate);
  g.setGrad(y, param([rows, C], 'R', d.R));
  g.backward();
  return { g, y, params };
}

/** L = Σ y ⊙ R in f64. */
function loss(y: ArrayLike<number>, R: Float32Array): number {
  let s = 0;
  for (let i = 0; i < R.length; i++) s += y[i] * R[i];
  return s;
}

async function results(backend: Backend, built: ReturnType<typeof build>, R: Float32Array) {
  backend.run([...built.g.forwardOps, ...built.g.backwardOps]);
  const read = (t: Tensor | undefined) => {
    if (!t) throw new Error('missing gradient');
    return backend.read(t).then(toF32);
  };
  const { u, w, bias } = built.params;
  return {
    loss: loss(await read(built.y), R),
    grads: {
      u: await read(built.g.grad(u)),
      w: await read(built.g.grad(w)),
      bias: await read(built.g.grad(bias)),
    },
  };
}

describe('mixer ops', () => {
  const rng = new Rng(23);
  const data: Data = {
    u: randn(rng, rows * 2 * C),
    w: randn(rng, C * K, 0.5),
    bias: randn(rng, C),
    R: randn(rng, rows * C),
  };

  it('loss and gradients on the GPU match the CPU backend', async () => {
    const { gpu, cpu } = await backends();
    const onCpu = build(cpu, data);
    const onGpu = build(gpu, data);
    try {
      // Twice: the second step must overwrite, not add to, the first step's gradients.
      await results(gpu, onGpu, data.R);
      const got = await results(gpu, onGpu, data.R);
      const ref = await results(cpu, onCpu, data.R);
      expect(Math.abs(got.loss - ref.loss)).toBeLessThanOrEqual(1e-4 * Math.abs(ref.loss) + 1e-5);
      for (const k of ['u', 'w', 'bias'] as const)
        expectClose(got.grads[k], ref.grads[k], { rtol: 1e-4, label: `d${k}` });
      throwGpuErrors(gpu);
    } finally {
      onGpu.g.dispose();
      onCpu.g.dispose();
    }
    expect(gpu.memory().liveBytes).toBe(0);
  });

  it('CPU gradients agree with finite differences', async () => {
    const { cpu } = await backends();
    const built = build(cpu, data);
    const { grads } = await results(cpu, built, data.R);
    const f = () => {
      cpu.run(built.g.forwardOps);
      return loss(built.y.f32, data.R);
    };
    for (const k of ['u', 'w', 'bias'] as const)
      checkGradient(f, built.params[k].f32, grads[k], { eps: 1e-2, atol: 1e-3, label: `d${k}` });
    built.g.dispose();
  });
});
