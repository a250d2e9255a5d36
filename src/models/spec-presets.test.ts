// The preset gallery: every LAYERS.md preset validates and has the stack the table describes, and
// the Transformer preset's parameter list is exactly what defineTransformerParams creates.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../kernels/cpu-backend';
import { Rng } from '../data/rng';
import { ParamStore } from './params';
import { PRESETS, type ModelConfig } from './presets';
import { defineTransformerParams } from './transformer';
import { blockLabel, specLayers, type ModelSpec, type SpecInput } from './spec';
import { specParams } from './spec-params';
import { SPEC_PRESETS, presetSpec } from './spec-presets';
import { resolveSpec, validateSpec } from './spec-validate';

/** The Transformer's ModelConfig for a spec of [attention + SwiGLU] × L. */
function toModelConfig(s: ModelSpec): ModelConfig {
  const m = s.stack[0].blocks[0].mixer;
  if (m.kind !== 'attention') throw new Error('not a Transformer spec');
  const layers = specLayers(s).length;
  return {
    width: s.width,
    layers,
    heads: m.heads,
    kvHeads: m.kvHeads,
    contextLength: s.contextLength,
    ropeBase: m.ropeBase,
    normEps: s.normEps,
  };
}

/** What defineTransformerParams really creates, on the CPU backend: [name, shape] in order. */
function transformerParams(s: ModelSpec): [string, number[]][] {
  const store = new ParamStore(new CpuBackend(), new Rng(1));
  defineTransformerParams(store, toModelConfig(s), s.vocab);
  const out = store.params.map((p): [string, number[]] => [p.name, [...p.tensor.shape]]);
  store.dispose();
  return out;
}

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

  it('gives the Transformer preset the same model as the existing preset', () => {
    expect(toModelConfig(presetSpec('transformer'))).toEqual(PRESETS.transformer.model);
  });

  it('lists exactly the parameters defineTransformerParams creates, name by name and shape by shape', () => {
    const gqa = resolveSpec({
      width: 32,
      vocab: 11,
      contextLength: 16,
      stack: [
        { blocks: [{ mixer: { kind: 'attention', heads: 4, kvHeads: 2 }, channel: 'swiglu' }], repeat: 3 },
      ],
    } satisfies SpecInput);
    for (const s of [presetSpec('transformer'), gqa]) {
      const real = transformerParams(s);
      const spec = specParams(s).map((p): [string, number[]] => [p.name, p.shape]);
      expect(spec).toEqual(real);
      expect(real.map(([name]) => name)).toContain('model.layers.0.self_attn.k_proj.weight');
    }
  });
});
