// Log axes for the charts against T: explicit domains and ticks (powers of two for T, of ten for
// bytes, rates and FLOPs), so recharts neither guesses nor re-measures labels on every redraw.

/** The smallest and largest positive finite value, or null when there is none. */
export function extent(values: Iterable<number | undefined>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v !== undefined && Number.isFinite(v) && v > 0) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  }
  return Number.isFinite(lo) ? [lo, hi] : null;
}

/** A log axis over whole powers of `base` around the values, ticks every `step` powers. */
export function logAxis(
  range: [number, number] | null,
  base = 10,
  step = 1,
): { domain: [number, number]; ticks: number[] } {
  const [lo, hi] = range ?? [1, base];
  const from = Math.floor(Math.log(lo) / Math.log(base) + 1e-9);
  let to = Math.ceil(Math.log(hi) / Math.log(base) - 1e-9);
  if (to === from) to += 1;
  const ticks: number[] = [];
  for (let e = from; e <= to; e += step) ticks.push(base ** e);
  return { domain: [base ** from, base ** to], ticks };
}

/** T axis: powers of two from the smallest to the largest T shown, every other one labelled. */
export function contextAxis(Ts: Iterable<number>): { domain: [number, number]; ticks: number[] } {
  const r = extent(Ts) ?? [8, 16384];
  return logAxis(r, 2, 1);
}

const SI = ['', 'k', 'M', 'G', 'T', 'P'];

/** 1234 → "1.2k", 1e6 → "1M". */
export function si(v: number, unit = ''): string {
  if (v === 0) return `0${unit && ` ${unit}`}`;
  const e = Math.min(SI.length - 1, Math.max(0, Math.floor(Math.log10(Math.abs(v)) / 3)));
  const x = v / 1000 ** e;
  const text = x >= 100 || Number.isInteger(x) ? x.toFixed(0) : x.toFixed(x >= 10 ? 0 : 1);
  return `${text}${unit ? ` ${SI[e]}${unit}` : SI[e]}`;
}

export const fmtBytes = (v: number) => si(v, 'B');
export const fmtT = (v: number) => (v >= 1024 ? `${v / 1024}k` : String(v));
export const fmtRate = (v: number) => si(v);

export const AXIS_PROPS = {
  stroke: 'var(--faint)',
  tick: { fill: 'var(--muted)', fontSize: '0.75rem' },
  tickLine: false,
} as const;

export const TOOLTIP_STYLE = {
  background: 'var(--surface)',
  border: '1px solid var(--border)',
  borderRadius: 8,
  color: 'var(--text)',
  fontSize: '0.8rem',
} as const;
