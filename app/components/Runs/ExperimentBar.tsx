// Keep and share: a link that reproduces the experiment, and export / import as a JSON file.
import { useRef, useState } from 'react';
import { useStore } from '../../store';
import { download } from '../Curves/export';
import { applyExperiment, exportExperiment, missingData, readExperiment, shareUrl } from './experiment';

export function ExperimentBar() {
  const [url, setUrl] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [withRuns, setWithRuns] = useState(true);
  const file = useRef<HTMLInputElement>(null);
  const missing = useStore(missingData);

  const share = async () => {
    const link = shareUrl(useStore.getState());
    setUrl(link);
    try {
      await navigator.clipboard.writeText(link);
      setMessage('Link copied.');
    } catch {
      setMessage('Copy the link below.');
    }
  };

  const save = () => {
    const e = exportExperiment(useStore.getState(), withRuns);
    const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
    download(
      `strata-experiment-${stamp}.json`,
      new Blob([JSON.stringify(e, null, 2)], { type: 'application/json' }),
    );
  };

  const load = async (f: File | undefined) => {
    if (!f) return;
    try {
      const e = readExperiment(JSON.parse(await f.text()));
      applyExperiment(e);
      setMessage(`Loaded “${f.name}”${e.runs?.length ? ` with ${e.runs.length} runs` : ''}.`);
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    } finally {
      if (file.current) file.current.value = '';
    }
  };

  return (
    <div className="experiment-bar">
      <div className="experiment-buttons">
        <button
          type="button"
          className="btn btn-small"
          onClick={() => void share()}
          data-testid="share-button"
        >
          Share link
        </button>
        <button type="button" className="btn btn-small" onClick={save} data-testid="export-button">
          Export JSON
        </button>
        <label className="btn btn-small experiment-import">
          Import JSON
          <input
            ref={file}
            type="file"
            accept=".json,application/json"
            onChange={(e) => void load(e.target.files?.[0])}
            data-testid="import-file"
          />
        </label>
        <label className="experiment-check">
          <input type="checkbox" checked={withRuns} onChange={(e) => setWithRuns(e.target.checked)} />
          with runs
        </label>
      </div>
      {url && (
        <input
          className="share-url"
          readOnly
          value={url}
          onFocus={(e) => e.target.select()}
          data-testid="share-url"
          aria-label="Share link"
        />
      )}
      {message && (
        <p className="experiment-message" role="status" data-testid="experiment-message">
          {message}
        </p>
      )}
      {missing && (
        <p className="experiment-message" role="note">
          This experiment trained on “{missing}”: choose that file under Data to reproduce it.
        </p>
      )}
    </div>
  );
}
