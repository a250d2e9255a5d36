// The settings of a block's mixer or channel as the inspector lists them: each field of the engine's
// table (spec-fields.ts) with its effective value, the explicit one or the default for this width.
import type { ChannelKind, MixerKind } from '../../src/models/spec';
import { CHANNEL_FIELDS, MIXER_FIELDS } from '../../src/models/spec-fields';
import type { FieldValues } from './edit-spec';

export interface FieldView {
  key: string;
  type: 'int' | 'number' | 'bool';
  min?: number;
  max?: number;
  help: string;
  /** The value the engine will use: explicit if set, else the default. */
  value: number | boolean;
  /** Set by the user (else it follows the width). */
  explicit: boolean;
}

interface AnyField {
  type: 'int' | 'number' | 'bool';
  min?: number;
  max?: number;
  help: string;
  default(D: number, m: Record<string, number | boolean>): number | boolean;
}

export function fieldViews(
  part: 'mixer' | 'channel',
  kind: MixerKind | ChannelKind,
  explicit: FieldValues,
  D: number,
): FieldView[] {
  const tables = (part === 'mixer' ? MIXER_FIELDS : CHANNEL_FIELDS) as unknown as Record<
    string,
    Record<string, AnyField>
  >;
  const table = tables[kind] ?? {};
  const acc: Record<string, number | boolean> = {};
  return Object.entries(table).map(([key, f]) => {
    const set = key in explicit;
    // A default can depend on the width and on earlier fields (kvHeads follows heads).
    const value = set ? explicit[key] : Number.isFinite(D) ? f.default(D, acc) : NaN;
    acc[key] = value;
    return { key, type: f.type, min: f.min, max: f.max, help: f.help, value, explicit: set };
  });
}
