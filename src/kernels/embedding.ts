// Token embedding: out (rows, D) = table[tokens] with table (V, D); ids outside [0, V) give zero rows.
// Backward dtable[v] = Σ dy over the rows whose token is v, deterministic without atomics: a stable
// counting sort of the rows by token, then per-chunk piece sums combined in fixed order
// (embedding.wgsl describes the six kernels).
import type { KernelDef } from './backend';
import { grid, prepareDispatch, withScratch } from './dispatch';
import { checkSizes, type Floats } from './elementwise';
import type { Tensor } from './tensor';
import code from './embedding.wgsl?raw';

export interface EmbeddingArgs {
  out: Tensor;
  /** (V, D) with V = table.size / D. */
  table: Tensor;
  /** (rows) i32 token ids. */
  tokens: Tensor;
  rows: number;
  D: number;
}

export interface EmbeddingBackwardArgs {
  dtable: Tensor;
  tokens: Tensor;
  dy: Tensor;
  rows: number;
  V: number;
  D: number;
  /** dtable += instead of dtable = (a tied lm_head also writes it). */
  accumulate?: boolean;
}

const WG = 256;
/** Rows per rank workgroup and sorted positions per piece chunk (as in embedding.wgsl). */
const SORT_CHUNK = 1024;
const SUM_CHUNK = 32;

export function embeddingRef(
  out: Floats,
  table: ArrayLike<number>,
  tokens: Int32Array,
  rows: number,
  D: number,
): void {
  const V = Math.floor(table.length / D);
  for (let r = 0; r < rows; r++) {
    const t = tokens[r];
    for (let d = 0; d < D; d++) out[r * D + d] = t >= 0 && t < V ? table[t * D + d] : 0;
  }
}

export function embeddingBackwardRef(
  dtable: Floats,
  tokens: Int32Array,
  dy: ArrayLike<number>,
  rows: number,
  V: number,
  D: number,
  accumulate = false,
): void {
  const sums = new Float64Array(V * D);
  for (let r = 0; r < rows; r++) {
    const t = tokens[r];
    if (t < 0 || t >= V) continue;
    for (let d = 0; d < D; d++) sums[t * D + d] += dy[r * D + d];
  }
  for (let i = 0; i < V * D; i++) dtable[i] = accumulate ? dtable[i] + sums[i] : sums[i];
}

function checkTokens(name: string, tokens: Tensor, rows: number): void {
  if (tokens.dtype !== 'i32') throw new Error(`${name}: "${tokens.label}" must hold i32 token ids.`);
  checkSizes(name, rows, [tokens]);
}

export const embedding: KernelDef<EmbeddingArgs> = {
  name: 'embedding',
  cpu(a) {
    checkTokens('embedding', a.tokens, a.rows);
    checkSizes('embedding', a.rows * a.D, [a.out]);
    return () => embeddingRef(a.out.f32, a.table.f32, a.tokens.i32, a.rows, a.D);
  },
  gpu(gpu, a) {
    checkTokens('embedding', a.tokens, a.rows);
    checkSizes('embedding', a.rows * a.D, [a.out]);
    return prepareDispatch(gpu, {
      kernel: { name: 'embedding', code, entry: 'forward' },
      buffers: [a.out, a.table, a.tokens],
      u32: [a.rows, Math.floor(a.table.size / a.D), a.D, 0],
      workgroups: grid(a.rows * a.D, WG),
    });
  },
};

export const embeddingBackward: KernelDef<EmbeddingBackwardArgs> = {
  name: 'embeddingBackward',
  cpu(a) {
    checkTokens('embeddingBackward', a.tokens, a.rows);
    checkSizes('embeddingBackward', a.rows * a.D, [a.dy]);
    checkSizes('embeddingBackward', a.V * a.D, [a.dtable]);
    return () => embeddingBackwardRef(a.dtable.f32, a.tokens.i32, a.dy.f32, a.rows, a.V, a.D, a.accumulate);
  },
  gpu(gpu, a) {
    checkTokens('embeddingBackward', a.tokens, a.rows);
    checkSizes('embeddingBackward', a.rows * a.D, [a.dy]);
    checkSizes('embeddingBackward', a.V * a.D, [a.dtable]);
    const sortChunks = Math.ceil(a.rows / SORT_CHUNK);
    const sumChunks = Math.ceil(a.rows / SUM_CHUNK);
    const scratch = {
      ends: gpu.pool.acquire(a.V * 4, 'embedding run ends'),
      rank: gpu.pool.acquire(a.rows * 4, 'embedding row ranks'),
      counts: gpu.pool.acquire(sortChunks * a.V * 4, 'embedding chunk counts'),
      order: gpu.pool.acquire(a.rows * 4, 'embedding row order'),
      pieces: gpu.pool.acquire(sumChunks * 2 * a.D * 4, 'embedding piece sums'),
    };
    const { ends, rank, counts, order, pieces } = scratch;
    const step = (entry: string, buffers: (Tensor | GPUBuffer)[], workgroups: [number, number?]) =>
      prepareDispatch(gpu, {
        kernel: { name: `embeddingBackward.${entry}`, code, entry },
        buffers,
        u32: [a.rows, a.V, a.D, a.accumulate ? 1 : 0],
        workgroups,
      });
    const steps = [
      step('rank', [rank, counts, a.tokens], [sortChunks]),
      step('offsets', [ends, counts], grid(a.V, WG)),
      step('scan', [ends], [1]),
      step('scatter', [order, ends, a.tokens, counts, rank], grid(a.rows, WG)),
      step('pieces', [a.dtable, ends, a.tokens, order, a.dy, pieces], grid(sumChunks * a.D, WG)),
      step('combine', [a.dtable, ends, pieces], grid(a.V * a.D, WG)),
    ];
    return withScratch(gpu, steps, Object.values(scratch));
  },
};
