// The synthetic tasks by name (`cli train --task NAME`).
import type { TaskDef } from './task';
import { mqar } from './mqar';
import { selectiveCopy } from './selective-copy';
import { induction } from './induction';
import { parity } from './parity';
import { permutation } from './permutation';

export const TASKS: Record<string, TaskDef> = Object.fromEntries(
  [mqar, selectiveCopy, induction, parity, permutation].map((t) => [t.name, t]),
);

export function taskDef(name: string): TaskDef {
  const def = TASKS[name];
  if (!def) throw new Error(`Unknown task "${name}". Tasks: ${Object.keys(TASKS).join(', ')}.`);
  return def;
}
