// The frame every chart against T shares: title, what is plotted, the legend (series colours and the
// line styles of the quantities), which adapter measured it (a software adapter is flagged), and
// PNG / CSV export.
import { useRef, useState, type ReactNode } from 'react';
import { WarnIcon } from '../Header/WarnIcon';
import { chartPng, download, downloadCsv, type PngText } from './export';
import type { Series } from './series';

/** The line style of a quantity in the legend (the series colour is shown separately). */
export interface LineStyle {
  label: string;
  dash: 'solid' | 'dashed' | 'dotted' | 'thin' | 'hollow';
}

export interface MeasuredBy {
  /** "SwiftShader (software)", or null when nothing is measured yet. */
  label: string | null;
  software: boolean;
}

interface Props {
  id: string;
  title: string;
  sub: string;
  series: readonly Series[];
  styles: readonly LineStyle[];
  measuredBy: MeasuredBy;
  csv: () => string;
  empty?: string | null;
  /** A line under the chart (rows that did not fit, runs not measured yet). */
  note?: ReactNode;
  /** Controls under the chart (perplexity's Measure button). */
  actions?: ReactNode;
  children: ReactNode;
  testId: string;
  data?: Record<string, string | number>;
}

export function ChartFrame(p: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const footer = p.measuredBy.label
    ? `Measured on ${p.measuredBy.label}${p.measuredBy.software ? ': CPU-emulated, not GPU timings' : ''}`
    : 'Analytic (cost model); nothing measured yet';
  const file = p.id.replace(/[^a-z0-9]+/gi, '-');

  const png = async () => {
    if (!box.current) return;
    const text: PngText = { title: `${p.title}: ${p.sub}`, legend: p.series, footer };
    try {
      download(`strata-${file}.png`, await chartPng(box.current, text));
      setProblem(null);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section className="card curve-card" aria-labelledby={`${p.id}-title`} data-testid={p.testId}>
      <div className="curve-head">
        <div>
          <h3 className="curve-title" id={`${p.id}-title`}>
            {p.title}
          </h3>
          <span className="card-sub">{p.sub}</span>
        </div>
        <div className="curve-export">
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void png()}
            data-testid={`${p.testId}-png`}
          >
            PNG
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => downloadCsv(`strata-${file}.csv`, p.csv())}
            data-testid={`${p.testId}-csv`}
          >
            CSV
          </button>
        </div>
      </div>
      <ul className="curve-legend" aria-label="Series">
        {p.series.map((s) => (
          <li key={s.label} title={s.code}>
            <span className="curve-swatch" style={{ background: s.color }} aria-hidden="true" />
            {s.label}
          </li>
        ))}
      </ul>
      <ul className="curve-legend curve-styles" aria-label="Line styles">
        {p.styles.map((s) => (
          <li key={s.label}>
            <span className={`curve-dash curve-dash-${s.dash}`} aria-hidden="true" />
            {s.label}
          </li>
        ))}
      </ul>
      <div className="curve-box" ref={box} {...dataAttrs(p.data)}>
        <div className="chart-fill">{p.children}</div>
        {p.empty && (
          <div className="curve-empty">
            <span>{p.empty}</span>
          </div>
        )}
      </div>
      {p.note && <p className="curve-note">{p.note}</p>}
      {p.actions}
      <p
        className={`curve-adapter${p.measuredBy.software ? ' curve-adapter-warn' : ''}`}
        data-testid={`${p.testId}-adapter`}
        data-software={p.measuredBy.software ? 'true' : 'false'}
      >
        {p.measuredBy.software && <WarnIcon />}
        {footer}
      </p>
      {problem && (
        <p className="curve-problem" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}

const dataAttrs = (d?: Record<string, string | number>) =>
  Object.fromEntries(Object.entries(d ?? {}).map(([k, v]) => [`data-${k}`, String(v)]));
