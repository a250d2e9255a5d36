// Asks the worker to look inside the model it keeps: one request at a time; the reply lands in the
// inside slice (engine-client routes it).
import { getEngine } from '../../engine-client';
import { useStore } from '../../store';

let nextId = 1;

export function lookInside(runId: string, text: string): void {
  const s = useStore.getState();
  if (s.insideJob) return;
  const id = nextId++;
  s.insideStarted({ id, runId, text });
  getEngine().measure({ type: 'inspect', id, runId, text });
}
