// The outcome line under the progress: the run's summary when it ends, or the engine's error.
// It always takes the same space, so nothing below it moves when a run ends.
import { useStore } from '../../store';
import { formatCount, formatDuration, formatLoss, formatRate } from './format';

export function RunOutcome() {
  const status = useStore((s) => s.status);
  const summary = useStore((s) => s.summary);
  const error = useStore((s) => s.error);
  const title = useStore((s) => s.presets?.find((p) => p.name === s.preset)?.title ?? 'model');

  if (status === 'error' && error) {
    return (
      <p className="outcome outcome-error" role="alert" data-testid="run-error">
        {error}
      </p>
    );
  }
  if (status === 'done' && summary) {
    return (
      <p
        className="outcome"
        data-testid="run-summary"
        data-final-loss={summary.finalLoss}
        data-final-val-loss={summary.finalValLoss}
      >
        <strong>{summary.stoppedEarly ? stoppedText(summary.stoppedEarly) : 'Done.'}</strong>{' '}
        <span className="num">
          {summary.steps} steps in {formatDuration(summary.elapsedMs)} · {formatCount(summary.parameters)}{' '}
          parameters · val loss {formatLoss(summary.finalValLoss)} · {formatRate(summary.tokensPerSec)}{' '}
          tokens/s
        </span>
      </p>
    );
  }
  return (
    <p className="outcome outcome-hint" data-testid="run-hint">
      {status === 'idle'
        ? `Train a small character-level ${title} on Moby-Dick and watch the loss fall.`
        : '\u00a0'}
    </p>
  );
}

/** "stopped by the user at step 3" → "Stopped by the user at step 3."; other reasons get a prefix. */
function stoppedText(reason: string): string {
  const text = /^stopped\b/i.test(reason) ? reason : `Stopped: ${reason}`;
  return `${text.charAt(0).toUpperCase()}${text.slice(1).replace(/\.?$/, '.')}`;
}
