// Generation with the decoder gives the tokens that re-running the window gives, through prefill,
// one step per token, and slides past the capacity.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import { backends } from '../kernels/testing';
import { Generator } from './generate';
import { lively } from './decode-testing';
import { resolvePreset } from './presets';

describe('Generator', () => {
  for (const preset of ['samba', 'olmo-hybrid']) {
    it(`${preset}: decoder and window re-run sample the same tokens, past the capacity`, async () => {
      const { cpu } = await backends();
      const spec = resolvePreset(preset, { width: 32, contextLength: 10, window: 4 }, 17).spec;
      const p = lively(cpu, spec, 4);
      const prompt = Int32Array.of(3, 1, 4, 1, 5, 9);
      const run = async (mode: 'auto' | 'window') => {
        const gen = new Generator(cpu, p, spec, mode);
        expect(gen.usesDecoder).toBe(mode === 'auto');
        const ids = await gen.generate(prompt, 25, 1, 0, new Rng(9));
        gen.dispose();
        return ids;
      };
      const decoded = await run('auto');
      expect(decoded.length).toBe(25);
      expect(Array.from(decoded)).toEqual(Array.from(await run('window')));
      p.dispose();
    });
  }
});
