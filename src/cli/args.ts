// Minimal flag parsing for the CLI: `--name value`, `--flag`, with errors that list valid flags.
import { readFileSync } from 'node:fs';
import type { SpecInput } from '../models/spec';

export type Flags = Record<string, string | true>;

export function parseFlags(args: string[], known: Record<string, 'value' | 'flag'>): Flags {
  const out: Flags = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--'))
      throw new Error(
        `Unexpected argument "${a}". Flags: ${Object.keys(known)
          .map((k) => `--${k}`)
          .join(' ')}.`,
      );
    const name = a.slice(2);
    const kind = known[name];
    if (!kind)
      throw new Error(
        `Unknown flag "${a}". Flags: ${Object.keys(known)
          .map((k) => `--${k}`)
          .join(' ')}.`,
      );
    if (kind === 'flag') out[name] = true;
    else {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`Flag "${a}" needs a value.`);
      out[name] = v;
    }
  }
  return out;
}

export function intFlag(flags: Flags, name: string, fallback: number): number {
  const v = flags[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer (got "${v}").`);
  return n;
}

/** `--spec FILE`: a JSON model spec (LAYERS.md shorthand) used instead of a preset's own. */
export function readSpec(file: string): SpecInput {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SpecInput;
  } catch (e) {
    throw new Error(`--spec "${file}": ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
