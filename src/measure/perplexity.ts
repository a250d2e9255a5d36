// Perplexity vs T (MEASURE.md) on held-out tokens, from a forward graph per window length sharing the
// trained parameters:
//  - by position: the mean NLL of the tokens predicted with p tokens of context, p in buckets
//    [1,2), [2,4), … up to the training context T (the last bucket clipped at T, `to` exclusive);
//  - by evaluation context: the mean NLL over windows of c tokens, c = 16, 32, … 4T (and T), those
//    with c > T marked as beyond the training length.
// Windows are consecutive and non-overlapping over the first `maxTokens` held-out tokens, so every
// context c scores the same stretch of text, and the position buckets (from the c = T windows)
// average, weighted by tokens, to the c = T row.
import type { Backend } from '../kernels/backend';
import type { Batch } from '../data/batches';
import { IGNORE } from '../data/tasks/task';
import type { ParamStore } from '../models/params';
import type { ModelSpec } from '../models/spec';
import { ForwardPass } from '../models/trainer';

export interface PositionRow {
  kind: 'position';
  /** Context tokens, inclusive. */
  from: number;
  /** Context tokens, exclusive. */
  to: number;
  tokens: number;
  nll: number;
  perplexity: number;
}

export interface ContextRow {
  kind: 'context';
  context: number;
  tokens: number;
  nll: number;
  perplexity: number;
  beyondTraining: boolean;
}

export interface PerplexityOptions {
  /** Held-out tokens scored at every context (default 8192). */
  maxTokens?: number;
  /** Windows per forward pass (default 8). */
  batch?: number;
  /** Contexts to score (default `evalContexts(T)`). */
  contexts?: number[];
}

/** [1,2), [2,4), … with the last bucket ending at T + 1 (exclusive). */
export function positionBuckets(T: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (let from = 1; from <= T; from *= 2) out.push({ from, to: Math.min(2 * from, T + 1) });
  return out;
}

/** 16, 32, … up to 4T, plus T itself; ascending. */
export function evalContexts(T: number): number[] {
  const out = new Set<number>([T]);
  for (let c = 16; c <= 4 * T; c *= 2) out.add(c);
  return [...out].sort((a, b) => a - b);
}

/**
 * Consecutive windows of c + 1 tokens (c inputs, c next-token targets) over the first `maxTokens`
 * targets, B to a batch; a last partial batch is padded with ignored rows.
 */
export function contextWindows(tokens: Int32Array, c: number, maxTokens: number, B: number): Batch[] {
  const count = Math.floor(Math.min(maxTokens, tokens.length - 1) / c);
  if (count < 1)
    throw new Error(
      `The held-out text has ${tokens.length} tokens; a context of ${c} needs at least ${c + 1} (and maxTokens ≥ ${c}).`,
    );
  const batches: Batch[] = [];
  for (let w = 0; w < count; w += B) {
    const inputs = new Int32Array(B * c);
    const targets = new Int32Array(B * c).fill(IGNORE);
    for (let b = 0; b < B && w + b < count; b++) {
      const s = (w + b) * c;
      inputs.set(tokens.subarray(s, s + c), b * c);
      targets.set(tokens.subarray(s + 1, s + c + 1), b * c);
    }
    batches.push({ inputs, targets });
  }
  return batches;
}

/** Sum of NLL and count of scored tokens at each position 0..c-1 of the windows. */
async function nllByPosition(
  backend: Backend,
  params: ParamStore,
  spec: ModelSpec,
  windows: Batch[],
  B: number,
  c: number,
): Promise<{ sum: Float64Array; count: Float64Array }> {
  const pass = new ForwardPass(backend, params, spec, B, c);
  const sum = new Float64Array(c);
  const count = new Float64Array(c);
  try {
    for (const w of windows) {
      pass.run(w);
      const rows = await pass.read(pass.rowLoss);
      for (let r = 0; r < B * c; r++) {
        if (w.targets[r] === IGNORE) continue;
        sum[r % c] += rows[r];
        count[r % c]++;
      }
    }
  } finally {
    pass.dispose();
  }
  return { sum, count };
}

const total = (a: Float64Array, from = 0, to = a.length) => a.subarray(from, to).reduce((x, y) => x + y, 0);

export async function perplexity(
  backend: Backend,
  params: ParamStore,
  spec: ModelSpec,
  heldOut: Int32Array,
  opts: PerplexityOptions = {},
): Promise<{ byPosition: PositionRow[]; byContext: ContextRow[] }> {
  const T = spec.contextLength;
  const maxTokens = opts.maxTokens ?? 8192;
  const B = opts.batch ?? 8;
  const contexts = [...new Set([T, ...(opts.contexts ?? evalContexts(T))])].sort((a, b) => a - b);
  const byContext: ContextRow[] = [];
  let byPosition: PositionRow[] = [];
  for (const c of contexts) {
    const { sum, count } = await nllByPosition(
      backend,
      params,
      spec,
      contextWindows(heldOut, c, maxTokens, B),
      B,
      c,
    );
    const nll = total(sum) / total(count);
    if (opts.contexts === undefined || opts.contexts.includes(c))
      byContext.push({
        kind: 'context',
        context: c,
        tokens: total(count),
        nll,
        perplexity: Math.exp(nll),
        beyondTraining: c > T,
      });
    if (c === T) {
      // Position index i predicts its target from i + 1 tokens of context.
      byPosition = positionBuckets(T).map(({ from, to }) => {
        const n = total(count, from - 1, to - 1);
        const m = total(sum, from - 1, to - 1) / n;
        return { kind: 'position', from, to, tokens: n, nll: m, perplexity: Math.exp(m) };
      });
    }
  }
  return { byPosition, byContext };
}
