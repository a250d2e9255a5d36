// The training panel: the preset, data, steps and seed, Train, Pause/Resume and Stop, then the run's progress and its
// outcome (summary or error). Numbers that change at training rate live in RunProgress.
import { getEngine } from '../../engine-client';
import { useStore } from '../../store';
import { trainBlockReason } from '../../stack/train-gate';
import { DataPicker } from './DataPicker';
import { NumberField } from './NumberField';
import { PresetPicker } from './PresetPicker';
import { RunOutcome } from './RunOutcome';
import { RunProgress } from './RunProgress';
import './train-panel.css';

export function TrainPanel() {
  const status = useStore((s) => s.status);
  const steps = useStore((s) => s.steps);
  const seed = useStore((s) => s.seed);
  const setSteps = useStore((s) => s.setSteps);
  const setSeed = useStore((s) => s.setSeed);
  const overrides = useStore((s) => s.overrides);
  const ready = useStore((s) => s.backend === 'webgpu' || s.backend === 'cpu');
  const dataName = useStore((s) => (s.task ? `${s.task} task` : (s.text?.name ?? 'Moby-Dick')));
  const dataUnit = useStore((s) => (s.task ? 'tokens' : 'characters'));
  // The edited stack: invalid settings or too large for the device.
  const blocked = useStore(trainBlockReason);

  const busy = status === 'starting' || status === 'training' || status === 'paused' || status === 'stopping';
  const overrideText = Object.entries(overrides)
    .map(([k, v]) => `${k}=${v}`)
    .join(' · ');

  return (
    <section
      className="card train-panel"
      data-testid="train-panel"
      data-status={status}
      aria-labelledby="train-title"
    >
      <div className="card-head">
        <h2 className="card-title" id="train-title">
          Train
        </h2>
        <span className="card-sub">
          {dataName} · {dataUnit}
        </span>
      </div>

      <PresetPicker disabled={busy} />

      <form
        className="train-form"
        onSubmit={(e) => {
          e.preventDefault();
          getEngine().train();
        }}
      >
        <DataPicker disabled={busy} />
        <div className="fields">
          <NumberField
            label="Steps"
            testId="steps-input"
            value={steps}
            min={1}
            max={100000}
            disabled={busy}
            onChange={setSteps}
          />
          <NumberField
            label="Seed"
            testId="seed-input"
            value={seed}
            min={0}
            max={2 ** 31 - 1}
            disabled={busy}
            onChange={setSeed}
          />
        </div>
        {overrideText && (
          <p
            className="overrides"
            data-testid="overrides"
            title={`Hyperparameter overrides from the page address: ${overrideText}`}
          >
            Overrides: <span className="num">{overrideText}</span>
          </p>
        )}
        <div className="buttons">
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="train-button"
            disabled={busy || !ready || blocked !== null}
            aria-describedby="train-blocked"
          >
            {status === 'starting' ? 'Starting…' : status === 'training' ? 'Training…' : 'Train'}
          </button>
          <button
            type="button"
            className="btn"
            data-testid="pause-button"
            disabled={status !== 'training' && status !== 'paused'}
            aria-pressed={status === 'paused'}
            onClick={() => (status === 'paused' ? getEngine().resume() : getEngine().pause())}
          >
            {status === 'paused' ? 'Resume' : 'Pause'}
          </button>
          <button
            type="button"
            className="btn"
            data-testid="stop-button"
            disabled={status !== 'starting' && status !== 'training' && status !== 'paused'}
            onClick={() => getEngine().stop()}
          >
            {status === 'stopping' ? 'Stopping…' : 'Stop'}
          </button>
        </div>
        <p className="train-blocked" id="train-blocked" data-testid="train-blocked" role="status">
          {blocked && !busy ? blocked : ''}
        </p>
      </form>

      <RunProgress />
      <RunOutcome />
    </section>
  );
}
