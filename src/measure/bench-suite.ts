// The benchmark suite of MEASURE.md as one list, run by `cli bench all` and by the in-browser
// benchmark page alike: FMA ceiling, matmul and attention against TensorFlow.js, the fused scan
// against the materialised one, and a Transformer training step against TensorFlow.js. Each
// benchmark yields summary rows (ours, the other side, the ratio) and its full result for JSON.
// `quick` sizes keep a software adapter (SwiftShader) to about a minute; the full sizes are the
// protocol's and what the project reports.
import type { Gpu } from '../gpu/device';
import { benchAttention } from './bench-attention';
import { benchMatmul } from './bench-matmul';
import { benchScan } from './bench-scan';
import { benchTrain } from './bench-train';
import { fmaCeiling } from './fma-ceiling';

export interface SuiteOptions {
  /** Small sizes (a minute on a software adapter) instead of the protocol's. */
  quick?: boolean;
  runs?: number;
  warmup?: number;
}

/** One line of the suite's summary: what was measured, both sides, and the ratio (higher = ours better). */
export interface SuiteRow {
  benchmark: string;
  /** The case, e.g. "1024³" or "T 256". */
  label: string;
  /** What `ours` and `theirs` measure, e.g. "GFLOP/s" or "ms". */
  unit: string;
  ours: number;
  /** The other side: TensorFlow.js, the materialised scan; null when there is none (the FMA ceiling). */
  theirs: number | null;
  theirsName: string | null;
  /** How many times better ours is (their time / ours, or our rate / theirs); null without another side. */
  ratio: number | null;
  note?: string;
}

export interface SuiteBenchmark {
  name: string;
  title: string;
  run(gpu: Gpu, o: SuiteOptions): Promise<{ rows: SuiteRow[]; result: unknown }>;
}

const TFJS = 'TensorFlow.js WebGPU';

export const BENCH_SUITE: readonly SuiteBenchmark[] = [
  {
    name: 'fma',
    title: 'FMA ceiling (arithmetic limit of the adapter)',
    async run(gpu, o) {
      const c = await fmaCeiling(gpu, { runs: o.runs, warmup: o.warmup });
      const row: SuiteRow = {
        benchmark: 'fma',
        label: c.best,
        unit: 'GFLOP/s',
        ours: c.gflops,
        theirs: null,
        theirsName: null,
        ratio: null,
      };
      return { rows: [row], result: c };
    },
  },
  {
    name: 'matmul',
    title: 'Matmul C = A·B (square, f32)',
    async run(gpu, o) {
      const r = await benchMatmul(gpu, {
        sizes: o.quick ? [128, 256] : [256, 512, 1024],
        runs: o.runs,
        warmup: o.warmup,
        ceiling: false,
      });
      const rows = r.rows.map((m): SuiteRow => ({
        benchmark: 'matmul',
        label: `${m.size}³`,
        unit: 'GFLOP/s',
        ours: m.oursGflops,
        theirs: m.theirsGflops,
        theirsName: TFJS,
        ratio: m.ratio,
      }));
      return { rows, result: r };
    },
  },
  {
    name: 'attention',
    title: 'Causal attention forward (B 4, H 4, Dh 32)',
    async run(gpu, o) {
      const r = await benchAttention(gpu, {
        lengths: o.quick ? [64, 128] : [64, 128, 256, 512],
        runs: o.runs,
        warmup: o.warmup,
      });
      const rows = r.map((a): SuiteRow => ({
        benchmark: 'attention',
        label: `T ${a.T}`,
        unit: 'ms',
        ours: a.ours.median,
        theirs: a.theirs.median,
        theirsName: TFJS,
        ratio: a.ratio,
      }));
      return { rows, result: r };
    },
  },
  {
    name: 'scan',
    title: 'Mamba selective scan: fused (state on chip) vs materialised',
    async run(gpu, o) {
      const sizes = o.quick ? { B: 1, T: 256, dInner: 64, N: 16 } : undefined;
      const r = await benchScan(gpu, { sizes, runs: o.runs, warmup: o.warmup });
      const label = `T ${r.sizes.T}, d_inner ${r.sizes.dInner}, N ${r.sizes.N}`;
      const rows: SuiteRow[] = [
        {
          benchmark: 'scan',
          label,
          unit: 'ms',
          ours: r.fusedMs,
          theirs: r.naiveMs,
          theirsName: 'materialised scan',
          ratio: r.timeRatio,
        },
        {
          benchmark: 'scan memory',
          label,
          unit: 'peak MiB',
          ours: r.fusedPeakBytes / 2 ** 20,
          theirs: r.naivePeakBytes / 2 ** 20,
          theirsName: 'materialised scan',
          ratio: r.memoryRatio,
        },
      ];
      return { rows, result: r };
    },
  },
  {
    name: 'train',
    title: 'Transformer training step (forward, backward, AdamW)',
    async run(gpu, o) {
      const overrides: Record<string, number> = o.quick
        ? { width: 32, contextLength: 32, layers: 2, batchSize: 4 }
        : {};
      const r = await benchTrain(gpu, { overrides, runs: o.runs, warmup: o.warmup });
      const row: SuiteRow = {
        benchmark: 'train',
        label: `batch ${r.batch} × T ${r.T}, ${r.params} params`,
        unit: 'tokens/s',
        ours: r.oursTokensPerSec,
        theirs: r.theirsTokensPerSec,
        theirsName: TFJS,
        ratio: r.ratio,
      };
      return { rows: [row], result: r };
    },
  },
];

/** Runs every benchmark in order (or those named), reporting each one's rows as it finishes. */
export async function runBenchSuite(
  gpu: Gpu,
  o: SuiteOptions & {
    only?: readonly string[];
    onStart?: (b: SuiteBenchmark, index: number, count: number) => void;
    onDone?: (b: SuiteBenchmark, rows: SuiteRow[], result: unknown) => void;
  } = {},
): Promise<SuiteRow[]> {
  const list = o.only ? BENCH_SUITE.filter((b) => o.only!.includes(b.name)) : BENCH_SUITE;
  const all: SuiteRow[] = [];
  for (const [i, b] of list.entries()) {
    o.onStart?.(b, i, list.length);
    const { rows, result } = await b.run(gpu, o);
    all.push(...rows);
    o.onDone?.(b, rows, result);
  }
  return all;
}
