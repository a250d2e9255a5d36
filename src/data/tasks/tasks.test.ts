// Each generator's invariants: answers only where the task defines them, and each answer is what
// the task says (MQAR: the value bound to the key; parity: the running XOR; S5: the composed
// permutation). Plus determinism, the fixed held-out set and the accuracy count.
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { IGNORE, heldOutSet, scoreAnswers, taskBatch, taskOptions, type Task } from './task';
import { TASKS, taskDef } from './index';
import { compose, permutations } from './permutation';

const make = (name: string, set: Record<string, number> = {}): Task => {
  const def = taskDef(name);
  return def.make(taskOptions(def, set));
};

/** Sequences of a batch as [inputs, targets] pairs. */
function sequences(task: Task, B: number, T: number, seed = 1): [Int32Array, Int32Array][] {
  const b = taskBatch(task, new Rng(seed), B, T);
  return Array.from({ length: B }, (_, i) => [
    b.inputs.subarray(i * T, (i + 1) * T),
    b.targets.subarray(i * T, (i + 1) * T),
  ]);
}

describe('synthetic tasks', () => {
  it('MQAR answers each re-mentioned key with the value bound to it', () => {
    const task = make('mqar', { pairs: 6, keys: 10, values: 12 });
    expect(task.vocab).toBe(23);
    for (const [x, y] of sequences(task, 20, 40)) {
      const bound = new Map<number, number>();
      for (let i = 0; i < 6; i++) {
        expect(x[2 * i]).toBeGreaterThanOrEqual(1);
        expect(x[2 * i]).toBeLessThanOrEqual(10); // keys: lower half
        expect(x[2 * i + 1]).toBeGreaterThan(10); // values: upper half
        expect(bound.has(x[2 * i])).toBe(false);
        bound.set(x[2 * i], x[2 * i + 1]);
      }
      const answered: number[] = [];
      for (let t = 0; t < 40; t++) {
        if (y[t] === IGNORE) {
          if (t >= 12) expect(x[t]).toBe(0); // filler between queries
          continue;
        }
        expect(t).toBeGreaterThanOrEqual(12);
        expect(y[t]).toBe(bound.get(x[t]));
        answered.push(x[t]);
      }
      expect(answered.sort()).toEqual([...bound.keys()].sort()); // every key queried once
    }
  });

  it('selective copying answers with the scattered symbols in order, after the separator', () => {
    const task = make('selective-copy', { tokens: 5, symbols: 7 });
    expect(task.vocab).toBe(9);
    for (const [x, y] of sequences(task, 20, 24)) {
      const data = [...x.subarray(0, 19)].filter((v) => v >= 2);
      expect(data).toHaveLength(5);
      expect(x[19]).toBe(1);
      expect([...y.subarray(19)]).toEqual(data);
      expect([...x.subarray(20)]).toEqual(data.slice(0, 4)); // teacher forcing
      expect(y.subarray(0, 19).every((v) => v === IGNORE)).toBe(true);
    }
  });

  it('induction heads: the last token is the trigger and its answer followed the first trigger', () => {
    const task = make('induction', { symbols: 9 });
    for (const [x, y] of sequences(task, 30, 32)) {
      const triggers = [...x.keys()].filter((t) => x[t] === 9);
      expect(triggers).toHaveLength(2);
      expect(triggers[1]).toBe(31);
      expect(y[31]).toBe(x[triggers[0] + 1]);
      expect(y.subarray(0, 31).every((v) => v === IGNORE)).toBe(true);
    }
    expect(task.evalLengths(64)).toEqual([64, 128, 256]);
  });

  it('parity targets are the running XOR of the bits', () => {
    const task = make('parity');
    for (const [x, y] of sequences(task, 10, 40)) {
      let sum = 0;
      for (let t = 0; t < 40; t++) {
        sum += x[t];
        expect(y[t]).toBe(sum % 2);
      }
    }
    expect(task.evalLengths(40)).toEqual([40, 64, 128, 256]);
  });

  it('S5 targets are the permutations composed so far; S3 has 6 tokens', () => {
    const perms = permutations(5);
    expect(perms).toHaveLength(120);
    expect(perms[0]).toEqual([0, 1, 2, 3, 4]);
    const task = make('s5');
    expect(task.vocab).toBe(120);
    for (const [x, y] of sequences(task, 8, 20)) {
      let state = perms[0];
      for (let t = 0; t < 20; t++) {
        state = compose(perms[x[t]], state);
        expect(perms[y[t]]).toEqual(state);
      }
    }
    expect(make('s5', { n: 3 }).vocab).toBe(6);
  });

  it('is deterministic per seed, and the held-out set is fixed and differs across lengths', () => {
    for (const name of Object.keys(TASKS)) {
      const task = make(name);
      const a = taskBatch(task, new Rng(4), 3, 48);
      expect(taskBatch(task, new Rng(4), 3, 48)).toEqual(a);
      expect(taskBatch(task, new Rng(5), 3, 48).inputs).not.toEqual(a.inputs);
      expect(heldOutSet(task, 48, 2, 2)).toEqual(heldOutSet(task, 48, 2, 2));
      expect(a.targets.some((v) => v >= 0 && v < task.vocab)).toBe(true);
      expect(a.inputs.every((v) => v >= 0 && v < task.vocab)).toBe(true);
    }
  });

  it('scores exact argmax matches on answer rows only', () => {
    const logits = Float32Array.from([0, 2, 1, /**/ 3, 0, 0, /**/ 0, 0, 9]);
    expect(scoreAnswers(logits, Int32Array.from([1, IGNORE, 1]), 3)).toEqual({ correct: 1, answers: 2 });
  });

  it('refuses unknown options, bad values and lengths too short', () => {
    expect(() => make('mqar', { pears: 3 })).toThrow(/no option "pears".*pairs/);
    expect(() => make('mqar', { pairs: 0 })).toThrow(/positive integer/);
    expect(() => make('mqar', { pairs: 9, keys: 4 })).toThrow(/keys \(4\)/);
    expect(() => taskBatch(make('mqar'), new Rng(1), 1, 16)).toThrow(/too short/);
    expect(() => taskDef('nope')).toThrow(/Tasks: mqar/);
  });
});
