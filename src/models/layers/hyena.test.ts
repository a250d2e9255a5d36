// Hyena: safari's filter features and window, the layer on the GPU vs the CPU (forward and every
// gradient), CPU gradients by finite differences, decode steps vs the parallel forward, and the
// StripedHyena preset trains.
import { describe, expect, it } from 'vitest';
import { Graph } from '../../autograd/graph';
import { Rng } from '../../data/rng';
import type { Backend } from '../../kernels/backend';
import type { Tensor } from '../../kernels/tensor';
import { backends, checkGradient, expectClose, randn, throwGpuErrors, toF32 } from '../../kernels/testing';
import { ParamStore } from '../params';
import { defineModelParams } from '../model';
import type { HyenaMixer, ModelSpec } from '../spec';
import { resolveSpec } from '../spec-validate';
import { expectStepMatchesForward, initParams } from '../layer-testing';
import { expectPresetTrains, presetMixerKinds } from '../testing';
import { filterWindow, hyenaMixer, hyenaStep, positionalFeatures } from './hyena';

const PREFIX = 'model.layers.0.mixer';

function tinySpec(T: number, order = 2): { spec: ModelSpec; m: HyenaMixer } {
  const spec = resolveSpec({
    width: 6,
    vocab: 4,
    contextLength: T,
    stack: [{ blocks: [{ mixer: { kind: 'hyena', order, filterWidth: 5, filterBands: 2 }, channel: null }] }],
  });
  return { spec, m: spec.stack[0].blocks[0].mixer as HyenaMixer };
}

/** The mixer alone on x (B·T, D) with ∂L/∂y = R; parameters drawn from the same seed on every backend. */
function build(
  backend: Backend,
  spec: ModelSpec,
  m: HyenaMixer,
  B: number,
  x: Float32Array,
  R: Float32Array,
) {
  const T = spec.contextLength;
  const p = new ParamStore(backend, new Rng(3));
  defineModelParams(p, spec);
  const g = new Graph(backend);
  const params = p.params.filter((q) => q.name.startsWith(PREFIX)).map((q) => g.trainable(q.tensor));
  const input = g.trainable(g.tensor([B * T, spec.width], 'x'));
  backend.write(input, x);
  const y = hyenaMixer({ g, p, spec, B, T, prefix: PREFIX }, m, input);
  const dy = g.tensor(y.shape, 'R');
  backend.write(dy, R);
  g.setGrad(y, dy);
  g.backward();
  return { g, p, y, input, params };
}

async function run(backend: Backend, b: ReturnType<typeof build>) {
  backend.run([...b.g.forwardOps, ...b.g.backwardOps]);
  const read = async (t: Tensor | undefined) => {
    if (!t) throw new Error('missing gradient');
    return toF32(await backend.read(t));
  };
  return {
    y: await read(b.y),
    dx: await read(b.g.grad(b.input)),
    grads: await Promise.all(b.params.map((t) => read(b.g.grad(t)))),
  };
}

describe('hyena filter', () => {
  it('uses safari positional features and an exponential window', () => {
    const z = positionalFeatures(3, 4, 2); // t = 0, 1, 2 of T_max = 4; E = 5
    const w = (t: number) => (2 * Math.PI * t) / 4;
    const f = [1e-4, 1];
    expectClose(
      z.slice(5, 10),
      [1 / 3, Math.cos(f[0] * w(1)), Math.cos(w(1)), -Math.sin(f[0] * w(1)), -Math.sin(w(1))],
      { rtol: 1e-6, atol: 1e-7 },
    );
    const win = filterWindow(4, 4, 2); // last row: t = 1, δ = log(0.01)/1.5 and log(0.01)/0.3
    expectClose(win.slice(6), [0.01 ** (1 / 1.5), 0.01 ** (1 / 0.3)], { rtol: 1e-6 });
    expectClose(win.slice(0, 2), [1, 1]);
  });
});

describe('hyena mixer', () => {
  const rng = new Rng(8);

  it.each([2, 3])('order %i: GPU forward and gradients match the CPU', async (order) => {
    const B = 2;
    const { spec, m } = tinySpec(9, order);
    const n = B * spec.contextLength * spec.width;
    const [x, R] = [randn(rng, n), randn(rng, n)];
    const { gpu, cpu } = await backends();
    const [onCpu, onGpu] = [build(cpu, spec, m, B, x, R), build(gpu, spec, m, B, x, R)];
    try {
      const ref = await run(cpu, onCpu);
      await run(gpu, onGpu);
      const got = await run(gpu, onGpu); // twice: gradients must be overwritten, not added
      expectClose(got.y, ref.y, { rtol: 1e-4, atol: 1e-5, label: 'y' });
      expectClose(got.dx, ref.dx, { rtol: 1e-4, atol: 1e-5, label: 'dx' });
      onCpu.params.forEach((t, i) =>
        expectClose(got.grads[i], ref.grads[i], { rtol: 1e-4, atol: 1e-4, label: `d${t.label}` }),
      );
      throwGpuErrors(gpu);
    } finally {
      onGpu.g.dispose();
      onGpu.p.dispose();
      onCpu.g.dispose();
    }
    expect(gpu.memory().liveBytes).toBe(0);
  });

  it('CPU gradients agree with finite differences', async () => {
    const { cpu } = await backends();
    const B = 1;
    const { spec, m } = tinySpec(5);
    const n = B * spec.contextLength * spec.width;
    const [x, R] = [randn(rng, n), randn(rng, n)];
    const b = build(cpu, spec, m, B, x, R);
    const { dx, grads } = await run(cpu, b);
    const f = () => {
      cpu.run(b.g.forwardOps);
      return b.y.f32.reduce((s, v, i) => s + v * R[i], 0);
    };
    const opts = { eps: 1e-2, rtol: 2e-2, atol: 2e-3, probes: 8 };
    checkGradient(f, b.input.f32, dx, { ...opts, label: 'dx' });
    b.params.forEach((t, i) => checkGradient(f, t.f32, grads[i], { ...opts, label: `d${t.label}` }));
    b.g.dispose();
  });

  it('decode steps reproduce the parallel forward', async () => {
    const { gpu } = await backends();
    const B = 2;
    const { spec, m } = tinySpec(7);
    const params = initParams(gpu, spec, 3);
    const { states } = await expectStepMatchesForward({
      gpu,
      spec,
      B,
      T: spec.contextLength,
      prefix: PREFIX,
      params,
      mixer: m,
      x: randn(rng, B * spec.contextLength * spec.width),
      forward: hyenaMixer,
      step: hyenaStep,
    });
    expect(states).toEqual(['history', 'short_filter']);
    params.dispose();
  });
});

describe('striped-hyena preset', () => {
  it('trains on the GPU: the loss falls', () => expectPresetTrains('striped-hyena'));
  it('resolves with a trainable Hyena layer', () =>
    expect(presetMixerKinds('striped-hyena')).toEqual(['hyena', 'attention']));
});
