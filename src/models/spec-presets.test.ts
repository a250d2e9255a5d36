// The preset gallery: every LAYERS.md preset validates and has the stack the table describes.
import { describe, expect, it } from 'vitest';
import { blockLabel, specLayers } from './spec';
import { specParams } from './spec-params';
import { SPEC_PRESETS, presetSpec } from './spec-presets';
import { validateSpec } from './spec-validate';

const layerKinds = (name: string) => specLayers(presetSpec(name)).map((l) => blockLabel(l));

describe('spec presets', () => {
  it('holds every preset of LAYERS.md, each valid, described and cited', () => {
    expect(Object.values(SPEC_PRESETS).map((p) => p.title)).toEqual([
      'Transformer',
      'Mamba',
      'Mamba-2',
      'StripedHyena',
      'RWKV-7',
      'RetNet',
      'OLMo Hybrid',
      'Jamba-style',
      'Samba-style',
    ]);
    for (const p of Object.values(SPEC_PRESETS)) {
      expect(validateSpec(p.spec), p.name).toEqual([]);
      expect(p.description.length, p.name).toBeGreaterThan(20);
      expect(p.papers.length, p.name).toBeGreaterThan(0);
      for (const paper of p.papers) expect(paper.year).toBeGreaterThan(2000);
      const names = specParams(presetSpec(p.name)).map((x) => x.name);
      expect(new Set(names).size, `${p.name}: parameter names are unique`).toBe(names.length);
    }
    expect(() => presetSpec('gpt')).toThrow('Unknown preset "gpt". Presets: transformer, mamba,');
  });

  it('builds the stacks of the LAYERS.md table', () => {
    expect(layerKinds('transformer')).toEqual(['attention + swiglu', 'attention + swiglu']);
    expect(layerKinds('mamba')).toEqual(['mamba', 'mamba', 'mamba', 'mamba']);
    expect(layerKinds('mamba2')).toEqual(['mamba2', 'mamba2', 'mamba2', 'mamba2']);
    expect(layerKinds('striped-hyena')).toEqual(['hyena + swiglu', 'attention + swiglu']);
    expect(layerKinds('rwkv7')).toEqual(['rwkv7 + rwkv-cmix', 'rwkv7 + rwkv-cmix']);
    expect(layerKinds('retnet')).toEqual(['retnet + swiglu', 'retnet + swiglu']);
    const olmo = [...Array(3).fill('gdn + swiglu'), 'attention + swiglu'];
    expect(layerKinds('olmo-hybrid')).toEqual([...olmo, ...olmo]);
    expect(layerKinds('jamba')).toEqual([...Array(7).fill('mamba + mlp'), 'attention + mlp']);
    const samba = ['mamba + mlp', 'attention (window 32) + mlp'];
    expect(layerKinds('samba')).toEqual([...samba, ...samba]);
    expect(presetSpec('rwkv7')).toMatchObject({ norm: 'layernorm', embedNorm: true });
    const olmoAttention = presetSpec('olmo-hybrid').stack[0].blocks[1].mixer;
    expect(olmoAttention).toMatchObject({ kind: 'attention', qkNorm: true, postNorm: true });
  });
});
