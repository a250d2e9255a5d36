// The illustration's per-layer bytes are the cost model's at every T, for every preset stack.
import { describe, expect, it } from 'vitest';
import { modelCost } from '../../../src/measure/cost-model';
import { SPEC_PRESETS } from '../../../src/models/spec-presets';
import { resolveSpec } from '../../../src/models/spec-validate';
import { groupBytes, memoryGroups, stackBytes } from './memory-data';

describe('memoryGroups', () => {
  for (const name of Object.keys(SPEC_PRESETS))
    it(`${name}: bytes per layer equal the cost model's from T = 1 to 16k`, () => {
      const spec = resolveSpec(SPEC_PRESETS[name].spec);
      const groups = memoryGroups(spec);
      expect(groups.flatMap((g) => g.layers).sort((a, b) => a - b)).toEqual(
        modelCost(spec, 1).layers.map((l) => l.index),
      );
      for (const T of [1, 2, 3, 31, 32, 33, 255, 1000, 4096, 16384]) {
        const cost = modelCost(spec, T);
        for (const g of groups)
          for (const i of g.layers)
            expect(groupBytes(g, T), `${name} layer ${i} T=${T}`).toBe(cost.layers[i].decodeStateBytes);
        expect(stackBytes(groups, T)).toBe(cost.decodeStateBytes);
      }
    });

  it('a transformer grows 2·kvHeads·Dh floats per token per layer; Mamba keeps a fixed block', () => {
    const t = memoryGroups(resolveSpec({ ...SPEC_PRESETS.transformer.spec, width: 64, contextLength: 32 }));
    expect(t).toHaveLength(1);
    const m = t[0].layers.length;
    expect(m).toBeGreaterThan(1);
    expect(t[0].kind).toBe('attention');
    expect(t[0].perToken).toBe(2 * 64 * 4);
    expect(t[0].what).toMatch(/K and V: 2 × \d+ kv heads × \d+ dims × T tokens/);
    const mamba = memoryGroups(resolveSpec({ ...SPEC_PRESETS.mamba.spec, width: 64, contextLength: 32 }));
    expect(mamba.every((g) => g.perToken === 0 && g.fixed > 0)).toBe(true);
  });
});
