// Throughput against T, log-log: measured prefill, decode and training tokens/s of each overlaid spec
// (MEASURE.md curve 2), with the cost model's prefill FLOPs per token on the right axis for context.
import { useMemo } from 'react';
import { Line } from 'recharts';
import { useStore } from '../../store';
import { ChartFrame } from './ChartFrame';
import { contextAxis, extent, fmtRate, logAxis, si } from './axes';
import { CurvePlot } from './CurvePlot';
import { toCsv, type CsvValue } from './export';
import { measuredBy } from './measured-by';
import { analytic, ANALYTIC_T, type Series } from './series';
import { phaseSlopes } from './slopes';

const PHASES = [
  { key: 'prefill', label: 'prefill', dash: 'solid', array: undefined },
  { key: 'decode', label: 'decode', dash: 'dotted', array: '2 4' },
  { key: 'training', label: 'training', dash: 'dashed', array: '8 4' },
] as const;

export function ThroughputChart({ series }: { series: Series[] }) {
  const measured = useStore((s) => s.measured);
  const lines = useMemo(
    () =>
      series.map((s) => ({
        s,
        flops: s.spec ? analytic(s.spec).map((r) => ({ T: r.T, flops: r.prefillFlopsPerToken })) : [],
        points: (measured[s.key]?.rows ?? [])
          .filter((r) => r.fits)
          .map((r) => ({
            T: r.T,
            prefill: r.prefill?.tokensPerSec,
            decode: r.decode?.tokensPerSec,
            training: r.training?.tokensPerSec,
          })),
      })),
    [series, measured],
  );
  const x = contextAxis([...ANALYTIC_T, ...lines.flatMap((l) => l.points.map((p) => p.T))]);
  const rates = extent(lines.flatMap((l) => l.points.flatMap((p) => PHASES.map((q) => p[q.key]))));
  const y = logAxis(rates ?? [1e2, 1e5], 10);
  const f = logAxis(extent(lines.flatMap((l) => l.flops.map((r) => r.flops))), 10);
  const pointCount = lines.reduce((n, l) => n + l.points.length, 0);
  const slopes = series.flatMap((s) => {
    const phases = phaseSlopes(measured[s.key]?.rows ?? []);
    return phases.length ? [{ s, phases }] : [];
  });
  const power = (x: number) => (
    <>
      T<sup>{x.toFixed(2)}</sup>
    </>
  );

  const csv = () => {
    const rows: CsvValue[][] = [];
    for (const l of lines) {
      for (const r of l.points)
        for (const q of PHASES)
          if (r[q.key] !== undefined)
            rows.push([l.s.label, l.s.code, `${q.label} tokens/s`, 'measured', r.T, r[q.key]]);
      for (const r of l.flops)
        rows.push([l.s.label, l.s.code, 'prefill FLOPs/token', 'analytic', r.T, r.flops]);
    }
    return toCsv(['series', 'stack', 'quantity', 'source', 'T', 'value'], rows);
  };

  return (
    <ChartFrame
      id="throughput-vs-t"
      testId="throughput-chart"
      title="Throughput vs T"
      sub="tokens/s, batch 1 · measured"
      series={series}
      styles={[...PHASES, { label: 'FLOPs/token (analytic, right)', dash: 'thin' }]}
      measuredBy={measuredBy(series, measured)}
      csv={csv}
      data={{ series: series.length, points: pointCount }}
      empty={pointCount === 0 ? 'Press Measure to time prefill, decode and training at each T.' : null}
      note={
        slopes.length > 0 && (
          <span className="curve-slopes" data-testid="throughput-slopes">
            <span>Time grows as (upper half of the measured T):</span>
            {slopes.map(({ s, phases }) => (
              <span key={s.key} style={{ color: s.color }}>
                {s.label}:
                {phases.map((q, i) => (
                  <span key={q.phase}>
                    {i > 0 ? ' ·' : ''} {q.phase} {power(q.time)}
                    {q.flops !== null && <> (FLOPs {power(q.flops)})</>}
                  </span>
                ))}
              </span>
            ))}
          </span>
        )
      }
    >
      <CurvePlot
        x={x}
        y={[
          { id: 'rate', domain: y.domain, ticks: y.ticks, format: fmtRate, width: 48 },
          { id: 'flops', domain: f.domain, ticks: f.ticks, format: (v) => si(v), width: 44, right: true },
        ]}
        marginRight={4}
        value={(v) => si(v)}
      >
        {lines.map((l) => (
          <Line
            key={`${l.s.key}-flops`}
            yAxisId="flops"
            name={`${l.s.label}: prefill FLOPs/token (analytic)`}
            data={l.flops}
            dataKey="flops"
            stroke={l.s.color}
            strokeOpacity={0.45}
            strokeWidth={1}
            dot={false}
            activeDot={false}
            isAnimationActive={false}
          />
        ))}
        {lines.flatMap((l) =>
          PHASES.map((q) => (
            <Line
              key={`${l.s.key}-${q.key}`}
              yAxisId="rate"
              name={`${l.s.label}: ${q.label} tokens/s`}
              data={l.points}
              dataKey={q.key}
              stroke={l.s.color}
              strokeDasharray={q.array}
              strokeWidth={2}
              dot={{ r: 4, fill: l.s.color, stroke: 'var(--surface)', strokeWidth: 1.5 }}
              connectNulls
              isAnimationActive={false}
              className="measured-points"
            />
          )),
        )}
      </CurvePlot>
    </ChartFrame>
  );
}
