// Colours of the inside views: a sequential ramp for the heatmaps that starts at the page's own
// background (low values fade into the card, in either theme) and ends in the accent's strongest shade,
// and the family colours of the layers (as the stack editor paints them).
import { useEffect, useState } from 'react';
import { useStore } from '../../store';

type Rgb = [number, number, number];

const hex = (h: string): Rgb => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;

/** Low → high; the first stop is close to the card surface of the theme. */
const RAMPS: Record<'light' | 'dark', Rgb[]> = {
  light: ['#f3f6fc', '#bcd0f7', '#6b93e8', '#2457d6', '#14307a'].map(hex),
  dark: ['#1a2230', '#1d3d73', '#2f6fd6', '#6ea8fe', '#eaf2ff'].map(hex),
};

/** The ramp's colour at v ∈ [0, 1] (clamped). */
export function rampColor(dark: boolean, v: number): Rgb {
  const stops = RAMPS[dark ? 'dark' : 'light'];
  const x = Math.min(1, Math.max(0, v)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(stops[i][c] + f * (stops[i + 1][c] - stops[i][c]))) as Rgb;
}

/** A CSS gradient of the ramp, for the colour bar. */
export function rampGradient(dark: boolean, direction = 'to right'): string {
  const stops = RAMPS[dark ? 'dark' : 'light'];
  return `linear-gradient(${direction}, ${stops.map((s) => `rgb(${s.join(' ')})`).join(', ')})`;
}

/** Whether the page is dark now: the theme switch, or the system's preference under 'Auto'. */
export function useDark(): boolean {
  const theme = useStore((s) => s.theme);
  const [systemDark, setSystemDark] = useState(
    () => typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches,
  );
  useEffect(() => {
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const on = () => setSystemDark(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return theme === 'dark' || (theme === 'system' && systemDark);
}

/** The CSS colour of a layer family. */
export const familyColor = (family: string): string => `var(--fam-${family})`;
