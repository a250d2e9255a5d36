// Mamba-2 layer: a model of Mamba-2 blocks gives the same loss and gradients on the GPU and the CPU
// reference, its CPU gradients match finite differences, the init is mamba_ssm's, the decode step
// reproduces the forward token by token, and the mamba2 preset trains.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../data/rng';
import { backends, randn } from '../../kernels/testing';
import {
  expectFiniteDifferences,
  expectGpuMatchesCpu,
  expectStepMatchesForward,
  randomParams,
  type ModelCase,
} from '../layer-testing';
import { resolvePreset } from '../presets';
import type { Mamba2Mixer } from '../spec';
import { MIXER_PREFIX, specParams } from '../spec-params';
import { resolveSpec } from '../spec-validate';
import { SMALL_RUN, expectPresetTrains, presetMixerKinds } from '../testing';
import { mamba2Init, mamba2Mixer, mamba2Step } from './mamba2';

const [B, T] = [2, 7];

/** Two blocks: one group (one norm over Di), then two groups of two heads (B, C shared, grouped norm). */
const MODEL: ModelCase = {
  B,
  T,
  spec: resolveSpec({
    width: 8,
    vocab: 11,
    contextLength: T,
    stack: [
      {
        blocks: [
          { mixer: { kind: 'mamba2', dState: 4, headDim: 4, dConv: 3 } },
          { mixer: { kind: 'mamba2', dState: 3, headDim: 4, groups: 2 } },
        ],
      },
    ],
  }),
};
const { spec: SPEC } = MODEL;

describe('mamba2 layer in a model', () => {
  it('gives the same loss and gradients on the GPU and the CPU reference', () => expectGpuMatchesCpu(MODEL));
  it('has CPU gradients that match finite differences of the loss', () => expectFiniteDifferences(MODEL));
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
    const rng = new Rng(11);
    // Weights far from the tiny init, so that the state, the conv and the gate matter.
    const params = randomParams(gpu, SPEC, rng, 0.3);
    const { want, states } = await expectStepMatchesForward({
      gpu,
      spec: SPEC,
      B,
      T,
      prefix: `model.layers.${index}.${MIXER_PREFIX.mamba2}`,
      params,
      mixer: SPEC.stack[0].blocks[index].mixer as Mamba2Mixer,
      x: randn(rng, B * T * SPEC.width),
      forward: mamba2Mixer,
      step: mamba2Step,
    });
    expect(Math.max(...want.map(Math.abs))).toBeGreaterThan(0.1);
    expect(states).toEqual(['conv_state', 'ssm_state']);
    params.dispose();
  });
});

describe('mamba2 preset', () => {
  it('resolves with Mamba-2 layers', () => expect(presetMixerKinds('mamba2')).toContain('mamba2'));
  it('trains on the GPU: the loss falls', () => expectPresetTrains('mamba2'));
});
