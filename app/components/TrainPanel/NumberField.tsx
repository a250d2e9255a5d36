// A labelled integer input that keeps what the user types and reports only valid values.
import { useState } from 'react';

interface Props {
  label: string;
  testId: string;
  value: number;
  min: number;
  max: number;
  disabled?: boolean;
  onChange(value: number): void;
}

export function NumberField({ label, testId, value, min, max, disabled, onChange }: Props) {
  const [text, setText] = useState(String(value));
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    // The value changed from outside (URL, reset): show it.
    setShown(value);
    setText(String(value));
  }
  const parsed = Number(text);
  const invalid = text.trim() === '' || !Number.isInteger(parsed) || parsed < min || parsed > max;

  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input
        type="number"
        inputMode="numeric"
        className="num"
        data-testid={testId}
        value={text}
        min={min}
        max={max}
        step={1}
        disabled={disabled}
        aria-invalid={invalid}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          const v = Number(t);
          if (t.trim() !== '' && Number.isInteger(v) && v >= min && v <= max) {
            setShown(v);
            onChange(v);
          }
        }}
      />
    </label>
  );
}
