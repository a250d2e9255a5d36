// Mamba: Jamba and Samba resolve as trainable, the init is mamba_ssm's, and the Mamba preset trains on the GPU.
import { describe, expect, it } from 'vitest';
import { resolvePreset } from '../presets';
import { specParams } from '../spec-params';
import { SMALL_RUN, expectPresetTrains, presetMixerKinds } from '../testing';
import { mambaInit } from './mamba';

describe('hybrid presets with Mamba blocks', () => {
  it.each(['jamba', 'samba'])('%s resolves as trainable', (name) =>
    expect(presetMixerKinds(name)).toContain('mamba'),
  );
});

describe('mamba preset', () => {
  const { spec } = resolvePreset('mamba', SMALL_RUN);

  it('initialises A_log, D and the dt bias as mamba_ssm', () => {
    const values = (suffix: string) => {
      const s = specParams(spec).find((p) => p.name === `model.layers.0.mixer.${suffix}`)!;
      const init = mambaInit(s);
      if (init?.kind !== 'custom') throw new Error(`${suffix}: expected custom values, got ${init?.kind}.`);
      return { s, v: [...init.values] };
    };
    const A = values('A_log');
    const N = A.s.shape[1];
    expect(A.v.slice(0, 2 * N)).toEqual(
      [...Array(2)].flatMap(() => [...Array(N)].map((_, n) => Math.fround(Math.log(n + 1)))),
    );
    const dt = values('dt_proj.bias').v.map((b) => Math.log1p(Math.exp(b))); // softplus
    expect(Math.min(...dt)).toBeGreaterThan(1e-3);
    expect(Math.max(...dt)).toBeLessThan(1e-1);
    const D = specParams(spec).find((p) => p.name === 'model.layers.0.mixer.D')!;
    expect(mambaInit(D)).toEqual({ kind: 'const', value: 1 });
  });

  it('trains on the GPU: the loss falls', () => expectPresetTrains('mamba'));
});
