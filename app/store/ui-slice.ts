// UI slice: the colour theme ('system' follows prefers-color-scheme), remembered across visits.
import type { StateCreator } from 'zustand';
import type { StoreState } from './index';

export type Theme = 'system' | 'light' | 'dark';
const KEY = 'strata.theme';

export function storedTheme(): Theme {
  try {
    const t = localStorage.getItem(KEY);
    return t === 'light' || t === 'dark' ? t : 'system';
  } catch {
    return 'system';
  }
}

/** Applies a theme to the page: html[data-theme], absent for 'system' (prefers-color-scheme decides). */
export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}

export interface UiSlice {
  theme: Theme;
  setTheme(theme: Theme): void;
}

export const createUiSlice: StateCreator<StoreState, [], [], UiSlice> = (set) => ({
  theme: storedTheme(),
  setTheme: (theme) => {
    try {
      if (theme === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, theme);
    } catch {
      // storage unavailable (private mode): the choice lasts for this visit
    }
    set({ theme });
  },
});
