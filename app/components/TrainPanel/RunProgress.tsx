// Progress of the current run: a bar with step count and ETA (held still while paused), then loss,
// validation loss, a task's accuracy and throughput. Re-renders only when a batch of log rows arrives.
import { useStore } from '../../store';
import { formatDuration, formatLoss, formatRate } from './format';

export function RunProgress() {
  const latest = useStore((s) => s.latest);
  // After a run, the summary's final validation loss (evaluated even when the run stopped early).
  const valLoss = useStore(
    (s) =>
      s.latestValLoss ??
      (s.summary && Number.isFinite(s.summary.finalValLoss) ? s.summary.finalValLoss : null),
  );
  const total = useStore((s) => s.runSteps);
  const status = useStore((s) => s.status);
  const accuracy = useStore((s) => s.accuracy);

  const step = latest?.step ?? 0;
  const fraction = total > 0 ? Math.min(1, step / total) : 0;
  const msPerStep = latest && latest.step > 0 ? latest.elapsedMs / latest.step : NaN;
  // Elapsed time leaves pauses out, so the ETA computed from it holds still while paused.
  const timing = status === 'training' || status === 'paused';
  const eta = timing ? (total - step) * msPerStep : NaN;
  const label =
    status === 'starting'
      ? 'Preparing: loading the corpus, compiling kernels…'
      : status === 'stopping'
        ? 'Stopping after the current step…'
        : status === 'paused'
          ? `Paused at step ${step} of ${total}`
          : status === 'done' || status === 'error'
            ? `Finished at step ${step}`
            : status === 'idle'
              ? 'Ready'
              : `Step ${step} of ${total}`;

  return (
    <div className="progress" data-testid="progress" data-step={step} data-total={total}>
      <div className="progress-labels">
        <span className="progress-label">{label}</span>
        <span className="progress-eta num" data-testid="eta">
          {Number.isFinite(eta) ? `ETA ${formatDuration(eta)}` : timing ? 'ETA —' : ''}
        </span>
      </div>
      <div
        className={`progress-track${status === 'starting' ? ' progress-indeterminate' : ''}`}
        role="progressbar"
        aria-label="Training progress"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={step}
      >
        <div className="progress-fill" style={{ transform: `scaleX(${fraction})` }} />
      </div>
      <dl className="stats">
        <Stat
          label="Train loss"
          testId="stat-loss"
          value={formatLoss(latest?.loss)}
          raw={latest?.loss}
          tone="train"
        />
        <Stat
          label="Val loss"
          testId="stat-val-loss"
          value={formatLoss(valLoss)}
          raw={valLoss ?? undefined}
          tone="val"
        />
        {accuracy !== null && (
          <Stat
            label="Accuracy"
            testId="stat-accuracy"
            value={`${(accuracy * 100).toFixed(1)}%`}
            raw={accuracy}
          />
        )}
        <Stat
          label="Tokens/s"
          testId="stat-tokens"
          value={formatRate(latest?.tokensPerSec ?? NaN)}
          raw={latest?.tokensPerSec}
        />
        <Stat
          label="Elapsed"
          testId="stat-elapsed"
          value={latest ? formatDuration(latest.elapsedMs) : '—'}
          raw={latest?.elapsedMs}
        />
      </dl>
    </div>
  );
}

function Stat(props: { label: string; testId: string; value: string; raw?: number; tone?: 'train' | 'val' }) {
  return (
    <div className="stat" data-testid={props.testId} data-value={props.raw ?? ''}>
      <dt>
        {props.tone && <span className={`swatch swatch-${props.tone}`} aria-hidden="true" />}
        {props.label}
      </dt>
      <dd className="num">{props.value}</dd>
    </div>
  );
}
