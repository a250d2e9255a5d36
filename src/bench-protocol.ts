// Messages between the benchmark page and its worker (src/bench-worker.ts).
import type { AdapterDescription } from './gpu/device';
import type { SuiteRow } from './measure/bench-suite';

/** `only`: the names of the benchmarks to run (all when absent). */
export type ToBenchWorker = { type: 'run'; quick: boolean; only?: string[] };

export type FromBenchWorker =
  | { type: 'adapter'; adapter: AdapterDescription | null; message?: string }
  | { type: 'start'; name: string; title: string; index: number; count: number }
  | { type: 'rows'; name: string; rows: SuiteRow[]; result: unknown }
  | { type: 'done'; seconds: number }
  | { type: 'error'; message: string };
