// The stack as the editor holds it: the shorthand spec (only the settings the user set; the rest
// follow the width through the field defaults), with a stable id per group and block for drag and
// drop, selection and React keys. Converts to and from the engine's SpecInput.
import type {
  ChannelInput,
  ChannelKind,
  MixerInput,
  MixerKind,
  NormKind,
  SpecInput,
} from '../../src/models/spec';

/** Settings set explicitly on a mixer or channel; NaN = typed but not a number (validation says so). */
export type FieldValues = Record<string, number | boolean>;

export interface EditBlock {
  id: string;
  mixer: MixerKind;
  mixerFields: FieldValues;
  channel: ChannelKind | null;
  channelFields: FieldValues;
  repeat: number;
}

export interface EditGroup {
  id: string;
  blocks: EditBlock[];
  repeat: number;
}

export interface ModelSettings {
  width: number;
  vocab: number;
  contextLength: number;
  norm: NormKind;
  normEps: number;
  tiedEmbeddings: boolean;
  embedNorm: boolean;
}

export interface EditSpec extends ModelSettings {
  stack: EditGroup[];
}

/** Model-wide defaults, as resolveSpec fills them in. */
export const MODEL_DEFAULTS = {
  norm: 'rmsnorm',
  normEps: 1e-5,
  tiedEmbeddings: true,
  embedNorm: false,
} as const;

let counter = 0;
/** A fresh id, unique for this page ("b12", "g3"). */
export function newId(prefix: 'b' | 'g'): string {
  counter += 1;
  return `${prefix}${counter}`;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Splits "kind" or { kind, ...fields } into the kind and the fields that are numbers or booleans. */
function split(raw: unknown): { kind: string; fields: FieldValues } {
  if (!isObj(raw)) return { kind: String(raw), fields: {} };
  const fields: FieldValues = {};
  for (const [k, v] of Object.entries(raw))
    if (k !== 'kind' && (typeof v === 'number' || typeof v === 'boolean')) fields[k] = v;
  return { kind: String(raw.kind), fields };
}

export function makeBlock(
  mixer: MixerKind,
  channel: ChannelKind | null,
  mixerFields: FieldValues = {},
  repeat = 1,
): EditBlock {
  return { id: newId('b'), mixer, mixerFields, channel, channelFields: {}, repeat };
}

/** The editor's form of a spec as written (a preset or one decoded from the URL). */
export function fromInput(input: SpecInput): EditSpec {
  return {
    width: input.width,
    vocab: input.vocab,
    contextLength: input.contextLength,
    norm: input.norm ?? MODEL_DEFAULTS.norm,
    normEps: input.normEps ?? MODEL_DEFAULTS.normEps,
    tiedEmbeddings: input.tiedEmbeddings ?? MODEL_DEFAULTS.tiedEmbeddings,
    embedNorm: input.embedNorm ?? MODEL_DEFAULTS.embedNorm,
    stack: input.stack.map((g) => ({
      id: newId('g'),
      repeat: g.repeat ?? 1,
      blocks: g.blocks.map((b) => {
        const m = split(b.mixer);
        const c = b.channel === undefined || b.channel === null ? null : split(b.channel);
        return {
          id: newId('b'),
          mixer: m.kind as MixerKind,
          mixerFields: m.fields,
          channel: (c?.kind as ChannelKind | undefined) ?? null,
          channelFields: c?.fields ?? {},
          repeat: b.repeat ?? 1,
        };
      }),
    })),
  };
}

const part = <K extends string>(kind: K, fields: FieldValues) =>
  Object.keys(fields).length ? { kind, ...fields } : kind;

/** The spec as written, for validateSpec, the cost model, the URL and the engine. */
export function toInput(e: EditSpec): SpecInput {
  return {
    width: e.width,
    vocab: e.vocab,
    contextLength: e.contextLength,
    norm: e.norm,
    normEps: e.normEps,
    tiedEmbeddings: e.tiedEmbeddings,
    embedNorm: e.embedNorm,
    stack: e.stack.map((g) => ({
      repeat: g.repeat,
      blocks: g.blocks.map((b) => ({
        mixer: part(b.mixer, b.mixerFields) as MixerInput,
        channel: b.channel ? (part(b.channel, b.channelFields) as ChannelInput) : null,
        repeat: b.repeat,
      })),
    })),
  };
}

/** The spec path of a block ("stack[1].blocks[0]"), as validation problems and the cost model name it. */
export function blockPath(gi: number, bi: number): string {
  return `stack[${gi}].blocks[${bi}]`;
}

/** Where a block is: its group's index and its own, or null if it is gone. */
export function findBlock(e: EditSpec, id: string): { gi: number; bi: number; block: EditBlock } | null {
  for (let gi = 0; gi < e.stack.length; gi++) {
    const bi = e.stack[gi].blocks.findIndex((b) => b.id === id);
    if (bi >= 0) return { gi, bi, block: e.stack[gi].blocks[bi] };
  }
  return null;
}

/** The number of layers the stack expands to. */
export function layerCount(e: EditSpec): number {
  return e.stack.reduce((n, g) => n + g.repeat * g.blocks.reduce((m, b) => m + b.repeat, 0), 0);
}
