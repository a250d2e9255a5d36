// Spec validation: every problem of a spec at its exact path, with what to change, never a throw.
import { describe, expect, it } from 'vitest';
import type { SpecInput } from './spec';
import { validateSpec } from './spec-validate';

const base = { width: 64, vocab: 80, contextLength: 64 };
const one = (block: SpecInput['stack'][number]['blocks'][number]): SpecInput => ({
  ...base,
  stack: [{ blocks: [block] }],
});

describe('validateSpec', () => {
  it('reports every problem at its exact path', () => {
    const bad = {
      ...base,
      vocab: 0,
      norm: 'batchnorm',
      dropout: 0.1,
      stack: [
        { blocks: [{ mixer: { kind: 'attention', heads: 6, kvHeads: 4 }, channel: 'swiglu' }], repeat: 0 },
        { blocks: [] },
        {
          blocks: [
            { mixer: 'gnd' },
            { mixer: { kind: 'mamba2', headDim: 48 }, channel: 'moe' },
            { mixer: { kind: 'attention', heads: 8, kvHeads: 3, window: -1, rope: 'yes' } },
          ],
        },
        { blocks: [{ mixer: { kind: 'rwkv7', headSize: 24, haeds: 2 }, repeat: 2.5 }] },
        { blocks: [{ mixer: { kind: 'attention', heads: 64 } }, { mixer: { kind: 'mamba', dState: 5000 } }] },
      ],
    } as unknown as SpecInput;
    const problems = validateSpec(bad);
    const at = (path: string) => problems.filter((p) => p.path === path).map((p) => p.message);
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        'dropout',
        'vocab',
        'norm',
        'stack[0].repeat',
        'stack[0].blocks[0].mixer.heads',
        'stack[0].blocks[0].mixer.kvHeads',
        'stack[1].blocks',
        'stack[2].blocks[0].mixer',
        'stack[2].blocks[1].mixer.headDim',
        'stack[2].blocks[1].channel',
        'stack[2].blocks[2].mixer.window',
        'stack[2].blocks[2].mixer.rope',
        'stack[2].blocks[2].mixer.kvHeads',
        'stack[3].blocks[0].mixer.haeds',
        'stack[3].blocks[0].mixer.headSize',
        'stack[3].blocks[0].repeat',
        'stack[4].blocks[0].mixer.heads',
        'stack[4].blocks[1].mixer.dState',
      ].sort(),
    );
    expect(at('stack[0].blocks[0].mixer.heads')).toEqual([
      'heads (6) must divide width (64): try 1, 2, 4, 8, 16, 32',
    ]);
    expect(at('stack[0].blocks[0].mixer.kvHeads')).toEqual([
      'kvHeads (4) must divide heads (6): try 1, 2, 3, 6',
    ]);
    expect(at('stack[2].blocks[0].mixer')[0]).toBe(
      'unknown mixer "gnd": the known mixers are attention, mamba, mamba2, hyena, rwkv7, retnet, gdn',
    );
    expect(at('stack[2].blocks[1].channel')[0]).toBe(
      'unknown channel "moe": the known channels are swiglu, mlp, rwkv-cmix',
    );
    expect(at('stack[2].blocks[1].mixer.headDim')[0]).toBe(
      'headDim (48) must divide expand·width = 128: try 1, 2, 4, 8, 16, 32',
    );
    expect(at('stack[2].blocks[2].mixer.window')[0]).toBe('window must be at least 0, got -1');
    expect(at('stack[2].blocks[2].mixer.rope')[0]).toBe('rope must be true or false, got "yes"');
    expect(at('stack[3].blocks[0].mixer.haeds')[0]).toMatch(
      /^unknown setting "haeds" for a rwkv7 mixer: .*headSize/,
    );
    expect(at('stack[3].blocks[0].repeat')[0]).toBe('repeat must be a whole number from 1 to 512, got 2.5');
    expect(at('stack[4].blocks[0].mixer.heads')[0]).toBe(
      'RoPE needs an even head size, but width/heads = 64/64 = 1: try 1, 2, 4, 8, 16, 32, or set rope to false',
    );
    expect(at('stack[4].blocks[1].mixer.dState')[0]).toBe(
      'dState (5000) is past the limit of 1024: use at most 1024',
    );
    expect(at('norm')[0]).toBe('unknown norm "batchnorm": the known norms are rmsnorm, layernorm');
    expect(at('stack[1].blocks')[0]).toMatch(/^the group has no blocks/);
  });

  it('checks RoPE head sizes, Mamba-2 groups and RetNet heads against the width', () => {
    const paths = (s: SpecInput) => validateSpec(s).map((p) => `${p.path}: ${p.message}`);
    expect(paths({ ...one({ mixer: { kind: 'attention', heads: 1 } }), width: 15 })).toEqual([
      'stack[0].blocks[0].mixer.heads: RoPE needs an even head size, but width/heads = 15/1 = 15: make width even, or set rope to false',
    ]);
    expect(
      validateSpec({ ...one({ mixer: { kind: 'attention', heads: 1, rope: false } }), width: 15 }),
    ).toEqual([]);
    expect(paths(one({ mixer: { kind: 'mamba2', headDim: 32, groups: 3 } }))).toEqual([
      'stack[0].blocks[0].mixer.groups: groups (3) must divide the 4 heads (128/32): try 1, 2, 4',
    ]);
    expect(paths(one({ mixer: { kind: 'retnet', heads: 5 } }))).toEqual([
      'stack[0].blocks[0].mixer.heads: heads (5) must divide width (64): try 1, 2, 4, 8, 16, 32',
    ]);
  });

  it("accepts attention's Primer conv width 0 or 2 to 8, and says what to use otherwise", () => {
    const at = (convSize: number) => validateSpec(one({ mixer: { kind: 'attention', convSize } }));
    for (const ok of [0, 2, 3, 8]) expect(at(ok)).toEqual([]);
    const path = 'stack[0].blocks[0].mixer.convSize';
    expect(at(1)).toEqual([
      {
        path,
        message:
          'convSize 1 only rescales each channel: use 0 (no conv) or a width from 2 to 8 (Primer uses 3)',
      },
    ]);
    expect(at(9)).toEqual([{ path, message: 'convSize (9) is past the limit of 8: use at most 8' }]);
    expect(at(2.5)).toEqual([{ path, message: 'convSize must be a whole number from 0 to 8, got 2.5' }]);
    expect(at(-1)).toEqual([{ path, message: 'convSize must be at least 0, got -1' }]);
  });

  it('reports missing settings, a wrong spec shape and a stack past the layer limit', () => {
    expect(validateSpec(null as unknown as SpecInput).map((p) => p.path)).toEqual([
      '',
      'width',
      'vocab',
      'contextLength',
      'stack',
    ]);
    expect(validateSpec({ ...base, stack: [{ blocks: [{}] }] } as unknown as SpecInput)).toEqual([
      {
        path: 'stack[0].blocks[0].mixer',
        message: 'a mixer kind is required: one of attention, mamba, mamba2, hyena, rwkv7, retnet, gdn',
      },
    ]);
    expect(
      validateSpec({ ...base, stack: [{ blocks: [{ mixer: 'mamba', repeat: 300 }], repeat: 2 }] }),
    ).toEqual([
      {
        path: 'stack',
        message: 'the stack expands to 600 layers, past the limit of 512: lower some repeat counts',
      },
    ]);
  });

  it('skips width rules when the width itself is invalid', () => {
    expect(validateSpec({ ...one({ mixer: { kind: 'attention', heads: 6 } }), width: -1 })).toEqual([
      { path: 'width', message: 'width must be at least 1, got -1' },
    ]);
  });
});
