// The latest text the model generated during training, with the step it came from.
import { useStore } from '../../store';
import './sample.css';

export function SampleView() {
  const sample = useStore((s) => s.sample);
  const status = useStore((s) => s.status);
  return (
    <section className="card sample-card" aria-labelledby="sample-title">
      <div className="card-head">
        <h2 className="card-title" id="sample-title">
          Generated sample
        </h2>
        <span className="card-sub num" data-testid="sample-step">
          {sample ? `after step ${sample.step}` : ''}
        </span>
      </div>
      <pre
        className={`sample-text${sample ? '' : ' sample-empty'}`}
        data-testid="sample-text"
        data-step={sample?.step ?? ''}
      >
        {sample
          ? sample.text
          : status === 'idle'
            ? 'Text sampled from the model appears here while it trains.'
            : status === 'done' || status === 'error'
              ? 'The run ended before its first sample.'
              : 'Waiting for the first sample…'}
      </pre>
    </section>
  );
}
