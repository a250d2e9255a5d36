// Perplexity against T of the runs overlaid from the table (MEASURE.md curve 3): by position bucket
// (tokens of context a prediction had) and by evaluation context (windows of c tokens, c up to 4× the
// training context; beyond the training length drawn dotted with hollow points past a marker line).
import { useMemo } from 'react';
import { Line, ReferenceLine } from 'recharts';
import { useStore } from '../../store';
import { ChartFrame } from './ChartFrame';
import { contextAxis } from './axes';
import { CurvePlot } from './CurvePlot';
import { toCsv, type CsvValue } from './export';
import { measurePerplexity } from './measure';
import type { Series } from './series';

const fmtPpl = (v: number) => (v >= 10 ? v.toFixed(0) : v.toFixed(1));

export function PerplexityChart({ series }: { series: Series[] }) {
  const heldRun = useStore((s) => s.heldRun);
  const busyRun = useStore((s) => s.perplexityRun);
  const error = useStore((s) => s.perplexityError);
  const training = useStore(
    (s) => s.status === 'starting' || s.status === 'training' || s.status === 'stopping',
  );
  const measuring = useStore((s) => s.measureJob !== null);
  const software = useStore((s) => s.backend !== 'webgpu' || s.adapter?.isSoftware === true);
  const held = useStore((s) => s.runs.find((r) => r.id === s.heldRun) ?? null);

  const lines = useMemo(
    () =>
      series.flatMap((s) => {
        const p = s.run?.perplexity;
        if (!p) return [];
        const ctx = p.byContext.map((r) => ({ T: r.context, ppl: r.perplexity, beyond: r.beyondTraining }));
        return [
          {
            s,
            T: p.trainContext,
            position: p.byPosition.map((r) => ({ T: r.from, ppl: r.perplexity, to: r.to })),
            within: ctx.filter((r) => !r.beyond),
            beyond: ctx.filter((r) => r.beyond || r.T === p.trainContext),
          },
        ];
      }),
    [series],
  );
  const x = contextAxis(
    lines.length ? lines.flatMap((l) => [...l.position, ...l.within, ...l.beyond].map((r) => r.T)) : [1, 256],
  );
  const unmeasured = series.filter((s) => !s.run?.perplexity).map((s) => s.label);

  const csv = () => {
    const rows: CsvValue[][] = [];
    for (const l of lines) {
      for (const r of l.position) rows.push([l.s.label, 'by position', r.T, r.to, r.ppl, false]);
      for (const r of l.s.run?.perplexity?.byContext ?? [])
        rows.push([l.s.label, 'by context', r.context, '', r.perplexity, r.beyondTraining]);
    }
    return toCsv(
      ['run', 'kind', 'context from', 'context to (exclusive)', 'perplexity', 'beyond training'],
      rows,
    );
  };

  const canMeasure = held !== null && !held.perplexity && !busyRun && !training && !measuring;
  const actions = (
    <div className="curve-actions">
      <button
        type="button"
        className="btn btn-small"
        data-testid="perplexity-measure"
        disabled={!canMeasure}
        onClick={() => heldRun && measurePerplexity(heldRun, software ? 1024 : 8192)}
        title="The engine keeps only the last run’s weights: its perplexity can be measured until the next run."
      >
        {busyRun ? 'Measuring perplexity…' : held?.perplexity ? 'Last run measured' : 'Measure last run'}
      </button>
      {error && (
        <span className="curve-problem" role="alert">
          {error}
        </span>
      )}
    </div>
  );

  return (
    <ChartFrame
      id="perplexity-vs-t"
      testId="perplexity-chart"
      title="Perplexity vs T"
      sub="held-out text · runs ticked below"
      series={lines.map((l) => l.s)}
      styles={[
        { label: 'by position', dash: 'solid' },
        { label: 'by eval context', dash: 'dashed' },
        { label: 'beyond training T', dash: 'hollow' },
      ]}
      measuredBy={{
        label: lines.length ? [...new Set(lines.map((l) => l.s.run?.adapter ?? ''))].join(', ') : null,
        software: lines.some((l) => /software|CPU/.test(l.s.run?.adapter ?? '')),
      }}
      csv={csv}
      data={{ runs: lines.length }}
      note={unmeasured.length ? `Not measured: ${unmeasured.join(' · ')}` : null}
      actions={actions}
      empty={lines.length ? null : 'Train a model, then measure its perplexity by position and by context.'}
    >
      <CurvePlot
        x={x}
        y={[{ domain: ['auto', 'auto'], format: fmtPpl, width: 40 }]}
        marginRight={12}
        label={(T) => `context ${T}`}
        value={(v) => v.toFixed(2)}
      >
        {lines.map((l) => (
          <ReferenceLine
            key={`${l.s.key}-T`}
            x={l.T}
            stroke={l.s.color}
            strokeDasharray="3 3"
            strokeOpacity={0.6}
          />
        ))}
        {lines.flatMap((l) => [
          <Line
            key={`${l.s.key}-pos`}
            name={`${l.s.label}: by position`}
            data={l.position}
            dataKey="ppl"
            stroke={l.s.color}
            strokeWidth={2}
            dot={{ r: 3, fill: l.s.color, strokeWidth: 0 }}
            isAnimationActive={false}
          />,
          <Line
            key={`${l.s.key}-ctx`}
            name={`${l.s.label}: by context`}
            data={l.within}
            dataKey="ppl"
            stroke={l.s.color}
            strokeWidth={2}
            strokeDasharray="8 4"
            dot={{ r: 4, fill: l.s.color, strokeWidth: 0 }}
            isAnimationActive={false}
          />,
          <Line
            key={`${l.s.key}-beyond`}
            name={`${l.s.label}: beyond training`}
            data={l.beyond}
            dataKey="ppl"
            stroke={l.s.color}
            strokeWidth={2}
            strokeDasharray="2 4"
            dot={(d: { cx?: number; cy?: number; index?: number; payload?: { beyond: boolean } }) =>
              d.payload?.beyond ? (
                <circle
                  key={d.index}
                  cx={d.cx}
                  cy={d.cy}
                  r={4.5}
                  fill="var(--surface)"
                  stroke={l.s.color}
                  strokeWidth={2}
                />
              ) : (
                <g key={d.index} />
              )
            }
            isAnimationActive={false}
          />,
        ])}
      </CurvePlot>
    </ChartFrame>
  );
}
