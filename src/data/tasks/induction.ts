// Induction heads (Olsson et al. 2022; H3's synthetic): random symbols with a trigger token placed
// once, followed by the answer symbol; the sequence ends with the trigger again, whose next token
// must be the answer. Train short, test long. Tokens: 0..symbols-1 = symbols, symbols = trigger.
import type { TaskDef } from './task';
import { doublings } from './task';

export const induction: TaskDef = {
  name: 'induction',
  description: 'induction heads: after the trigger reappears, recall the symbol that followed it',
  defaults: { symbols: 16 },
  trainLength: 64,
  make({ symbols }) {
    const trigger = symbols;
    return {
      name: 'induction',
      vocab: symbols + 1,
      evalLengths: (T) => doublings(T, Math.max(T, 256)),
      checkLength: (T) => (T >= 4 ? null : `length ${T} is too short (≥ 4).`),
      fill(rng, inputs, targets) {
        const T = inputs.length;
        for (let t = 0; t < T; t++) inputs[t] = rng.int(symbols);
        const p = rng.int(T - 2); // the trigger's first occurrence, with its answer before the end
        inputs[p] = trigger;
        const answer = inputs[p + 1];
        inputs[T - 1] = trigger;
        targets[T - 1] = answer;
      },
    };
  },
};
