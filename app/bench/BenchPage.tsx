// The benchmark page: runs MEASURE.md's suite (bench-suite.ts, the same code as `cli bench all`) on
// the visitor's own GPU and shows each benchmark against its peer, with the adapter that measured it.
import { useEffect, useRef, useState } from 'react';
import { adapterLabel, type AdapterDescription } from '../../src/gpu/device';
import type { FromBenchWorker, ToBenchWorker } from '../../src/bench-protocol';
import type { SuiteRow } from '../../src/measure/bench-suite';

type Phase = 'opening' | 'ready' | 'running' | 'done' | 'unavailable';

interface Section {
  name: string;
  title: string;
  rows: SuiteRow[] | null;
}

/** `?only=matmul,train` runs those benchmarks alone. */
const ONLY = new URLSearchParams(location.search).get('only')?.split(',').filter(Boolean);

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));

export function BenchPage() {
  const worker = useRef<Worker | null>(null);
  const [phase, setPhase] = useState<Phase>('opening');
  const [adapter, setAdapter] = useState<AdapterDescription | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [sections, setSections] = useState<Section[]>([]);
  const [progress, setProgress] = useState({ index: 0, count: 0 });
  const [results, setResults] = useState<Record<string, unknown>>({});
  const [quick, setQuick] = useState(true);
  const [seconds, setSeconds] = useState<number | null>(null);

  useEffect(() => {
    const w = new Worker(new URL('../../src/bench-worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    w.onmessage = (e: MessageEvent<FromBenchWorker>) => {
      const m = e.data;
      if (m.type === 'adapter') {
        setAdapter(m.adapter);
        setPhase(m.adapter ? 'ready' : 'unavailable');
        if (m.message) setMessage(m.message);
      } else if (m.type === 'start') {
        setProgress({ index: m.index, count: m.count });
        setSections((s) => [...s, { name: m.name, title: m.title, rows: null }]);
      } else if (m.type === 'rows') {
        setSections((s) => s.map((x) => (x.name === m.name ? { ...x, rows: m.rows } : x)));
        setResults((r) => ({ ...r, [m.name]: m.result }));
      } else if (m.type === 'done') {
        setSeconds(m.seconds);
        setPhase('done');
      } else {
        setMessage(m.message);
        setPhase((p) => (p === 'running' ? 'done' : p));
      }
    };
    return () => w.terminate();
  }, []);

  const run = () => {
    setSections([]);
    setResults({});
    setMessage(null);
    setSeconds(null);
    setProgress({ index: 0, count: 0 });
    setPhase('running');
    worker.current?.postMessage({ type: 'run', quick, only: ONLY } satisfies ToBenchWorker);
  };
  const copyJson = () =>
    void navigator.clipboard?.writeText(JSON.stringify({ adapter, quick, sections, results }, null, 2));

  const running = phase === 'running';
  const done = sections.filter((s) => s.rows).length;
  const pct = progress.count ? Math.round((100 * done) / progress.count) : 0;
  return (
    <main className="bench">
      <header className="bench-head">
        <a className="bench-back" href="./">
          ← Strata playground
        </a>
        <h1>Benchmark your GPU</h1>
        <p className="bench-lede">
          Strata&apos;s WGSL kernels against TensorFlow.js&apos;s WebGPU backend on the same device, the fused
          Mamba scan against a materialised one, and a whole Transformer training step. Protocol: warm-up,
          then the median of 5 runs alternating the two sides, timed until the GPU queue is idle.
        </p>
        <div
          className={`bench-adapter ${adapter?.isSoftware ? 'is-software' : ''}`}
          data-testid="bench-adapter"
        >
          {phase === 'opening'
            ? 'Opening WebGPU…'
            : adapter
              ? `Adapter: ${adapterLabel(adapter)}`
              : 'No WebGPU adapter'}
        </div>
        <div className="bench-controls">
          <label className="bench-toggle">
            <input
              type="checkbox"
              checked={quick}
              disabled={running}
              onChange={(e) => setQuick(e.target.checked)}
            />
            Quick sizes (about a minute on a software adapter)
          </label>
          <button
            type="button"
            className="btn btn-primary"
            onClick={run}
            disabled={phase !== 'ready' && phase !== 'done'}
          >
            {running ? 'Running…' : sections.length ? 'Run again' : 'Run the suite'}
          </button>
          {phase === 'done' && (
            <button type="button" className="btn" onClick={copyJson}>
              Copy results as JSON
            </button>
          )}
        </div>
        {(running || phase === 'done') && (
          <div
            className="bench-progress"
            role="progressbar"
            aria-valuenow={pct}
            aria-valuemin={0}
            aria-valuemax={100}
          >
            <div className="bench-progress-bar" style={{ width: `${pct}%` }} />
            <span>
              {running
                ? `${done} of ${progress.count || '…'} benchmarks — ${sections.at(-1)?.title ?? 'starting'}`
                : `Done in ${seconds?.toFixed(0) ?? '?'} s`}
            </span>
          </div>
        )}
        {message && (
          <p className="bench-error" role="alert">
            {message}
          </p>
        )}
      </header>
      {sections.map((s) => (
        <section key={s.name} className="bench-section" data-testid={`bench-${s.name}`}>
          <h2>{s.title}</h2>
          {!s.rows ? (
            <p className="bench-wait">measuring…</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>case</th>
                  <th>Strata</th>
                  <th>{s.rows[0]?.theirsName ?? ''}</th>
                  <th>Strata is</th>
                </tr>
              </thead>
              <tbody>
                {s.rows.map((r) => (
                  <tr key={`${r.benchmark} ${r.label}`}>
                    <td>
                      {r.benchmark !== s.name && <span className="bench-sub">{r.benchmark} · </span>}
                      {r.label}
                    </td>
                    <td className="num">
                      {fmt(r.ours)} <span className="unit">{r.unit}</span>
                    </td>
                    <td className="num">
                      {r.theirs === null ? '—' : fmt(r.theirs)}{' '}
                      {r.theirs !== null && <span className="unit">{r.unit}</span>}
                    </td>
                    <td className="num ratio" data-testid="bench-ratio">
                      {r.ratio === null ? '' : <RatioBar ratio={r.ratio} />}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </main>
  );
}

/** "3.2× better" with a bar on a log scale (1× in the middle, 10× at the end); worse shows in red. */
function RatioBar({ ratio }: { ratio: number }) {
  const better = ratio >= 1;
  const width = Math.min(100, 50 + 50 * (Math.log10(ratio) / 1));
  return (
    <span className={`ratio-cell ${better ? 'better' : 'worse'}`}>
      <span className="ratio-track">
        <span className="ratio-fill" style={{ width: `${Math.max(2, width)}%` }} />
      </span>
      <span>
        {ratio.toFixed(2)}× {better ? 'better' : 'worse'}
      </span>
    </span>
  );
}
