// Metrics slice: the loss curve and the latest log row. Rows arrive at training rate; the engine
// client batches them per animation frame, and only the chart and progress components select them.
import type { StateCreator } from 'zustand';
import type { LogRow } from '../../src/protocol';
import type { StoreState } from './index';

export interface LossPoint {
  step: number;
  loss: number;
  valLoss?: number;
}

export interface MetricsSlice {
  points: LossPoint[];
  latest: LogRow | null;
  /** The most recent validation loss seen (rows carry it only at eval steps). */
  latestValLoss: number | null;
  resetMetrics(): void;
  appendRows(rows: readonly LogRow[]): void;
}

export const createMetricsSlice: StateCreator<StoreState, [], [], MetricsSlice> = (set, get) => ({
  points: [],
  latest: null,
  latestValLoss: null,
  resetMetrics: () => {
    // Leave an already empty series alone, so starting a run does not redraw an empty chart.
    if (get().points.length > 0 || get().latest) set({ points: [], latest: null, latestValLoss: null });
  },
  appendRows: (rows) => {
    if (rows.length === 0) return;
    const { points, latestValLoss } = get();
    let val = latestValLoss;
    const added = rows.map((r): LossPoint => {
      if (r.valLoss !== undefined) val = r.valLoss;
      return r.valLoss === undefined
        ? { step: r.step, loss: r.loss }
        : { step: r.step, loss: r.loss, valLoss: r.valLoss };
    });
    set({ points: points.concat(added), latest: rows[rows.length - 1], latestValLoss: val });
  },
});
