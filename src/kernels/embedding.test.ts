// Embedding: GPU against the CPU reference (rows = 1, odd widths, ids out of range, skewed token
// counts, runs across sort chunks, > 65535 workgroups), dtable overwriting or accumulating; finite
// differences for the backward.
import { describe, it } from 'vitest';
import { Rng } from '../data/rng';

import { checkGradient, compareBackends, randn, type Case } from './testing';
import {
  embedding,
  embeddingBackward,
  embeddingBackwardRef,
  embeddingRef,
  type EmbeddingArgs,
  type EmbeddingBackwardArgs,
} from './embedding';

const WIDTHS = [1, 3, 7, 65, 257, 32, 256];
const CASES = 56;

/** Case c's shape: rows = 1 first; vocabularies from 1 to past 256·k (several tokens per scan slot). */
function shape(rng: Rng, c: number): { rows: number; V: number; D: number } {
  const D = c < WIDTHS.length * 2 ? WIDTHS[c % WIDTHS.length] : 1 + rng.int(100);
  const rows = c < WIDTHS.length ? 1 : c % 5 === 0 ? 257 + rng.int(2000) : 1 + rng.int(300);
  const V = c % 6 === 0 ? 1 + rng.int(3) : c % 6 === 1 ? 257 + rng.int(3000) : 1 + rng.int(100);
  return { rows, V, D };
}

/** Token ids: a skewed distribution (one frequent id, like a space) and, in some cases, invalid ids. */
function tokenIds(rng: Rng, rows: number, V: number, invalid: boolean): Int32Array {
  const frequent = rng.int(V);
  return Int32Array.from({ length: rows }, () => {
    const u = rng.next();
    if (invalid && u < 0.05) return u < 0.025 ? -1 - rng.int(3) : V + rng.int(3);
    return u < 0.3 ? frequent : rng.int(V);
  });
}

describe('embedding', () => {
  const rng = new Rng(13);

  it('forward matches the CPU reference', async () => {
    const cases = Array.from({ length: CASES }, (_, c): Case<EmbeddingArgs> => {
      // The last case has rows·D over 65535 workgroups of 256 (a 2-D grid).
      const { rows, V, D } = c === CASES - 1 ? { rows: 65536, V: 5, D: 257 } : shape(rng, c);
      return {
        label: JSON.stringify({ rows, V, D }),
        inputs: { table: randn(rng, V * D), tokens: tokenIds(rng, rows, V, c % 3 === 2) },
        outputs: { out: randn(rng, rows * D) },
        args: (t) => ({ out: t.out, table: t.table, tokens: t.tokens, rows, D }),
      };
    });
    await compareBackends(embedding, cases);
  });

  it('backward matches the CPU reference', async () => {
    const cases = Array.from({ length: CASES }, (_, c): Case<EmbeddingBackwardArgs> => {
      const { rows, V, D } = shape(rng, c);
      const accumulate = c % 2 === 1;
      return {
        label: JSON.stringify({ rows, V, D, accumulate }),
        inputs: { tokens: tokenIds(rng, rows, V, c % 3 === 2), dy: randn(rng, rows * D) },
        outputs: { dtable: randn(rng, V * D) },
        args: (t) => ({ dtable: t.dtable, tokens: t.tokens, dy: t.dy, rows, V, D, accumulate }),
        atol: { dtable: Math.max(1e-5, 1e-6 * rows) },
      };
    });
    await compareBackends(embeddingBackward, cases);
  });

  it('backward reference agrees with finite differences', () => {
    for (let c = 0; c < 6; c++) {
      const [rows, V, D] = [1 + rng.int(12), 1 + rng.int(5), 1 + rng.int(6)];
      const tokens = tokenIds(rng, rows, V, c % 2 === 1);
      const table = Float64Array.from(randn(rng, V * D));
      const R = Float64Array.from(randn(rng, rows * D));
      const out = new Float64Array(rows * D);
      const loss = () => {
        embeddingRef(out, table, tokens, rows, D);
        return out.reduce((s, v, i) => s + v * R[i], 0);
      };
      const dtable = new Float64Array(V * D);
      embeddingBackwardRef(dtable, tokens, R, rows, V, D);
      checkGradient(loss, table, dtable, { label: `embedding ${rows}×${D}, V = ${V}` });
    }
  });
});
