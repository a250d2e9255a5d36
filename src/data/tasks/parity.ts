// Parity as state tracking: random bits, and at every position the target is the XOR of all bits
// so far (the running parity). Train short (≤ 40), test long (to 256). Tokens: 0, 1.
import type { TaskDef } from './task';

export const parity: TaskDef = {
  name: 'parity',
  description: 'running parity: the XOR of every bit so far, at each position',
  defaults: {},
  trainLength: 40,
  make() {
    return {
      name: 'parity',
      vocab: 2,
      evalLengths: (T) => [...new Set([T, 64, 128, 256].filter((L) => L >= T))],
      checkLength: (T) => (T >= 1 ? null : `length ${T} must be positive.`),
      fill(rng, inputs, targets) {
        let x = 0;
        for (let t = 0; t < inputs.length; t++) {
          inputs[t] = rng.int(2);
          x ^= inputs[t];
          targets[t] = x;
        }
      },
    };
  },
};
