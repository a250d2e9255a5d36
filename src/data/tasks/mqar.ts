// Multi-query associative recall (Zoology, Arora et al. 2023): `pairs` key–value pairs, then the
// keys again in random order at random positions among filler tokens; each re-mentioned key must be
// answered with its value. Keys come from the lower half of the vocabulary, values from the upper.
// Tokens: 0 = filler, 1..keys = keys, keys+1..keys+values = values.
import type { TaskDef } from './task';
import { shuffled } from './task';

export const mqar: TaskDef = {
  name: 'mqar',
  description: 'multi-query associative recall: answer each re-mentioned key with its bound value',
  defaults: { pairs: 8, keys: 32, values: 32 },
  trainLength: 64,
  make({ pairs, keys, values }) {
    if (keys < pairs) throw new Error(`mqar: keys (${keys}) must be at least pairs (${pairs}).`);
    return {
      name: 'mqar',
      vocab: 1 + keys + values,
      evalLengths: (T) => [T],
      checkLength: (T) =>
        T >= 3 * pairs
          ? null
          : `length ${T} is too short for ${pairs} pairs and their queries (≥ ${3 * pairs}).`,
      fill(rng, inputs, targets) {
        const T = inputs.length;
        const chosen = shuffled(rng, keys).slice(0, pairs);
        const bound = chosen.map(() => 1 + keys + rng.int(values));
        inputs.fill(0);
        chosen.forEach((k, i) => {
          inputs[2 * i] = 1 + k;
          inputs[2 * i + 1] = bound[i];
        });
        const slots = shuffled(rng, T - 2 * pairs)
          .slice(0, pairs)
          .sort((a, b) => a - b);
        const order = shuffled(rng, pairs);
        slots.forEach((s, q) => {
          const at = 2 * pairs + s;
          inputs[at] = 1 + chosen[order[q]];
          targets[at] = bound[order[q]];
        });
      },
    };
  },
};
