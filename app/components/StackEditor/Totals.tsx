// Live totals of the edited stack from the instant cost model: parameters, forward FLOPs per token,
// decode state per sequence at the context length, layers, and a training step's memory against
// what the device allows. Fixed slots, so nothing moves while editing.
import { formatBytes } from '../../../src/measure/memory-fit';
import { useStore } from '../../store';
import { formatCount } from '../TrainPanel/format';

/** FLOPs as "1.23 MFLOP". */
export function formatFlops(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const units: [number, string][] = [
    [1e12, 'TFLOP'],
    [1e9, 'GFLOP'],
    [1e6, 'MFLOP'],
    [1e3, 'kFLOP'],
  ];
  for (const [scale, unit] of units) {
    const v = n / scale;
    if (v >= 1) return `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${unit}`;
  }
  return `${Math.round(n)} FLOP`;
}

export function Totals() {
  const cost = useStore((s) => s.analysis.cost);
  const problems = useStore((s) => s.analysis.problems.length);
  const T = useStore((s) => s.stack.contextLength);
  const fit = useStore((s) => s.fit);
  const layers = cost?.layers.length;

  return (
    <div className="totals" data-testid="totals" data-valid={cost ? 'true' : 'false'}>
      <dl className="totals-grid">
        <Total
          label="Parameters"
          testId="total-params"
          raw={cost?.params.total}
          value={cost ? formatCount(cost.params.total) : '—'}
        />
        <Total
          label="FLOPs / token"
          hint="forward"
          testId="total-flops"
          raw={cost?.flopsPerToken.prefill}
          value={cost ? formatFlops(cost.flopsPerToken.prefill) : '—'}
        />
        <Total
          label="Decode state"
          hint={Number.isFinite(T) ? `per sequence at T=${T}` : 'per sequence'}
          testId="total-state"
          raw={cost?.decodeStateBytes}
          value={cost ? formatBytes(cost.decodeStateBytes) : '—'}
        />
        <Total
          label="Layers"
          testId="total-layers"
          raw={layers}
          value={layers !== undefined ? String(layers) : '—'}
        />
      </dl>
      <div
        className={`fit${fit && !fit.ok ? ' fit-bad' : ''}`}
        data-testid="fit"
        data-ok={fit ? String(fit.ok) : ''}
      >
        <div className="fit-labels">
          <span>Training memory</span>
          <span className="num">
            {cost ? formatBytes(cost.training.total) : '—'}
            {fit ? ` of ${formatBytes(fit.budgetBytes)}` : ''}
          </span>
        </div>
        <div className="fit-track" aria-hidden="true">
          <div
            className="fit-fill"
            style={{ transform: `scaleX(${fit ? Math.min(1, fit.neededBytes / fit.budgetBytes) : 0})` }}
          />
        </div>
        <p className="fit-note" data-testid="fit-note">
          {problems
            ? `Totals appear once the ${problems === 1 ? 'problem is' : `${problems} problems are`} fixed.`
            : fit && !fit.ok
              ? fit.message
              : 'Weights, gradients, AdamW moments and activations of one training step.'}
        </p>
      </div>
    </div>
  );
}

function Total(props: { label: string; hint?: string; testId: string; value: string; raw?: number }) {
  return (
    <div className="total" data-testid={props.testId} data-value={props.raw ?? ''}>
      <dt>
        {props.label}
        {props.hint && <span className="total-hint">{props.hint}</span>}
      </dt>
      <dd className="num">{props.value}</dd>
    </div>
  );
}
