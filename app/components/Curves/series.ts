// What the charts overlay: the current stack, the pinned presets and the runs chosen in the table,
// one colour each, with the cost model's curves over T (instant, batch 1, as the measured rows).
import { useMemo } from 'react';
import { modelCost } from '../../../src/measure/cost-model';
import { forwardActivationBytes } from '../../../src/measure/curves';
import type { ModelSpec, SpecInput } from '../../../src/models/spec';
import { resolveSpec } from '../../../src/models/spec-validate';
import { SPEC_PRESETS } from '../../../src/models/spec-presets';
import { useStore } from '../../store';
import { describeSpec, specKey } from '../../store/curves-slice';
import type { RunRecord } from '../../store/runs-slice';
import { presetInput } from '../../store/url-state';

export interface Series {
  key: string;
  label: string;
  /** The stack's text form (tooltip, CSV). */
  code: string;
  color: string;
  input: SpecInput;
  spec: ModelSpec | null;
  run?: RunRecord;
}

/** Distinguishable in both themes (defined in curves.css); series beyond these reuse them in order. */
export const PALETTE = Array.from({ length: 8 }, (_, i) => `var(--series-${i})`);

/** The grid the analytic curves are drawn on: 8 … 16384, every power of two. */
export const ANALYTIC_T = Array.from({ length: 12 }, (_, i) => 8 * 2 ** i);

export interface AnalyticRow {
  T: number;
  decodeStateBytes: number;
  prefillBytes: number;
  trainingBytes: number;
  prefillFlopsPerToken: number;
  decodeFlopsPerToken: number;
  trainFlopsPerToken: number;
}

function resolved(input: SpecInput): ModelSpec | null {
  try {
    return resolveSpec(input);
  } catch {
    return null;
  }
}

export function analytic(spec: ModelSpec): AnalyticRow[] {
  return ANALYTIC_T.map((T) => {
    const c = modelCost(spec, T);
    return {
      T,
      decodeStateBytes: c.decodeStateBytes,
      prefillBytes: c.training.params + forwardActivationBytes(spec, 1, T),
      trainingBytes: c.training.total,
      prefillFlopsPerToken: c.flopsPerToken.prefill,
      decodeFlopsPerToken: c.flopsPerToken.decode,
      trainFlopsPerToken: c.flopsPerToken.train,
    };
  });
}

/** Memory and throughput series: one per distinct spec (a run of the current stack is the same curve). */
export function useSpecSeries(): Series[] {
  const current = useStore((s) => s.analysis);
  const pinned = useStore((s) => s.pinned);
  const runs = useStore((s) => s.runs);
  const overlay = useStore((s) => s.overlay);
  return useMemo(() => {
    const list: Omit<Series, 'color'>[] = [];
    const add = (input: SpecInput, label: string, run?: RunRecord) => {
      const key = specKey(input);
      if (list.some((s) => s.key === key)) return;
      const code = describeSpec(input).code;
      list.push({ key, label, code, input, spec: resolved(input), run });
    };
    add(current.input, `Current: ${describeSpec(current.input).title}`);
    for (const name of pinned) if (SPEC_PRESETS[name]) add(presetInput(name), SPEC_PRESETS[name].title);
    for (const r of runs) if (overlay.includes(r.id)) add(r.spec, runLabel(r), r);
    return list.map((s, i) => ({ ...s, color: PALETTE[i % PALETTE.length] }));
  }, [current, pinned, runs, overlay]);
}

export function runLabel(r: RunRecord): string {
  const time = new Date(r.date).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return `${r.title} · run ${time}`;
}

/** Perplexity series: the overlaid runs, coloured in table order. */
export function useRunSeries(): Series[] {
  const runs = useStore((s) => s.runs);
  const overlay = useStore((s) => s.overlay);
  return useMemo(
    () =>
      runs
        .filter((r) => overlay.includes(r.id))
        .map((r, i) => ({
          key: r.id,
          label: runLabel(r),
          code: r.code,
          color: PALETTE[(i + 1) % PALETTE.length],
          input: r.spec,
          spec: null,
          run: r,
        })),
    [runs, overlay],
  );
}
