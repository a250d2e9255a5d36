// The in-browser benchmark suite (MEASURE.md, bench-suite.ts), run in a module Worker so the page
// stays responsive: opens WebGPU, then runs the suite on request and streams each benchmark's rows.
import { openGpu, type Gpu } from './gpu/device';
import { runBenchSuite } from './measure/bench-suite';
import type { FromBenchWorker, ToBenchWorker } from './bench-protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromBenchWorker): void => scope.postMessage(m);
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function open(): Promise<Gpu | null> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) {
    post({
      type: 'adapter',
      adapter: null,
      message: 'This browser exposes no WebGPU to workers: nothing to benchmark. Use Chrome or Edge 113+.',
    });
    return null;
  }
  try {
    const g = await openGpu(gpu, (message) => post({ type: 'error', message }));
    post({ type: 'adapter', adapter: g.adapter });
    return g;
  } catch (e) {
    post({ type: 'adapter', adapter: null, message: messageOf(e) });
    return null;
  }
}

const opened = open();

scope.onmessage = async (e: MessageEvent<ToBenchWorker>) => {
  if (e.data.type !== 'run') return;
  const gpu = await opened;
  if (!gpu) return;
  const t0 = performance.now();
  try {
    await runBenchSuite(gpu, {
      quick: e.data.quick,
      only: e.data.only,
      onStart: (b, index, count) => post({ type: 'start', name: b.name, title: b.title, index, count }),
      onDone: (b, rows, result) => post({ type: 'rows', name: b.name, rows, result }),
    });
    post({ type: 'done', seconds: (performance.now() - t0) / 1000 });
  } catch (err) {
    post({ type: 'error', message: messageOf(err) });
  }
};
