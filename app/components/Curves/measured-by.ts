// Which adapter measured what a chart shows: the adapters of the series' measured rows, joined.
import type { MeasuredCurves } from '../../store/curves-slice';
import { adapterText } from '../../store/runs-slice';
import type { MeasuredBy } from './ChartFrame';
import type { Series } from './series';

export function measuredBy(series: readonly Series[], measured: Record<string, MeasuredCurves>): MeasuredBy {
  const adapters = series.flatMap((s) => {
    const m = measured[s.key];
    return m?.adapter && m.rows.length ? [m.adapter] : [];
  });
  if (!adapters.length) return { label: null, software: false };
  const labels = [...new Set(adapters.map((a) => adapterText(a, 'webgpu')))];
  return { label: labels.join(', '), software: adapters.some((a) => a.isSoftware) };
}
