// Inside the model: how each layer keeps its memory. First the current stack's decode memory against
// T (instant, from the cost model: attention's KV cache grows, recurrent states stay a fixed block);
// then, once a run has trained, a sample sentence through that model: its attention maps and the
// recurrent state of a layer over time. The sentence is inspected as soon as a run finishes.
import { useEffect, useRef, type FormEvent } from 'react';
import { INSPECT_MAX_TOKENS } from '../../../src/measure/inspect';
import { useStore } from '../../store';
import { AttentionView } from './AttentionView';
import { MemoryView } from './MemoryView';
import { lookInside } from './request';
import { StateView } from './StateView';
import './inside.css';

function SentenceForm({ runId, maxTokens }: { runId: string | null; maxTokens: number }) {
  const text = useStore((s) => s.insideText);
  const setText = useStore((s) => s.setInsideText);
  const job = useStore((s) => s.insideJob);
  const busy = useStore(
    (s) =>
      s.status === 'starting' ||
      s.status === 'training' ||
      s.status === 'stopping' ||
      s.measureJob !== null ||
      s.perplexityRun !== null,
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (runId) lookInside(runId, text);
  };
  const used = Math.min(text.length, maxTokens);
  return (
    <form className="inside-form" onSubmit={submit}>
      <label className="inside-sentence">
        <span className="field-label">Sample sentence</span>
        <input
          type="text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={200}
          spellCheck={false}
          data-testid="inside-text"
        />
      </label>
      <button
        type="submit"
        className="btn btn-primary"
        disabled={!runId || job !== null || busy || text.length === 0}
        data-testid="inside-run"
      >
        {job ? 'Reading…' : 'Look inside'}
      </button>
      <span className="inside-note">
        {runId
          ? `The model reads the first ${used} characters${text.length > maxTokens ? ` (its limit here: ${maxTokens})` : ''}, one token at a time.`
          : 'Train a model (a few steps are enough) to look inside it.'}
      </span>
    </form>
  );
}

export function InsidePanel() {
  const spec = useStore((s) => s.analysis.spec);
  const heldRun = useStore((s) => s.heldRun);
  const run = useStore((s) => s.runs.find((r) => r.id === s.heldRun) ?? null);
  const inside = useStore((s) => s.inside);
  const job = useStore((s) => s.insideJob);
  const error = useStore((s) => s.insideError);
  const tried = useRef<string | null>(null);

  // A fresh run is read at once (once: a failure waits for the button).
  useEffect(() => {
    if (!heldRun || tried.current === heldRun || job) return;
    tried.current = heldRun;
    lookInside(heldRun, useStore.getState().insideText);
  }, [heldRun, job]);

  const maxTokens = Math.min(INSPECT_MAX_TOKENS, run?.trainContext ?? INSPECT_MAX_TOKENS);
  const current = inside && inside.runId === heldRun ? inside : null;

  return (
    <section className="card inside-panel" aria-labelledby="inside-title" data-testid="inside-panel">
      <div className="card-head">
        <h2 className="card-title" id="inside-title">
          Inside the model
        </h2>
        <span className="card-sub">what each layer remembers while it reads</span>
      </div>

      <div className="inside-block">
        <h3 className="inside-h">KV cache or fixed state</h3>
        <p className="inside-sub">
          The memory each layer of the current stack keeps while it generates, from the cost model. Attention
          stores a key and a value for every token it has read; a recurrent layer folds them all into one
          fixed-size state.
        </p>
        {spec ? (
          <MemoryView spec={spec} />
        ) : (
          <p className="inside-none">Fix the stack’s problems (see the editor) to see its memory.</p>
        )}
      </div>

      <div className="inside-block" data-testid="inside-model">
        <h3 className="inside-h">A sentence through the trained model</h3>
        <p className="inside-sub">
          {run
            ? `${run.title}, trained ${run.summary.steps} steps (validation loss ${run.summary.finalValLoss.toFixed(2)}).`
            : 'The last run trained in this visit.'}
        </p>
        <SentenceForm runId={heldRun} maxTokens={maxTokens} />
        {error && (
          <p className="inside-error" role="alert" data-testid="inside-error">
            {error}
          </p>
        )}
        {current ? (
          <div className="inside-grid" data-testid="inside-views" data-run={current.runId}>
            <div className="inside-col">
              <h4 className="inside-h4">Attention map</h4>
              <AttentionView view={current.view} />
            </div>
            <div className="inside-col">
              <h4 className="inside-h4">Recurrent state over time</h4>
              <StateView view={current.view} />
            </div>
          </div>
        ) : (
          <p className="inside-empty">
            {job
              ? 'Reading the sentence token by token…'
              : heldRun
                ? 'Press “Look inside” to read the sentence with the trained model.'
                : 'After a run, its attention maps and recurrent state over this sentence appear here.'}
          </p>
        )}
      </div>
    </section>
  );
}
