// Mamba-2 layer: a model of Mamba-2 blocks gives the same loss and gradients on the GPU and the CPU
// reference, its CPU gradients match finite differences, the init is mamba_ssm's, the decode step
// reproduces the forward token by token, and the mamba2 preset trains.
import { describe, expect, it } from 'vitest';
import { Graph } from '../../autograd/graph';
import * as op from '../../autograd/ops';
import { Rng } from '../../data/rng';
import type { Backend } from '../../kernels/backend';
import type { Tensor } from '../../kernels/tensor';
import { backends, checkGradient, expectClose, randn, throwGpuErrors, toF32 } from '../../kernels/testing';
import { defineModelParams, modelForward } from '../model';
import { ParamStore } from '../params';
import { resolvePreset } from '../presets';
import type { Mamba2Mixer, ModelSpec } from '../spec';
import { MIXER_PREFIX, specParams } from '../spec-params';
import { resolveSpec } from '../spec-validate';
import { SMALL_RUN, expectLossFalls, trainOnGpu } from '../testing';
import type { DecodeContext } from './context';
import { mamba2Init, mamba2Mixer, mamba2Step } from './mamba2';

const [B, T, V] = [2, 7, 11];

/** Two blocks: one group (one norm over Di), then two groups of two heads (B, C shared, grouped norm). */
const SPEC: ModelSpec = resolveSpec({
  width: 8,
  vocab: V,
  contextLength: T,
  stack: [
    {
      blocks: [
        { mixer: { kind: 'mamba2', dState: 4, headDim: 4, dConv: 3 } },
        { mixer: { kind: 'mamba2', dState: 3, headDim: 4, groups: 2 } },
      ],
    },
  ],
});

function buildModel(backend: Backend) {
  const params = new ParamStore(backend, new Rng(3));
  defineModelParams(params, SPEC);
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
    Int32Array.from({ length: B * T }, () => rng.int(V)),
  );
  const { loss } = op.crossEntropy(g, modelForward(g, params, SPEC, tokens, B, T), targets, B * T, V);
  g.backward();
  return { params, g, loss };
}

describe('mamba2 layer in a model', () => {
  it('gives the same loss and gradients on the GPU and the CPU reference', async () => {
    const { gpu, cpu } = await backends();
    const [a, b] = [buildModel(gpu), buildModel(cpu)];
    gpu.run([...a.g.forwardOps, ...a.g.backwardOps]);
    cpu.run([...b.g.forwardOps, ...b.g.backwardOps]);
    const lossGpu = await gpu.read(a.loss);
    throwGpuErrors(gpu);
    expectClose([lossGpu[0]], [b.loss.f32[0]], { rtol: 1e-4, label: 'loss' });
    for (const [i, pa] of a.params.params.entries()) {
      const gradGpu = await gpu.read(a.g.grad(pa.tensor)!);
      const gradCpu = b.g.grad(b.params.params[i].tensor)!.f32;
      expectClose(gradGpu, gradCpu, { rtol: 1e-4, atol: 1e-6, label: `grad ${pa.name}` });
    }
    a.g.dispose();
    a.params.dispose();
  });

  it('has CPU gradients that match finite differences of the loss', async () => {
    const { cpu } = await backends();
    const m = buildModel(cpu);
    cpu.run([...m.g.forwardOps, ...m.g.backwardOps]);
    const lossAt = () => {
      cpu.run(m.g.forwardOps);
      return m.loss.f32[0];
    };
    const rng = new Rng(5);
    for (const p of m.params.params) {
      const grad = m.g.grad(p.tensor)!.f32.slice();
      // f32 CPU loss: weights are ~0.02 and RMSNorm is scale-invariant, so the step is small next to them.
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

describe('mamba2 init', () => {
  it('spreads A = exp(A_log) over [1, 16] and Δ over [1e-3, 1e-1], with D = 1', () => {
    const { spec } = resolvePreset('mamba2', SMALL_RUN);
    const shape = (suffix: string) =>
      specParams(spec).find((p) => p.name === `model.layers.0.mixer.${suffix}`)!;
    const values = (suffix: string) => {
      const init = mamba2Init(shape(suffix));
      if (init?.kind !== 'custom') throw new Error(`${suffix}: expected custom values, got ${init?.kind}.`);
      return [...init.values];
    };
    const A = values('A_log').map(Math.exp);
    expect(Math.min(...A)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...A)).toBeLessThanOrEqual(16);
    expect(A).toEqual([...A].sort((x, y) => x - y));
    const dt = values('dt_bias').map((b) => Math.log1p(Math.exp(b))); // softplus
    expect(Math.min(...dt)).toBeGreaterThan(1e-3);
    expect(Math.max(...dt)).toBeLessThan(1e-1);
    expect(mamba2Init(shape('D'))).toEqual({ kind: 'const', value: 1 });
    expect(mamba2Init(shape('conv1d.bias'))).toEqual({ kind: 'const', value: 0 });
  });
});

describe('mamba2 decode step', () => {
  it.each([0, 1])('reproduces the forward token by token (block %i)', async (index) => {
    const { gpu } = await backends();
    const mixer = SPEC.stack[0].blocks[index].mixer as Mamba2Mixer;
    const params = new ParamStore(gpu, new Rng(3));
    defineModelParams(params, SPEC);
    // Weights far from the tiny init, so that the state, the conv and the gate matter.
    const rng = new Rng(11);
    for (const p of params.params) gpu.write(p.tensor, randn(rng, p.tensor.size, 0.3));
    const D = SPEC.width;
    const x = randn(rng, B * T * D);
    const prefix = `model.layers.${index}.${MIXER_PREFIX.mamba2}`;

    const g = new Graph(gpu);
    const xt = g.tensor([B * T, D], 'x');
    gpu.write(xt, x);
    const y = mamba2Mixer({ g, p: params, spec: SPEC, B, T, prefix }, mixer, xt);
    gpu.run(g.forwardOps);
    const want = toF32(await gpu.read(y));

    const states = new Map<string, Tensor>();
    const d = new Graph(gpu);
    const c: DecodeContext = {
      g: d,
      p: params,
      spec: SPEC,
      B,
      T: 1,
      prefix,
      pos: d.tensor([1], 'pos', 'i32'),
      capacity: T,
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
    const y1 = mamba2Step(c, mixer, x1);
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
    expect(Math.max(...want.map(Math.abs))).toBeGreaterThan(0.1);
    expectClose(got, want, { rtol: 1e-5, atol: 1e-6, label: 'step vs forward' });
    expect([...states.keys()].sort()).toEqual(['conv_state', 'ssm_state']);
    [g, d].forEach((gr) => gr.dispose());
    params.dispose();
  });
});

describe('mamba2 preset', () => {
  it('resolves with Mamba-2 layers', () => {
    const kinds = resolvePreset('mamba2', SMALL_RUN).spec.stack.flatMap((s) =>
      s.blocks.map((b) => b.mixer.kind),
    );
    expect(kinds).toContain('mamba2');
  });

  it('trains on the GPU: the loss falls', async () => {
    const r = await trainOnGpu('mamba2', 16, 1, SMALL_RUN);
    expect(r.summary.stoppedEarly).toBeFalsy();
    expectLossFalls(r.rows);
  });
});
