// Memory against T, log-log: decode state, prefill peak and training-step peak of each overlaid spec
// (batch 1), the cost model's lines beside the engine's measured points (MEASURE.md curve 1).
import { useMemo } from 'react';
import { Line } from 'recharts';
import { useStore } from '../../store';
import { ChartFrame } from './ChartFrame';
import { contextAxis, extent, fmtBytes, logAxis } from './axes';
import { CurvePlot } from './CurvePlot';
import { toCsv, type CsvValue } from './export';
import { measuredBy } from './measured-by';
import { analytic, ANALYTIC_T, type Series } from './series';

export const QUANTITIES = [
  { key: 'decodeStateBytes', label: 'decode state', dash: 'solid', array: undefined },
  { key: 'prefillBytes', label: 'prefill peak', dash: 'dotted', array: '2 4' },
  { key: 'trainingBytes', label: 'training step', dash: 'dashed', array: '8 4' },
] as const;

export function MemoryChart({ series }: { series: Series[] }) {
  const measured = useStore((s) => s.measured);
  const lines = useMemo(
    () =>
      series.map((s) => {
        const m = measured[s.key];
        return {
          s,
          analytic: s.spec ? analytic(s.spec) : [],
          points: (m?.rows ?? [])
            .filter((r) => r.fits)
            .map((r) => ({
              T: r.T,
              decodeStateBytes: r.decode?.stateBytes,
              prefillBytes: r.prefill?.peakBytes,
              trainingBytes: r.training?.peakBytes,
            })),
          misses: (m?.rows ?? []).filter((r) => !r.fits).map((r) => r.T),
        };
      }),
    [series, measured],
  );
  const x = contextAxis([...ANALYTIC_T, ...lines.flatMap((l) => l.points.map((p) => p.T))]);
  const y = logAxis(
    extent(
      lines.flatMap((l) => [...l.analytic, ...l.points].flatMap((r) => QUANTITIES.map((q) => r[q.key]))),
    ),
    10,
  );
  const pointCount = lines.reduce((n, l) => n + l.points.length, 0);
  const by = measuredBy(series, measured);
  const misses = lines.filter((l) => l.misses.length).map((l) => `${l.s.label}: T = ${l.misses.join(', ')}`);

  const csv = () => {
    const rows: CsvValue[][] = [];
    for (const l of lines) {
      for (const r of l.analytic)
        for (const q of QUANTITIES) rows.push([l.s.label, l.s.code, q.label, 'analytic', r.T, r[q.key]]);
      for (const r of l.points)
        for (const q of QUANTITIES)
          if (r[q.key] !== undefined) rows.push([l.s.label, l.s.code, q.label, 'measured', r.T, r[q.key]]);
    }
    return toCsv(['series', 'stack', 'quantity', 'source', 'T', 'bytes'], rows);
  };

  return (
    <ChartFrame
      id="memory-vs-t"
      testId="memory-chart"
      title="Memory vs T"
      sub="bytes · batch 1 · lines analytic, points measured"
      series={series}
      styles={QUANTITIES}
      measuredBy={by}
      csv={csv}
      data={{
        series: series.length,
        points: pointCount,
        lines: lines.filter((l) => l.analytic.length).length,
      }}
      note={misses.length > 0 ? `Does not fit: ${misses.join(' · ')}` : null}
      empty={series.every((s) => !s.spec) ? 'The stack has problems: fix them to see its curves.' : null}
    >
      <CurvePlot
        x={x}
        y={[{ domain: y.domain, ticks: y.ticks, format: fmtBytes, width: 66 }]}
        marginRight={12}
        value={fmtBytes}
      >
        {lines.flatMap((l) =>
          QUANTITIES.map((q) => (
            <Line
              key={`${l.s.key}-${q.key}`}
              name={`${l.s.label}: ${q.label} (analytic)`}
              data={l.analytic}
              dataKey={q.key}
              stroke={l.s.color}
              strokeDasharray={q.array}
              strokeWidth={2}
              dot={false}
              activeDot={false}
              isAnimationActive={false}
            />
          )),
        )}
        {lines.flatMap((l) =>
          QUANTITIES.map((q) => (
            <Line
              key={`${l.s.key}-${q.key}-measured`}
              name={`${l.s.label}: ${q.label} (measured)`}
              data={l.points}
              dataKey={q.key}
              stroke="none"
              dot={{ r: 4.5, fill: l.s.color, stroke: 'var(--surface)', strokeWidth: 1.5 }}
              activeDot={{ r: 6 }}
              isAnimationActive={false}
              className="measured-points"
            />
          )),
        )}
      </CurvePlot>
    </ChartFrame>
  );
}
