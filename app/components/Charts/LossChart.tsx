// The live loss chart: train and validation loss against step (recharts). The series reaches it
// through a transient store subscription, at most four redraws a second, each rendered as a React
// transition, so drawing the chart never blocks the page for long while the model trains.
import { startTransition, useEffect, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStore, type StoreState } from '../../store';
import type { LossPoint } from '../../store/metrics-slice';
import './charts.css';

/** Above this many points the chart draws an even subsample (the last point is always kept). */
const MAX_DRAWN = 600;

function thin(points: LossPoint[]): LossPoint[] {
  if (points.length <= MAX_DRAWN) return points;
  const stride = Math.ceil(points.length / MAX_DRAWN);
  // Keep every point that carries a validation loss: they are few and each one matters.
  return points.filter((p, i) => i % stride === 0 || p.valLoss !== undefined || i === points.length - 1);
}

const fmtStep = (v: number) => String(Math.round(v));
const fmtLoss = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toFixed(2))));

/** A y axis with room above and below the data, and 3–7 round ticks (0.1, 0.2, 0.25, 0.5 or 1 apart). */
function lossAxis(points: LossPoint[]): { domain: [number, number]; ticks: number[] } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    for (const v of [p.loss, p.valLoss]) {
      if (v !== undefined && Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    }
  }
  if (!Number.isFinite(lo)) [lo, hi] = [1, 4.5];
  const unit = [0.1, 0.2, 0.25, 0.5, 1, 2, 5].find((u) => (hi - lo) / u <= 5) ?? 10;
  const bottom = Math.max(0, Math.floor((lo - unit * 0.15) / unit) * unit);
  const top = Math.ceil((hi + unit * 0.15) / unit) * unit;
  const ticks: number[] = [];
  for (let t = bottom; t <= top + unit / 2; t += unit) ticks.push(Number(t.toFixed(2)));
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks };
}

/** Round step ticks from 0 to the run's length (explicit ticks, all
 * shown, keep recharts from searching nice ticks and measuring label text on every redraw). */
function stepAxis(total: number): { domain: [number, number]; ticks: number[] } {
  const raw = Math.max(1, total) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const unit = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const top = Math.ceil(Math.max(1, total) / unit) * unit;
  const ticks: number[] = [];
  for (let t = 0; t <= top + unit / 2; t += unit) ticks.push(Math.round(t * 100) / 100);
  return { domain: [0, top], ticks };
}

interface Series {
  points: LossPoint[];
  total: number;
}

const seriesOf = (s: StoreState): Series => ({ points: s.points, total: s.runSteps });

/** The chart redraws at most this often, however fast rows arrive (a fast GPU logs many per second). */
const MIN_REDRAW_MS = 250;

/** The loss series, updated outside React's synchronous store path (see the file header). */
function useSeries(): Series {
  const [series, setSeries] = useState(() => seriesOf(useStore.getState()));
  useEffect(() => {
    let timer = 0;
    let lastDraw = 0;
    let pending: Series | null = null;
    const draw = () => {
      timer = 0;
      lastDraw = performance.now();
      const next = pending;
      pending = null;
      if (next) startTransition(() => setSeries(next));
    };
    const unsubscribe = useStore.subscribe((s, prev) => {
      if (s.points === prev.points && s.runSteps === prev.runSteps) return;
      pending = seriesOf(s);
      if (!timer) timer = window.setTimeout(draw, Math.max(0, lastDraw + MIN_REDRAW_MS - performance.now()));
    });
    return () => {
      unsubscribe();
      window.clearTimeout(timer);
    };
  }, []);
  return series;
}

export function LossChart() {
  const { points, total } = useSeries();
  const first = points[0];
  const last = points[points.length - 1];
  const drawn = thin(points);
  const y = lossAxis(drawn);
  const x = stepAxis(Math.max(total, last?.step ?? 1));

  return (
    <section className="card chart-card" aria-labelledby="loss-title">
      <div className="card-head">
        <h2 className="card-title" id="loss-title">
          Loss
        </h2>
        <span className="card-sub">cross-entropy (nats per character) vs step</span>
      </div>
      <ul className="chart-legend" aria-label="Series">
        <li>
          <span className="legend-line legend-train" aria-hidden="true" />
          train
        </li>
        <li>
          <span className="legend-line legend-val" aria-hidden="true" />
          validation
        </li>
      </ul>
      <div
        className="chart-box"
        data-testid="loss-chart"
        data-points={points.length}
        data-first-loss={first?.loss ?? ''}
        data-last-loss={last?.loss ?? ''}
      >
        {/* The chart is always mounted (its first mount is the costly one), empty until a run starts. */}
        <div className="chart-fill">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={drawn} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
              <CartesianGrid stroke="var(--grid)" vertical={false} />
              <XAxis
                dataKey="step"
                type="number"
                domain={x.domain}
                ticks={x.ticks}
                interval={0}
                tickFormatter={fmtStep}
                stroke="var(--faint)"
                tick={{ fill: 'var(--muted)', fontSize: '0.78rem' }}
                tickLine={false}
              />
              <YAxis
                domain={y.domain}
                ticks={y.ticks}
                interval={0}
                width={48}
                tickFormatter={fmtLoss}
                stroke="var(--faint)"
                tick={{ fill: 'var(--muted)', fontSize: '0.78rem' }}
                tickLine={false}
                axisLine={false}
              />
              <Tooltip
                isAnimationActive={false}
                formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))}
                labelFormatter={(s) => `step ${String(s)}`}
                contentStyle={{
                  background: 'var(--surface)',
                  border: '1px solid var(--border)',
                  borderRadius: 8,
                  color: 'var(--text)',
                }}
              />
              <Line
                name="train"
                dataKey="loss"
                type="monotone"
                stroke="var(--train)"
                strokeWidth={2.5}
                dot={false}
                isAnimationActive={false}
              />
              <Line
                name="validation"
                dataKey="valLoss"
                type="monotone"
                stroke="var(--val)"
                strokeWidth={2.5}
                dot={{ r: 3.5, fill: 'var(--val)', strokeWidth: 0 }}
                connectNulls
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
        </div>
        {points.length === 0 && (
          <div className="chart-empty">The loss curve appears here once training starts.</div>
        )}
      </div>
    </section>
  );
}
