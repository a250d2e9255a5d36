// Batches of next-token prediction: B windows of T+1 tokens → inputs (B·T) and targets (B·T).
// Training windows start at seeded random offsets; evaluation windows are fixed and evenly spaced.
import { Rng } from './rng';

export interface Batch {
  inputs: Int32Array;
  targets: Int32Array;
}

export function windowBatch(tokens: Int32Array, starts: number[], T: number): Batch {
  const B = starts.length;
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  starts.forEach((s, b) => {
    inputs.set(tokens.subarray(s, s + T), b * T);
    targets.set(tokens.subarray(s + 1, s + T + 1), b * T);
  });
  return { inputs, targets };
}

export class BatchSampler {
  private rng: Rng;
  constructor(
    private tokens: Int32Array,
    private B: number,
    private T: number,
    seed: number,
  ) {
    if (tokens.length < T + 2) {
      throw new Error(
        `The text has ${tokens.length} tokens; the context length ${T} needs at least ${T + 2}.`,
      );
    }
    this.rng = new Rng(seed);
  }

  next(): Batch {
    const span = this.tokens.length - this.T - 1;
    return windowBatch(
      this.tokens,
      Array.from({ length: this.B }, () => this.rng.int(span)),
      this.T,
    );
  }
}

/** `count` evaluation batches of B windows spread evenly over the text. */
export function evalBatches(tokens: Int32Array, B: number, T: number, count: number): Batch[] {
  const span = tokens.length - T - 1;
  if (span < 1)
    throw new Error(`The validation text has ${tokens.length} tokens; context ${T} needs at least ${T + 2}.`);
  const n = B * count;
  const starts = Array.from({ length: n }, (_, i) => Math.floor((i * span) / n));
  return Array.from({ length: count }, (_, c) => windowBatch(tokens, starts.slice(c * B, (c + 1) * B), T));
}
