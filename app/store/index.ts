// The one zustand store, built from typed slices. Components select single values.
import { create } from 'zustand';
import { createEngineSlice, type EngineSlice } from './engine-slice';
import { createMetricsSlice, type MetricsSlice } from './metrics-slice';
import { createRunSlice, type RunSlice } from './run-slice';
import { createStackSlice, type StackSlice } from './stack-slice';
import { createUiSlice, type UiSlice } from './ui-slice';
import { createCurvesSlice, type CurvesSlice } from './curves-slice';
import { createRunsSlice, type RunsSlice } from './runs-slice';
import { createInsideSlice, type InsideSlice } from './inside-slice';

export type StoreState = EngineSlice &
  RunSlice &
  MetricsSlice &
  UiSlice &
  StackSlice &
  CurvesSlice &
  RunsSlice &
  InsideSlice;

export const useStore = create<StoreState>()((...a) => ({
  ...createEngineSlice(...a),
  ...createRunSlice(...a),
  ...createMetricsSlice(...a),
  ...createUiSlice(...a),
  ...createStackSlice(...a),
  ...createCurvesSlice(...a),
  ...createRunsSlice(...a),
  ...createInsideSlice(...a),
}));

// Runs and measured curves saved in earlier visits (IndexedDB).
if (typeof window !== 'undefined') void useStore.getState().loadSavedState();
