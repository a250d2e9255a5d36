// Selective copying (Mamba, Gu & Dao 2023): `tokens` symbols scattered among blanks in the first
// T − tokens positions, then a separator, after which the symbols must be reproduced in order
// (teacher-forced: each answer position sees the previous symbol). Tokens: 0 = blank, 1 = separator,
// 2.. = symbols.
import type { TaskDef } from './task';
import { shuffled } from './task';

export const selectiveCopy: TaskDef = {
  name: 'selective-copy',
  description: 'selective copying: reproduce, in order, the symbols scattered among blanks',
  defaults: { tokens: 8, symbols: 16 },
  trainLength: 64,
  make({ tokens, symbols }) {
    return {
      name: 'selective-copy',
      vocab: 2 + symbols,
      evalLengths: (T) => [T],
      checkLength: (T) =>
        T >= 2 * tokens + 1
          ? null
          : `length ${T} is too short to copy ${tokens} symbols (≥ ${2 * tokens + 1}).`,
      fill(rng, inputs, targets) {
        const T = inputs.length;
        const region = T - tokens;
        const data = Array.from({ length: tokens }, () => 2 + rng.int(symbols));
        const at = shuffled(rng, region)
          .slice(0, tokens)
          .sort((a, b) => a - b);
        inputs.fill(0);
        at.forEach((p, i) => (inputs[p] = data[i]));
        // The sequence continues: separator, then the symbols; inputs stop one short of the end.
        inputs[region] = 1;
        for (let i = 0; i < tokens; i++) {
          if (i + 1 < tokens) inputs[region + 1 + i] = data[i];
          targets[region + i] = data[i];
        }
      },
    };
  },
};
