// The runs table: every finished training run (kept across reloads), with what it was, what it cost
// and how it did; a checkbox overlays a run in the charts, and a run can be deleted.
import { useStore } from '../../store';
import { fmtBytes, si } from '../Curves/axes';
import { ExperimentBar } from './ExperimentBar';
import './runs.css';

const date = (iso: string) =>
  new Date(iso).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

export function RunsTable() {
  const runs = useStore((s) => s.runs);
  const overlay = useStore((s) => s.overlay);
  const loaded = useStore((s) => s.runsLoaded);
  const toggle = useStore((s) => s.toggleOverlay);
  const remove = useStore((s) => s.deleteRun);

  return (
    <section
      className="card runs-card"
      aria-labelledby="runs-title"
      data-testid="runs-panel"
      data-loaded={loaded}
    >
      <div className="card-head runs-head">
        <h2 className="card-title" id="runs-title">
          Runs
        </h2>
        <span className="card-sub">tick a run to overlay it in the charts</span>
      </div>
      <ExperimentBar />
      <div className="runs-scroll">
        <table className="runs-table" data-testid="runs-table" data-count={runs.length}>
          <thead>
            <tr>
              <th scope="col">
                <span className="sr-only">Overlay</span>
              </th>
              <th scope="col">Architecture</th>
              <th scope="col" className="num">
                Parameters
              </th>
              <th scope="col" className="num" title="Decode state at T = 4096, batch 1 (cost model)">
                State @ 4k
              </th>
              <th scope="col" className="num">
                Val loss
              </th>
              <th scope="col" className="num">
                Tokens/s
              </th>
              <th scope="col">Date</th>
              <th scope="col">
                <span className="sr-only">Delete</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} data-testid="run-row" data-run={r.id}>
                <td>
                  <input
                    type="checkbox"
                    checked={overlay.includes(r.id)}
                    onChange={() => toggle(r.id)}
                    aria-label={`Overlay ${r.title} in the charts`}
                    data-testid="run-overlay"
                  />
                </td>
                <td
                  title={`${r.code}\n${r.settings.steps} steps · seed ${r.settings.seed} · ${r.settings.data} · T ${r.trainContext} · ${r.adapter}`}
                >
                  <span className="run-title">{r.title}</span>
                  <span className="run-sub">
                    {r.settings.steps} steps · T {r.trainContext} · {r.settings.data}
                  </span>
                </td>
                <td className="num">{si(r.summary.parameters)}</td>
                <td className="num">{r.stateBytes4k === null ? '–' : fmtBytes(r.stateBytes4k)}</td>
                <td className="num">
                  {Number.isFinite(r.summary.finalValLoss) ? r.summary.finalValLoss.toFixed(3) : '–'}
                </td>
                <td className="num" title={r.adapter}>
                  {si(r.summary.tokensPerSec)}
                </td>
                <td>{date(r.date)}</td>
                <td>
                  <button
                    type="button"
                    className="btn btn-small runs-delete"
                    onClick={() => remove(r.id)}
                    aria-label={`Delete run ${r.title} of ${date(r.date)}`}
                    data-testid="run-delete"
                  >
                    ✕
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {runs.length === 0 && (
          <p className="runs-empty">
            {loaded
              ? 'Finished training runs appear here and are kept across visits.'
              : 'Loading saved runs…'}
          </p>
        )}
      </div>
    </section>
  );
}
