// Stack slice: the stack being edited, its undo/redo history, the selected block, and what the
// editor shows about it (validation problems, costs), recomputed once per edit. Also what the engine
// said it can hold, which decides whether Train is allowed.
import type { StateCreator } from 'zustand';
import { checkFit, type Fit, type MemoryLimits } from '../../src/measure/memory-fit';
import { TRAIN_DEFAULTS } from '../../src/models/overrides';
import { analyze, type Analysis } from '../stack/analysis';
import { fromInput, toInput, type EditSpec } from '../stack/edit-spec';
import type { StoreState } from './index';
import { initialSpec, initialUrlState, presetInput, writeUrlSpec } from './url-state';

/** Edits of the same field within this long are one undo step (typing "128" is one change). */
const COALESCE_MS = 1200;
const HISTORY = 200;

export interface StackSlice {
  stack: EditSpec;
  past: EditSpec[];
  future: EditSpec[];
  /** The id of the block the inspector shows. */
  selectedBlock: string | null;
  analysis: Analysis;
  /** Why the stack from the address bar could not be read, if it could not. */
  stackUrlProblem: string | null;
  memory: MemoryLimits | null;
  /** Whether a training step of the stack fits the backend; null until both are known. */
  fit: Fit | null;
  /** Applies an edit; edits with the same `coalesce` key in quick succession are one undo step. */
  editStack(fn: (s: EditSpec) => EditSpec, coalesce?: string): void;
  /** Loads a preset's stack into the editor (an undoable edit). */
  loadPresetStack(name: string): void;
  undo(): void;
  redo(): void;
  selectBlock(id: string | null): void;
  setMemory(m: MemoryLimits): void;
}

/** Sequences per training step, for the activation bytes: the batchSize override or the default. */
export const trainBatch = (s: Pick<StoreState, 'overrides'>): number =>
  s.overrides.batchSize ?? TRAIN_DEFAULTS.batchSize;

const opened =
  typeof window === 'undefined'
    ? { spec: presetInput(initialUrlState.preset), problem: null }
    : initialSpec(window.location.search, initialUrlState.preset);
const initial = fromInput(opened.spec);

let lastEdit = { key: '', at: 0 };

function fitOf(a: Analysis, s: Pick<StoreState, 'memory' | 'overrides'>): Fit | null {
  return a.spec && s.memory ? checkFit(a.spec, trainBatch(s), s.memory) : null;
}

export const createStackSlice: StateCreator<StoreState, [], [], StackSlice> = (set, get) => {
  /** Makes `next` the current stack, keeping `prev` for undo unless this edit continues the last. */
  const commit = (next: EditSpec, history: Partial<Pick<StackSlice, 'past' | 'future'>>) => {
    const s = get();
    const analysis = analyze(next, trainBatch(s));
    set({ stack: next, analysis, fit: fitOf(analysis, s), ...history });
    if (typeof window !== 'undefined') writeUrlSpec(s.preset, toInput(next));
  };
  return {
    stack: initial,
    past: [],
    future: [],
    selectedBlock: initial.stack[0]?.blocks[0]?.id ?? null,
    analysis: analyze(initial, trainBatch({ overrides: initialUrlState.overrides })),
    stackUrlProblem: opened.problem,
    memory: null,
    fit: null,
    editStack: (fn, coalesce) => {
      const s = get();
      const next = fn(s.stack);
      if (next === s.stack) return;
      const now = Date.now();
      const continues =
        coalesce !== undefined && lastEdit.key === coalesce && now - lastEdit.at < COALESCE_MS;
      lastEdit = { key: coalesce ?? '', at: now };
      commit(next, continues ? { future: [] } : { past: [...s.past, s.stack].slice(-HISTORY), future: [] });
    },
    loadPresetStack: (name) => {
      const next = fromInput(presetInput(name));
      lastEdit = { key: '', at: 0 };
      const s = get();
      commit(next, { past: [...s.past, s.stack].slice(-HISTORY), future: [] });
      set({ selectedBlock: next.stack[0]?.blocks[0]?.id ?? null });
    },
    undo: () => {
      const s = get();
      const prev = s.past[s.past.length - 1];
      if (!prev) return;
      lastEdit = { key: '', at: 0 };
      commit(prev, { past: s.past.slice(0, -1), future: [s.stack, ...s.future] });
    },
    redo: () => {
      const s = get();
      const next = s.future[0];
      if (!next) return;
      lastEdit = { key: '', at: 0 };
      commit(next, { past: [...s.past, s.stack], future: s.future.slice(1) });
    },
    selectBlock: (id) => set({ selectedBlock: id }),
    setMemory: (memory) => set({ memory, fit: fitOf(get().analysis, { ...get(), memory }) }),
  };
};
