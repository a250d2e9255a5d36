// The three charts against context length T (MEASURE.md): memory, throughput and perplexity, for the
// current stack, pinned presets and the runs chosen in the table. The cost model's curves are drawn at
// once; Measure times the shown specs in the worker on a grid of T, with progress, and can be cancelled.
import { SPEC_PRESETS } from '../../../src/models/spec-presets';
import { useStore } from '../../store';
import { GRIDS, type GridName } from '../../store/curves-slice';
import { fmtT } from './axes';
import { cancelCurves, measureCurves } from './measure';
import { MemoryChart } from './MemoryChart';
import { PerplexityChart } from './PerplexityChart';
import { ThroughputChart } from './ThroughputChart';
import { useRunSeries, useSpecSeries } from './series';
import './curves.css';

const gridText = (g: GridName) => `${fmtT(GRIDS[g][0])} … ${fmtT(GRIDS[g][GRIDS[g].length - 1])}`;

function MeasureBar() {
  const series = useSpecSeries();
  const chosen = useStore((s) => s.grid);
  const software = useStore((s) => s.adapter?.isSoftware ?? true);
  const backend = useStore((s) => s.backend);
  const setGrid = useStore((s) => s.setGrid);
  const job = useStore((s) => s.measureJob);
  const error = useStore((s) => s.measureError);
  const training = useStore(
    (s) => s.status === 'starting' || s.status === 'training' || s.status === 'stopping',
  );
  const grid: GridName = chosen ?? (software ? 'small' : 'medium');
  const measurable = series.filter((s) => s.spec);
  const reason =
    backend === 'cpu'
      ? 'Measuring needs WebGPU.'
      : backend !== 'webgpu'
        ? 'Waiting for the engine…'
        : training
          ? 'Training holds the device.'
          : null;
  const pct = job ? Math.round((100 * job.done) / Math.max(1, job.total)) : 0;

  return (
    <div className="measure-bar" data-testid="measure-bar">
      <label className="labelled-select">
        <span className="field-label">Measure at T</span>
        <select
          value={grid}
          onChange={(e) => setGrid(e.target.value as GridName)}
          disabled={job !== null}
          data-testid="measure-grid"
        >
          {(Object.keys(GRIDS) as GridName[]).map((g) => (
            <option key={g} value={g}>
              {gridText(g)}
            </option>
          ))}
        </select>
      </label>
      {job ? (
        <button
          type="button"
          className="btn"
          onClick={cancelCurves}
          disabled={job.cancelling}
          data-testid="measure-cancel"
        >
          {job.cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      ) : (
        <button
          type="button"
          className="btn btn-primary"
          disabled={reason !== null || measurable.length === 0}
          onClick={() => void measureCurves(measurable, GRIDS[grid])}
          data-testid="measure-button"
          title={`Times prefill, decode and a training step of ${measurable.length === 1 ? 'the stack' : `the ${measurable.length} shown stacks`} at T = ${GRIDS[grid].join(', ')}`}
        >
          Measure
        </button>
      )}
      <div className="measure-status" role="status" aria-live="polite">
        <progress
          className="measure-progress"
          max={100}
          value={pct}
          data-testid="measure-progress"
          data-done={job?.done ?? 0}
          aria-label="Measurement progress"
          style={{ visibility: job ? 'visible' : 'hidden' }}
        />
        <span className="measure-text" data-testid="measure-text">
          {job
            ? `${job.label}: ${job.done} of ${job.total} rows`
            : error
              ? ''
              : (reason ?? (software ? 'Software adapter: keep T small; its timings are CPU timings.' : ''))}
        </span>
        {error && (
          <span className="curve-problem" role="alert" data-testid="measure-error">
            {error}
          </span>
        )}
      </div>
    </div>
  );
}

function PresetPins() {
  const pinned = useStore((s) => s.pinned);
  const toggle = useStore((s) => s.togglePin);
  return (
    <div className="pins" role="group" aria-label="Compare with presets">
      <span className="field-label">Compare</span>
      {Object.values(SPEC_PRESETS).map((p) => (
        <button
          key={p.name}
          type="button"
          className={`chip${pinned.includes(p.name) ? ' chip-on' : ''}`}
          aria-pressed={pinned.includes(p.name)}
          onClick={() => toggle(p.name)}
          data-testid={`pin-${p.name}`}
          title={p.description}
        >
          {p.title}
        </button>
      ))}
    </div>
  );
}

export function CurvesPanel() {
  const series = useSpecSeries();
  const runs = useRunSeries();
  return (
    <section className="curves-panel" aria-labelledby="curves-title" data-testid="curves-panel">
      <div className="curves-top">
        <h2 className="card-title" id="curves-title">
          Against context length
        </h2>
        <PresetPins />
        <MeasureBar />
      </div>
      <div className="curves-grid">
        <MemoryChart series={series} />
        <ThroughputChart series={series} />
        <PerplexityChart series={runs} />
      </div>
    </section>
  );
}
