// The per-kind overrides: dState sets every Mamba/Mamba-2 mixer's N, headDim every Gated DeltaNet's
// d_k, convSize every attention and Gated DeltaNet mixer's short conv width; a stack without such a
// mixer, or an invalid value, is an error that says so.
import { describe, expect, it } from 'vitest';
import { resolvePreset } from './presets';
import { specLayers } from './spec';

describe('state-size overrides', () => {
  it('sets dState on Mamba mixers and headDim on Gated DeltaNet mixers only', () => {
    const jamba = resolvePreset('jamba', { dState: 4 });
    for (const l of specLayers(jamba.spec)) if (l.mixer.kind === 'mamba') expect(l.mixer.dState).toBe(4);
    const hybrid = resolvePreset('olmo-hybrid', { headDim: 8 });
    const kinds = specLayers(hybrid.spec).map((l) => [
      l.mixer.kind,
      l.mixer.kind === 'gdn' && l.mixer.headDim,
    ]);
    expect(kinds).toContainEqual(['gdn', 8]);
    expect(kinds).toContainEqual(['attention', false]);
  });

  it('sets convSize on attention (Primer) and Gated DeltaNet mixers alike', () => {
    const hybrid = resolvePreset('olmo-hybrid', { convSize: 3 });
    const kinds = new Set(specLayers(hybrid.spec).map((l) => l.mixer.kind));
    expect([...kinds].sort()).toEqual(['attention', 'gdn']);
    for (const l of specLayers(hybrid.spec))
      if (l.mixer.kind === 'attention' || l.mixer.kind === 'gdn') expect(l.mixer.convSize).toBe(3);
    expect(() => resolvePreset('mamba', { convSize: 3 })).toThrow(/convSize.*attention and gdn mixers/);
    expect(() => resolvePreset('transformer', { convSize: 1 })).toThrow(/convSize 1 only rescales/);
  });

  it('refuses a key no mixer of the stack takes, and out-of-range values', () => {
    expect(() => resolvePreset('transformer', { dState: 4 })).toThrow(/dState.*mamba and mamba2 mixers/);
    expect(() => resolvePreset('mamba', { headDim: 4 })).toThrow(/headDim.*gdn/);
    expect(() => resolvePreset('mamba', { dState: 0 })).toThrow(/dState/);
  });
});
