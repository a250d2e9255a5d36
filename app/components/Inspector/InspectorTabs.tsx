// The inspector's three views of a block (settings, how it works, parameters) as accessible tabs:
// arrow keys move between them, and the settings tab shows how many problems it holds.
import type { ReactNode } from 'react';

export type Tab = 'settings' | 'math' | 'shapes';
const TABS: { id: Tab; label: string }[] = [
  { id: 'settings', label: 'Settings' },
  { id: 'math', label: 'How it works' },
  { id: 'shapes', label: 'Parameters' },
];

export function InspectorTabs(props: {
  tab: Tab;
  onTab(t: Tab): void;
  problems: number;
  children: ReactNode;
}) {
  const move = (by: number) => {
    const i = TABS.findIndex((t) => t.id === props.tab);
    const next = TABS[(i + by + TABS.length) % TABS.length].id;
    props.onTab(next);
    document.getElementById(`inspector-tab-${next}`)?.focus();
  };
  return (
    <>
      <div
        className="tabs"
        role="tablist"
        aria-label="Block details"
        onKeyDown={(e) => {
          if (e.key === 'ArrowRight') move(1);
          else if (e.key === 'ArrowLeft') move(-1);
          else return;
          e.preventDefault();
        }}
      >
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`inspector-tab-${t.id}`}
            aria-selected={props.tab === t.id}
            aria-controls="inspector-panel"
            tabIndex={props.tab === t.id ? 0 : -1}
            className="tab"
            data-testid={`inspector-tab-${t.id}`}
            onClick={() => props.onTab(t.id)}
          >
            {t.label}
            {t.id === 'settings' && props.problems > 0 && (
              <span className="tab-badge" aria-label={`${props.problems} problems`}>
                {props.problems}
              </span>
            )}
          </button>
        ))}
      </div>
      <div
        className="tab-panel"
        role="tabpanel"
        id="inspector-panel"
        aria-labelledby={`inspector-tab-${props.tab}`}
      >
        {props.children}
      </div>
    </>
  );
}
