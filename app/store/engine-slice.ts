// Engine slice: which backend the Worker runs on, the adapter it describes, and its warning.
import type { StateCreator } from 'zustand';
import type { AdapterDescription } from '../../src/gpu/device';
import type { StoreState } from './index';

export interface EngineSlice {
  /** 'probing' until the Worker has announced its backend; 'failed' if the Worker could not start. */
  backend: 'probing' | 'webgpu' | 'cpu' | 'failed';
  adapter: AdapterDescription | null;
  /** Set for software adapters and the CPU fallback: shown, never hidden. */
  engineWarning: string | null;
  setEngine(backend: 'webgpu' | 'cpu', adapter: AdapterDescription | null, warning?: string): void;
  engineFailed(message: string): void;
}

export const createEngineSlice: StateCreator<StoreState, [], [], EngineSlice> = (set) => ({
  backend: 'probing',
  adapter: null,
  engineWarning: null,
  setEngine: (backend, adapter, warning) => set({ backend, adapter, engineWarning: warning ?? null }),
  engineFailed: (message) => set({ backend: 'failed', adapter: null, engineWarning: message }),
});
