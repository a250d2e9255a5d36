// The spec: shorthand blocks resolve to LAYERS.md defaults, stacks expand to layers in order, and an
// invalid spec throws one error that carries every problem.
import { describe, expect, it } from 'vitest';
import { blockLabel, specLayers, type SpecInput } from './spec';
import { SpecError, resolveSpec } from './spec-validate';

const base = { width: 64, vocab: 80, contextLength: 64 };
const one = (block: SpecInput['stack'][number]['blocks'][number]): SpecInput => ({
  ...base,
  stack: [{ blocks: [block] }],
});
const mixerOf = (block: SpecInput['stack'][number]['blocks'][number]) =>
  resolveSpec(one(block)).stack[0].blocks[0].mixer;

describe('resolveSpec', () => {
  it('fills model-wide defaults and keeps a block without channel as null', () => {
    const s = resolveSpec(one({ mixer: 'mamba' }));
    expect(s).toMatchObject({ norm: 'rmsnorm', normEps: 1e-5, tiedEmbeddings: true, embedNorm: false });
    expect(s.stack[0]).toMatchObject({ repeat: 1, blocks: [{ channel: null, repeat: 1 }] });
  });

  it('derives every mixer default from the width (64)', () => {
    expect(mixerOf({ mixer: 'attention' })).toEqual({
      kind: 'attention',
      heads: 4,
      kvHeads: 4,
      window: 0,
      rope: true,
      ropeBase: 10000,
      qkNorm: false,
      convSize: 0,
      postNorm: false,
    });
    expect(mixerOf({ mixer: 'mamba' })).toEqual({
      kind: 'mamba',
      expand: 2,
      dState: 16,
      dConv: 4,
      dtRank: 4,
    });
    expect(mixerOf({ mixer: 'mamba2' })).toEqual({
      kind: 'mamba2',
      expand: 2,
      dState: 64,
      dConv: 4,
      headDim: 32,
      groups: 1,
    });
    expect(mixerOf({ mixer: 'hyena' })).toEqual({
      kind: 'hyena',
      order: 2,
      filterWidth: 64,
      filterBands: 4,
      shortConv: 3,
    });
    // RWKV-LM's ranks c·√D (c = 1.8, 1.8, 1.3) and 0.6·D^0.8, rounded to multiples of 8.
    expect(mixerOf({ mixer: 'rwkv7' })).toEqual({
      kind: 'rwkv7',
      headSize: 16,
      decayRank: 16,
      aRank: 16,
      valueRank: 8,
      gateRank: 16,
    });
    expect(mixerOf({ mixer: 'retnet' })).toEqual({ kind: 'retnet', heads: 4, keyExpand: 1, valueExpand: 2 });
    // d_k = 0.75·64/4 = 12, d_v = 2·d_k.
    expect(mixerOf({ mixer: 'gdn' })).toEqual({
      kind: 'gdn',
      heads: 4,
      headDim: 12,
      valueExpand: 2,
      negativeEigenvalues: true,
      convSize: 4,
    });
  });

  it('derives defaults from fields given earlier', () => {
    expect(mixerOf({ mixer: { kind: 'attention', heads: 8 } })).toMatchObject({ heads: 8, kvHeads: 8 });
    expect(mixerOf({ mixer: { kind: 'gdn', heads: 2 } })).toMatchObject({ heads: 2, headDim: 24 });
    expect(mixerOf({ mixer: { kind: 'mamba2', expand: 1 } })).toMatchObject({ headDim: 16 });
  });

  it('sizes the channel sublayers as LAYERS.md does', () => {
    const channel = (c: 'swiglu' | 'mlp' | 'rwkv-cmix') =>
      resolveSpec(one({ mixer: 'mamba', channel: c })).stack[0].blocks[0].channel;
    expect(channel('swiglu')).toEqual({ kind: 'swiglu', hidden: 176 }); // ⌈(8·64/3)/8⌉·8
    expect(channel('mlp')).toEqual({ kind: 'mlp', hidden: 256 });
    expect(channel('rwkv-cmix')).toEqual({ kind: 'rwkv-cmix', hidden: 256 });
  });

  it('is idempotent: a resolved spec resolves to itself', () => {
    const s = resolveSpec({
      ...base,
      stack: [
        { blocks: [{ mixer: 'gdn', channel: 'swiglu', repeat: 3 }, { mixer: 'attention' }], repeat: 2 },
      ],
    });
    expect(resolveSpec(s)).toEqual(s);
  });

  it('throws a SpecError that carries every problem', () => {
    const bad = { ...base, width: 0, stack: [] };
    let error: unknown;
    try {
      resolveSpec(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).problems.map((p) => p.path)).toEqual(['width', 'stack']);
    expect((error as SpecError).message).toContain('- width: width must be at least 1, got 0');
  });
});

describe('specLayers', () => {
  it('expands "3 × [GDN + SwiGLU], 1 × [attention + SwiGLU], repeated twice" in order', () => {
    const s = resolveSpec({
      ...base,
      stack: [
        {
          blocks: [
            { mixer: 'gdn', channel: 'swiglu', repeat: 3 },
            { mixer: 'attention', channel: 'swiglu' },
          ],
          repeat: 2,
        },
        { blocks: [{ mixer: { kind: 'attention', window: 16 } }] },
      ],
    });
    const layers = specLayers(s);
    expect(layers.map((l) => l.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(layers.map((l) => blockLabel(l))).toEqual([
      ...['gdn + swiglu', 'gdn + swiglu', 'gdn + swiglu', 'attention + swiglu'],
      ...['gdn + swiglu', 'gdn + swiglu', 'gdn + swiglu', 'attention + swiglu'],
      'attention (window 16)',
    ]);
    expect(layers[5].path).toBe('stack[0].blocks[0]');
    expect(layers[7].path).toBe('stack[0].blocks[1]');
    expect(layers[8].path).toBe('stack[1].blocks[0]');
    expect(layers.filter((l) => l.first).map((l) => l.index)).toEqual([0, 3]);
  });
});
