// The preset picker: a native <select> of the worker's preset gallery (keyboard accessible as is), then
// the chosen preset's one-line description and its first paper. Choosing one loads its stack into the
// editor (an undoable edit), which then edits it.
import { useStore } from '../../store';
import { presetInput, writeUrlPreset } from '../../store/url-state';
import { encodeStack } from '../../stack/stack-codec';
import type { SpecInput } from '../../../src/models/spec';

/** Whether the edited stack differs from the preset it was loaded from (model settings included). */
function edited(input: SpecInput, preset: string): boolean {
  const base = presetInput(preset);
  const keys = ['width', 'contextLength'] as const;
  return (
    encodeStack(input.stack) !== encodeStack(base.stack) ||
    keys.some((k) => input[k] !== base[k]) ||
    (input.norm ?? 'rmsnorm') !== (base.norm ?? 'rmsnorm') ||
    (input.tiedEmbeddings ?? true) !== (base.tiedEmbeddings ?? true) ||
    (input.embedNorm ?? false) !== (base.embedNorm ?? false)
  );
}

export function PresetPicker({ disabled }: { disabled: boolean }) {
  const preset = useStore((s) => s.preset);
  const presets = useStore((s) => s.presets);
  const setPreset = useStore((s) => s.setPreset);
  const loadPresetStack = useStore((s) => s.loadPresetStack);
  const isEdited = useStore((s) => edited(s.analysis.input, s.preset));
  const chosen = presets?.find((p) => p.name === preset);
  const paper = chosen?.papers[0];

  return (
    <div className="preset" data-testid="preset" data-preset={preset}>
      <label className="field">
        <span className="field-label">
          Model
          {isEdited && (
            <span
              className="preset-edited"
              data-testid="preset-edited"
              title="The stack was edited in the editor"
            >
              edited
            </span>
          )}
        </span>
        <select
          className="preset-select"
          data-testid="preset-select"
          value={preset}
          disabled={disabled || !presets}
          aria-describedby="preset-description preset-paper"
          onChange={(e) => {
            setPreset(e.target.value);
            writeUrlPreset(e.target.value);
            loadPresetStack(e.target.value);
          }}
        >
          {presets ? (
            presets.map((p) => (
              <option key={p.name} value={p.name}>
                {p.title}
              </option>
            ))
          ) : (
            <option value={preset}>Loading presets…</option>
          )}
        </select>
      </label>
      <p
        className="preset-desc"
        id="preset-description"
        data-testid="preset-description"
        title={chosen?.description}
      >
        {chosen?.description ?? '\u00a0'}
      </p>
      <p
        className="preset-paper"
        id="preset-paper"
        data-testid="preset-paper"
        title={paper ? `${paper.authors} (${paper.year}). ${paper.title}` : undefined}
      >
        {paper ? (
          <>
            {paper.authors} <span className="num">{paper.year}</span> · <cite>{paper.title}</cite>
          </>
        ) : (
          '\u00a0'
        )}
      </p>
    </div>
  );
}
