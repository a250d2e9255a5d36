// One labelled setting with its validation problems right under it. Numbers keep what the user types
// (an unfinished "1e" stays in the box) and report a number, NaN for text that is not one (validation
// then says what is wrong), or undefined for an emptied box when the setting has a default.
import { useId, useState } from 'react';
import type { SpecProblem } from '../../../src/models/spec';

interface Common {
  label: string;
  /** Shown under the label in small type. */
  help?: string;
  problems: readonly SpecProblem[];
  testId: string;
  disabled?: boolean;
  /** "auto": the value follows the width (a default); offers a reset when set by hand. */
  auto?: { explicit: boolean; reset(): void };
}

export function NumberInput(
  props: Common & {
    value: number;
    min?: number;
    max?: number;
    step?: number;
    onChange(v: number | undefined): void;
  },
) {
  const { value, onChange } = props;
  const [text, setText] = useState(Number.isFinite(value) ? String(value) : '');
  const [shown, setShown] = useState(value);
  if (!Object.is(shown, value)) {
    // Changed from outside (undo, preset, width-driven default): show the new value.
    setShown(value);
    // An emptied box stays empty while the user types; the default shows as its placeholder.
    if (text.trim() !== '' && Number(text) !== value) setText(Number.isFinite(value) ? String(value) : text);
  }
  return (
    <Field {...props}>
      {(id, describedBy) => (
        <input
          id={id}
          type="text"
          inputMode="numeric"
          className="num field-input"
          data-testid={props.testId}
          value={text}
          placeholder={Number.isFinite(value) ? String(value) : undefined}
          disabled={props.disabled}
          aria-invalid={props.problems.length > 0}
          aria-describedby={describedBy}
          onChange={(e) => {
            const t = e.target.value;
            setText(t);
            const v = t.trim() === '' ? (props.auto ? undefined : NaN) : Number(t);
            setShown(v ?? value);
            onChange(v);
          }}
        />
      )}
    </Field>
  );
}

export function BoolInput(props: Common & { value: boolean; onChange(v: boolean): void }) {
  return (
    <Field {...props} inline>
      {(id, describedBy) => (
        <input
          id={id}
          type="checkbox"
          className="field-check"
          data-testid={props.testId}
          checked={props.value}
          disabled={props.disabled}
          aria-invalid={props.problems.length > 0}
          aria-describedby={describedBy}
          onChange={(e) => props.onChange(e.target.checked)}
        />
      )}
    </Field>
  );
}

export function SelectInput<T extends string>(
  props: Common & { value: T; options: readonly { value: T; label: string }[]; onChange(v: T): void },
) {
  return (
    <Field {...props}>
      {(id, describedBy) => (
        <select
          id={id}
          className="field-input field-select"
          data-testid={props.testId}
          value={props.value}
          disabled={props.disabled}
          aria-invalid={props.problems.length > 0}
          aria-describedby={describedBy}
          onChange={(e) => props.onChange(e.target.value as T)}
        >
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function Field(
  props: Common & {
    inline?: boolean;
    children(id: string, describedBy: string | undefined): React.ReactNode;
  },
) {
  const id = useId();
  const helpId = `${id}-help`;
  const errId = `${id}-err`;
  const describedBy = [props.help ? helpId : '', props.problems.length ? errId : '']
    .filter(Boolean)
    .join(' ');
  const invalid = props.problems.length > 0;
  return (
    <div className={`sfield${props.inline ? ' sfield-inline' : ''}${invalid ? ' sfield-invalid' : ''}`}>
      <div className="sfield-row">
        <label htmlFor={id} className="sfield-label">
          {props.label}
          {props.auto && !props.auto.explicit && <span className="sfield-auto">auto</span>}
        </label>
        {props.auto?.explicit && (
          <button
            type="button"
            className="sfield-reset"
            onClick={props.auto.reset}
            aria-label={`Reset ${props.label} to its default`}
            title="Back to the default for this width"
          >
            ↺
          </button>
        )}
        {props.inline && props.children(id, describedBy || undefined)}
      </div>
      {!props.inline && props.children(id, describedBy || undefined)}
      {props.help && (
        <span className="sfield-help" id={helpId}>
          {props.help}
        </span>
      )}
      {invalid && (
        <span className="sfield-error" id={errId} role="alert" data-testid={`${props.testId}-error`}>
          {props.problems.map((p) => p.message).join(' · ')}
        </span>
      )}
    </div>
  );
}
