// The theme switch: Auto (prefers-color-scheme), Light or Dark, applied as html[data-theme].
import { useEffect } from 'react';
import { useStore } from '../../store';
import { applyTheme, type Theme } from '../../store/ui-slice';

const OPTIONS: { value: Theme; label: string }[] = [
  { value: 'system', label: 'Auto' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function ThemeSwitch() {
  const theme = useStore((s) => s.theme);
  const setTheme = useStore((s) => s.setTheme);

  useEffect(() => applyTheme(theme), [theme]);

  return (
    <div className="segmented" role="radiogroup" aria-label="Colour theme" data-testid="theme-switch">
      {OPTIONS.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={theme === o.value}
          className={theme === o.value ? 'active' : ''}
          onClick={() => setTheme(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
