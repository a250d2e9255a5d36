// The address-bar form of a stack: every preset round-trips through it exactly, settings keep their
// types (booleans stay booleans), and text that is not a stack says where it stops making sense.
import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../src/models/spec-validate';
import { SPEC_PRESETS } from '../../src/models/spec-presets';
import { decodeStack, encodeStack } from './stack-codec';
import { fromInput, toInput } from './edit-spec';

describe('stack codec', () => {
  it('writes OLMo Hybrid readably', () => {
    expect(encodeStack(SPEC_PRESETS['olmo-hybrid'].spec.stack)).toBe(
      '(gdn.swiglu*3,attention[qkNorm;postNorm].swiglu)x2',
    );
  });

  it('round-trips every preset, also through the editor form', () => {
    for (const p of Object.values(SPEC_PRESETS)) {
      const text = encodeStack(p.spec.stack);
      const back = decodeStack(text);
      expect(encodeStack(back)).toBe(text);
      const edited = toInput(fromInput({ ...p.spec, stack: back }));
      expect(encodeStack(edited.stack)).toBe(text);
      expect(validateSpec(edited)).toEqual([]);
    }
  });

  it('keeps booleans and numbers', () => {
    const stack = decodeStack('(attention[heads=8;rope=0;qkNorm;window=32].mlp[hidden=96]*2)x3(mamba)');
    expect(stack).toEqual([
      {
        blocks: [
          {
            mixer: { kind: 'attention', heads: 8, rope: false, qkNorm: true, window: 32 },
            channel: { kind: 'mlp', hidden: 96 },
            repeat: 2,
          },
        ],
        repeat: 3,
      },
      { blocks: [{ mixer: 'mamba' }] },
    ]);
    expect(encodeStack(stack)).toBe('(attention[heads=8;rope=0;qkNorm;window=32].mlp[hidden=96]*2)x3(mamba)');
  });

  it('says where unreadable text goes wrong', () => {
    expect(() => decodeStack('(gdn.swiglu')).toThrow('at character 12: expected ")"');
    expect(() => decodeStack('(attention[heads=x])')).toThrow('expected a number for heads');
    expect(() => decodeStack('gdn')).toThrow('expected "("');
  });
});
