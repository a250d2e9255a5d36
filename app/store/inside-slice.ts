// Inside slice: the sample sentence of the inside views, the inspection in progress, and the last
// inspection of a trained model (attention maps and recurrent-state norms), with its error if it failed.
import type { StateCreator } from 'zustand';
import type { InspectView } from '../../src/measure/inspect-worker';
import type { StoreState } from './index';

/** Moby-Dick's first lines: the corpus the default run trains on, so the maps show what it learned. */
export const DEFAULT_INSIDE_TEXT = 'Call me Ishmael. Some years ago, never mind how long precisely';

export interface InsideView {
  runId: string;
  /** The sentence as asked for (the view holds the tokens actually used). */
  text: string;
  view: InspectView;
}

export interface InsideSlice {
  insideText: string;
  /** The request in flight. */
  insideJob: { id: number; runId: string; text: string } | null;
  inside: InsideView | null;
  insideError: string | null;
  setInsideText(text: string): void;
  insideStarted(job: { id: number; runId: string; text: string }): void;
  insideDone(id: number, view?: InspectView, error?: string): void;
}

export const createInsideSlice: StateCreator<StoreState, [], [], InsideSlice> = (set, get) => ({
  insideText: DEFAULT_INSIDE_TEXT,
  insideJob: null,
  inside: null,
  insideError: null,
  setInsideText: (insideText) => set({ insideText }),
  insideStarted: (insideJob) => set({ insideJob, insideError: null }),
  insideDone: (id, view, error) => {
    const job = get().insideJob;
    if (!job || job.id !== id) return;
    set({
      insideJob: null,
      insideError: error ?? null,
      ...(view ? { inside: { runId: job.runId, text: job.text, view } } : {}),
    });
  },
});
