// A compact "× N" repeat count with an accessible name; keeps what is typed, reports NaN for text
// that is not a number so validation can say so next to it.
import { useState } from 'react';

interface Props {
  value: number;
  label: string;
  testId: string;
  invalid: boolean;
  onChange(v: number): void;
}

export function RepeatInput({ value, label, testId, invalid, onChange }: Props) {
  const [text, setText] = useState(String(value));
  const [shown, setShown] = useState(value);
  if (!Object.is(shown, value)) {
    setShown(value);
    if (Number(text) !== value) setText(Number.isFinite(value) ? String(value) : text);
  }
  return (
    <label className={`repeat${invalid ? ' repeat-invalid' : ''}`} title={label}>
      <span aria-hidden="true">×</span>
      <input
        type="text"
        inputMode="numeric"
        className="num"
        aria-label={label}
        aria-invalid={invalid}
        data-testid={testId}
        value={text}
        size={3}
        onPointerDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.stopPropagation()}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          const v = t.trim() === '' ? NaN : Number(t);
          setShown(v);
          onChange(v);
        }}
      />
    </label>
  );
}
