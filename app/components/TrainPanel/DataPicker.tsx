// Choose the training data: Moby-Dick (bundled), the user's own text file (split 90/10), or a
// synthetic task (src/data/tasks), whose batches the worker generates and whose accuracy it reports.
import { useState } from 'react';
import { TASKS } from '../../../src/data/tasks';
import { useStore } from '../../store';
import { writeUrlTask } from '../../store/url-state';

const MIN_CHARS = 2000;

export function DataPicker({ disabled }: { disabled: boolean }) {
  const text = useStore((s) => s.text);
  const setText = useStore((s) => s.setText);
  const task = useStore((s) => s.task);
  const setTask = useStore((s) => s.setTask);
  const chosenTask = task ? TASKS[task] : undefined;
  const [problem, setProblem] = useState<string | null>(null);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    const content = await file.text();
    if (content.length < MIN_CHARS) {
      setProblem(`"${file.name}" has ${content.length} characters; choose a text of at least ${MIN_CHARS}.`);
      return;
    }
    setProblem(null);
    setText({ name: file.name, content });
    writeUrlTask(null);
  };
  const chooseTask = (name: string) => {
    setProblem(null);
    setTask(name);
    writeUrlTask(name);
  };

  return (
    <div className="data-picker" data-testid="data-picker">
      <span className="field-label">Data</span>
      <div className="data-options">
        <button
          type="button"
          className={`chip${text || task ? '' : ' chip-on'}`}
          aria-pressed={!text && !task}
          disabled={disabled}
          onClick={() => {
            setText(null);
            writeUrlTask(null);
          }}
        >
          Moby-Dick
        </button>
        <label className={`chip${text ? ' chip-on' : ''}${disabled ? ' chip-disabled' : ''}`}>
          <input
            type="file"
            accept=".txt,text/plain"
            data-testid="data-file"
            disabled={disabled}
            onChange={(e) => void onFile(e.target.files?.[0])}
          />
          {text ? text.name : 'Your text file…'}
        </label>
        {Object.values(TASKS).map((def) => (
          <button
            key={def.name}
            type="button"
            className={`chip${task === def.name ? ' chip-on' : ''}`}
            aria-pressed={task === def.name}
            disabled={disabled}
            title={def.description}
            data-testid={`data-task-${def.name}`}
            onClick={() => chooseTask(def.name)}
          >
            {def.name}
          </button>
        ))}
      </div>
      {chosenTask && (
        <p className="data-note" data-testid="data-note">
          Synthetic task: {chosenTask.description} · trains at length {chosenTask.trainLength}, scored by
          answer accuracy
        </p>
      )}
      {text && (
        <p className="data-note" data-testid="data-note">
          {text.content.length.toLocaleString()} characters · first 90% trains, last 10% validates
        </p>
      )}
      {problem && (
        <p className="data-problem" role="alert" data-testid="data-problem">
          {problem}
        </p>
      )}
    </div>
  );
}
