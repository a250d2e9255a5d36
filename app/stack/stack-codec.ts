// A compact, readable text form of a stack for the address bar, e.g. OLMo Hybrid:
//   (gdn.swiglu*3,attention[qkNorm;postNorm].swiglu)x2
// A group is "(blocks)" then "xN" when repeated; a block is the mixer kind, its settings in brackets,
// then "." and the channel kind (and its settings) when it has one, then "*N" when repeated. A setting
// is "key=value", a bare "key" for true, "key=0" for false. Only characters that URLs keep as they are.
import type { BlockInput, GroupInput } from '../../src/models/spec';
import { CHANNEL_FIELDS, MIXER_FIELDS } from '../../src/models/spec-fields';

type Settings = Record<string, number | boolean>;

function settingsText(fields: Settings): string {
  const parts = Object.entries(fields)
    .filter(([, v]) => typeof v === 'boolean' || Number.isFinite(v))
    .map(([k, v]) => (v === true ? k : v === false ? `${k}=0` : `${k}=${v}`));
  return parts.length ? `[${parts.join(';')}]` : '';
}

function partText(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  const { kind, ...fields } = raw as { kind: string } & Settings;
  return `${kind}${settingsText(fields)}`;
}

function blockText(b: BlockInput): string {
  const channel = b.channel ? `.${partText(b.channel)}` : '';
  const repeat = b.repeat !== undefined && b.repeat !== 1 ? `*${b.repeat}` : '';
  return `${partText(b.mixer)}${channel}${repeat}`;
}

export function encodeStack(stack: readonly GroupInput[]): string {
  return stack
    .map(
      (g) =>
        `(${g.blocks.map(blockText).join(',')})${g.repeat !== undefined && g.repeat !== 1 ? `x${g.repeat}` : ''}`,
    )
    .join('');
}

/** Reads the text form back; an error says where the text stops making sense and what was expected. */
export function decodeStack(text: string): GroupInput[] {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`The stack "${text}" cannot be read at character ${i + 1}: expected ${what}.`);
  };
  const peek = () => text[i];
  const eat = (ch: string) => {
    if (text[i] !== ch) fail(`"${ch}"`);
    i++;
  };
  const word = (what: string) => {
    const m = /^[A-Za-z][A-Za-z0-9-]*/.exec(text.slice(i));
    if (!m) return fail(what);
    i += m[0].length;
    return m[0];
  };
  const int = () => {
    const m = /^\d+/.exec(text.slice(i));
    if (!m) return fail('a whole number');
    i += m[0].length;
    return Number(m[0]);
  };
  const part = (what: string): string | Record<string, unknown> => {
    const kind = word(what);
    if (peek() !== '[') return kind;
    i++;
    const fields: Settings = {};
    while (peek() !== ']') {
      const key = word('a setting name');
      if (peek() === '=') {
        i++;
        const m = /^-?[0-9.e+-]+/.exec(text.slice(i));
        if (!m || !Number.isFinite(Number(m[0]))) return fail(`a number for ${key}`);
        i += m[0].length;
        fields[key] = Number(m[0]);
      } else fields[key] = true;
      if (peek() === ';') i++;
      else if (peek() !== ']') fail('";" or "]"');
    }
    i++;
    // "key=0" / "key=1" of a true-or-false setting is that boolean.
    const table =
      (MIXER_FIELDS as Record<string, object>)[kind] ?? (CHANNEL_FIELDS as Record<string, object>)[kind];
    for (const [k, v] of Object.entries(fields)) {
      const f = (table as Record<string, { type: string }> | undefined)?.[k];
      if (f?.type === 'bool' && typeof v === 'number') fields[k] = v !== 0;
    }
    return { kind, ...fields };
  };
  const groups: GroupInput[] = [];
  while (i < text.length) {
    eat('(');
    const blocks: BlockInput[] = [];
    for (;;) {
      const block: BlockInput = { mixer: part('a mixer kind') as BlockInput['mixer'] };
      if (peek() === '.') {
        i++;
        block.channel = part('a channel kind') as BlockInput['channel'];
      }
      if (peek() === '*') {
        i++;
        block.repeat = int();
      }
      blocks.push(block);
      if (peek() === ',') i++;
      else break;
    }
    eat(')');
    const group: GroupInput = { blocks };
    if (peek() === 'x') {
      i++;
      group.repeat = int();
    }
    groups.push(group);
  }
  return groups;
}
