// The one zustand store, built from typed slices. Components select single values.
import { create } from 'zustand';
import { createEngineSlice, type EngineSlice } from './engine-slice';
import { createMetricsSlice, type MetricsSlice } from './metrics-slice';
import { createRunSlice, type RunSlice } from './run-slice';
import { createStackSlice, type StackSlice } from './stack-slice';
import { createUiSlice, type UiSlice } from './ui-slice';

export type StoreState = EngineSlice & RunSlice & MetricsSlice & UiSlice & StackSlice;

export const useStore = create<StoreState>()((...a) => ({
  ...createEngineSlice(...a),
  ...createRunSlice(...a),
  ...createMetricsSlice(...a),
  ...createUiSlice(...a),
  ...createStackSlice(...a),
}));
