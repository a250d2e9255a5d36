// RetNet layer: a model of retention blocks gives the same loss and gradients on the GPU and the CPU
// reference, its CPU gradients match finite differences, the layer's decode step reproduces its forward
// token by token, and the retnet preset trains.
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
import type { RetnetMixer } from '../spec';
import { MIXER_PREFIX } from '../spec-params';
import { resolveSpec } from '../spec-validate';
import { expectPresetTrains, presetMixerKinds } from '../testing';
import { retnetMixer, retnetStep } from './retnet';

const [B, T] = [2, 7];

/** Two retention blocks: Dk ≠ Dv, more than one head (distinct decays), and a second layer's gradients. */
const MODEL: ModelCase = {
  B,
  T,
  spec: resolveSpec({
    width: 16,
    vocab: 11,
    contextLength: T,
    stack: [
      {
        blocks: [
          { mixer: { kind: 'retnet', heads: 2 }, channel: 'swiglu' },
          { mixer: { kind: 'retnet', heads: 4, keyExpand: 2, valueExpand: 1 }, channel: 'mlp' },
        ],
      },
    ],
  }),
};
const { spec: SPEC } = MODEL;

describe('retnet layer in a model', () => {
  it('gives the same loss and gradients on the GPU and the CPU reference', () => expectGpuMatchesCpu(MODEL));
  it('has CPU gradients that match finite differences of the loss', () => expectFiniteDifferences(MODEL));
});

describe('retnet decode step', () => {
  it('reproduces the forward token by token', async () => {
    const { gpu } = await backends();
    const rng = new Rng(11);
    // Weights far from the tiny init, so that the state and the gate matter.
    const params = randomParams(gpu, SPEC, rng, 0.3);
    const { want, states } = await expectStepMatchesForward({
      gpu,
      spec: SPEC,
      B,
      T,
      prefix: `model.layers.1.${MIXER_PREFIX.retnet}`,
      params,
      mixer: SPEC.stack[0].blocks[1].mixer as RetnetMixer,
      x: randn(rng, B * T * SPEC.width),
      forward: retnetMixer,
      step: retnetStep,
    });
    expect(Math.max(...want.map(Math.abs))).toBeGreaterThan(0.1);
    expect(states).toEqual(['retention']);
    params.dispose();
  });
});

describe('retnet preset', () => {
  it('resolves with retention layers', () => expect(presetMixerKinds('retnet')).toContain('retnet'));
  it('trains on the GPU: the loss falls', () => expectPresetTrains('retnet'));
});
