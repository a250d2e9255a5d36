// Choose the training text: Moby-Dick (bundled) or the user's own text file, split 90/10.
import { useState } from 'react';
import { useStore } from '../../store';

const MIN_CHARS = 2000;

export function DataPicker({ disabled }: { disabled: boolean }) {
  const text = useStore((s) => s.text);
  const setText = useStore((s) => s.setText);
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
  };

  return (
    <div className="data-picker" data-testid="data-picker">
      <span className="field-label">Data</span>
      <div className="data-options">
        <button
          type="button"
          className={`chip${text ? '' : ' chip-on'}`}
          aria-pressed={!text}
          disabled={disabled}
          onClick={() => setText(null)}
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
      </div>
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
