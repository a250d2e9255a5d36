// Tokenizer round trip, batch windows, schedule shape and PRNG determinism.
import { describe, expect, it } from 'vitest';
import { CharTokenizer } from './tokenizer';
import { BatchSampler, evalBatches } from './batches';
import { learningRate } from './schedule';
import { Rng } from './rng';

describe('data', () => {
  it('round-trips text through the character tokenizer and maps unknown characters', () => {
    const tok = new CharTokenizer('hello world');
    expect(tok.vocabSize).toBe(8);
    expect(tok.decode(tok.encode('low hell'))).toBe('low hell');
    expect(tok.decode(tok.encode('hz'))).toBe('h ');
  });

  it('makes targets that are the inputs shifted by one', () => {
    const tokens = Int32Array.from({ length: 100 }, (_, i) => i);
    const b = new BatchSampler(tokens, 3, 8, 1).next();
    for (let r = 0; r < 3; r++) {
      for (let t = 0; t < 8; t++) expect(b.targets[r * 8 + t]).toBe(b.inputs[r * 8 + t] + 1);
    }
    const ev = evalBatches(tokens, 2, 8, 3);
    expect(ev).toHaveLength(3);
    expect(ev[0].inputs[0]).toBe(0);
    expect(ev[2].inputs[8]).toBeGreaterThan(ev[2].inputs[0]);
  });

  it('refuses a text shorter than the context', () => {
    expect(() => new BatchSampler(new Int32Array(5), 1, 8, 1)).toThrow(/context length 8/);
  });

  it('warms up linearly then decays by cosine to the floor', () => {
    const s = { lr: 1, warmup: 10, steps: 110, minRatio: 0.1 };
    expect(learningRate(s, 0)).toBeCloseTo(0.1);
    expect(learningRate(s, 9)).toBeCloseTo(1);
    expect(learningRate(s, 60)).toBeCloseTo(0.55);
    expect(learningRate(s, 110)).toBeCloseTo(0.1);
  });

  it('gives the same numbers for the same seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 5 }, () => a.u32());
    expect(xs).toEqual(Array.from({ length: 5 }, () => b.u32()));
    expect(new Rng(43).u32()).not.toBe(xs[0]);
  });
});
