// Drives measurements in the worker: the curves of each shown spec in turn (one request per spec,
// streamed rows, cancellable between rows), and the perplexity of a run whose weights it still holds.
import { getEngine } from '../../engine-client';
import { useStore } from '../../store';
import type { Series } from './series';

let nextId = 1;
let cancelled = false;

/** Resolves once the measurement `id` has ended (its job left the store). */
function ended(id: number): Promise<void> {
  return new Promise((resolve) => {
    if (useStore.getState().measureJob?.id !== id) return resolve();
    const unsubscribe = useStore.subscribe((s) => {
      if (s.measureJob?.id !== id) {
        unsubscribe();
        resolve();
      }
    });
  });
}

/** Measures memory and throughput of each series over the contexts, one after another. */
export async function measureCurves(series: readonly Series[], contexts: readonly number[]): Promise<void> {
  if (useStore.getState().measureJob) return;
  cancelled = false;
  const total = series.length * contexts.length;
  for (const [i, s] of series.entries()) {
    if (cancelled) break;
    const id = nextId++;
    useStore.getState().curvesStarted({ id, key: s.key, label: s.label, total, done: i * contexts.length });
    getEngine().measure({ type: 'curves', id, spec: s.input, contexts: [...contexts] });
    await ended(id);
    if (useStore.getState().measureError) break;
  }
}

export function cancelCurves(): void {
  const job = useStore.getState().measureJob;
  if (!job) return;
  cancelled = true;
  useStore.getState().curvesCancelling();
  getEngine().measure({ type: 'cancel-curves', id: job.id });
}

export function measurePerplexity(runId: string, maxTokens: number): void {
  const s = useStore.getState();
  if (s.perplexityRun) return;
  s.perplexityStarted(runId);
  getEngine().measure({ type: 'perplexity', id: nextId++, runId, maxTokens });
}
