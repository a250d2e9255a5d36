// Spec validation and resolution: every problem of a spec as written (path + what to change), and
// the resolved ModelSpec with every default filled in.
import {
  LIMITS,
  NORM_KINDS,
  type Block,
  type Channel,
  type ChannelKind,
  type Group,
  type Mixer,
  type MixerKind,
  type ModelSpec,
  type NormKind,
  type SpecInput,
  type SpecProblem,
} from './spec';
import { CHANNEL_FIELDS, CHANNEL_KINDS, MIXER_FIELDS, MIXER_KINDS, mixerRules } from './spec-fields';

export class SpecError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(`Invalid model spec:\n${problems.map((p) => `- ${p.path || 'spec'}: ${p.message}`).join('\n')}`);
  }
}

/** Every problem of the spec (empty when it is valid); never throws, whatever the input holds. */
export function validateSpec(input: SpecInput): SpecProblem[] {
  return check(input).problems;
}

/** The spec with every default filled in; throws a SpecError listing every problem. */
export function resolveSpec(input: SpecInput): ModelSpec {
  const { spec, problems } = check(input);
  if (problems.length) throw new SpecError(problems);
  return spec;
}

type Report = (path: string, message: string) => void;
type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const show = (x: unknown) => (typeof x === 'string' ? `"${x}"` : String(x));

function checkKeys(o: Obj, allowed: readonly string[], path: string, what: string, report: Report): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k))
      report(join(path, k), `unknown setting "${k}" for ${what}: the settings are ${allowed.join(', ')}`);
}

/** A number field: the value if given and valid, the default if absent, NaN (reported) if invalid. */
function readNumber(
  o: Obj,
  key: string,
  path: string,
  f: { type: 'int' | 'number'; min: number; max: number },
  def: number | undefined,
  report: Report,
): number {
  const v = o[key];
  const p = join(path, key);
  if (v === undefined) {
    if (def === undefined) report(p, `${key} is required: a whole number from ${f.min} to ${f.max}`);
    return def ?? NaN;
  }
  const whole = f.type === 'int' ? 'a whole number' : 'a number';
  if (typeof v !== 'number' || !Number.isFinite(v) || (f.type === 'int' && !Number.isInteger(v)))
    report(p, `${key} must be ${whole} from ${f.min} to ${f.max}, got ${show(v)}`);
  else if (v < f.min) report(p, `${key} must be at least ${f.min}, got ${v}`);
  else if (v > f.max) report(p, `${key} (${v}) is past the limit of ${f.max}: use at most ${f.max}`);
  else return v;
  return NaN;
}

function readBool(o: Obj, key: string, path: string, def: boolean, report: Report): boolean {
  const v = o[key];
  if (v === undefined) return def;
  if (typeof v !== 'boolean') report(join(path, key), `${key} must be true or false, got ${show(v)}`);
  return v === true;
}

/** A row of a FieldTable, as readFields sees it (method syntax: any mixer's table fits). */
interface AnyField {
  type: 'int' | 'number' | 'bool';
  min?: number;
  max?: number;
  default(D: number, m: Record<string, number | boolean>): number | boolean;
}

/** Resolves the fields of a mixer or channel from its table; invalid numbers become NaN. */
function readFields(
  table: Record<string, AnyField>,
  o: Obj,
  D: number,
  path: string,
  what: string,
  report: Report,
): Record<string, number | boolean> {
  checkKeys(o, ['kind', ...Object.keys(table)], path, what, report);
  const out: Record<string, number | boolean> = {};
  for (const [key, f] of Object.entries(table)) {
    const def = f.default(D, out);
    out[key] =
      f.type === 'bool'
        ? readBool(o, key, path, def as boolean, report)
        : readNumber(
            o,
            key,
            path,
            { type: f.type, min: f.min ?? 0, max: f.max ?? Infinity },
            def as number,
            report,
          );
  }
  return out;
}

/** Splits "kind" or { kind, ...fields } and checks the kind against the known ones. */
function readKind<K extends string>(
  raw: unknown,
  kinds: readonly K[],
  path: string,
  what: string,
  report: Report,
): { kind: K; fields: Obj } | undefined {
  const fields = isObj(raw) ? raw : {};
  const kind = isObj(raw) ? raw.kind : raw;
  const p = isObj(raw) ? join(path, 'kind') : path;
  if ((kinds as readonly unknown[]).includes(kind)) return { kind: kind as K, fields };
  report(
    p,
    kind === undefined
      ? `a ${what} kind is required: one of ${kinds.join(', ')}`
      : `unknown ${what} ${show(kind)}: the known ${what}s are ${kinds.join(', ')}`,
  );
  return undefined;
}

function readMixer(raw: unknown, D: number, path: string, report: Report): Mixer | undefined {
  const k = readKind<MixerKind>(raw, MIXER_KINDS, path, 'mixer', report);
  if (!k) return undefined;
  const fields = readFields(MIXER_FIELDS[k.kind], k.fields, D, path, `a ${k.kind} mixer`, report);
  const m = { kind: k.kind, ...fields } as Mixer;
  if (Number.isFinite(D)) for (const p of mixerRules(m, D, path)) report(p.path, p.message);
  return m;
}

function readChannel(raw: unknown, D: number, path: string, report: Report): Channel | null | undefined {
  if (raw === undefined || raw === null) return null;
  const k = readKind<ChannelKind>(raw, CHANNEL_KINDS, path, 'channel', report);
  if (!k) return undefined;
  const fields = readFields(CHANNEL_FIELDS[k.kind], k.fields, D, path, `a ${k.kind} channel`, report);
  return { kind: k.kind, ...fields } as Channel;
}

function readBlock(raw: unknown, D: number, path: string, report: Report): Block | undefined {
  if (!isObj(raw)) {
    report(
      path,
      `a block must be an object such as { mixer: "attention", channel: "swiglu" }, got ${show(raw)}`,
    );
    return undefined;
  }
  checkKeys(raw, ['mixer', 'channel', 'repeat'], path, 'a block', report);
  const mixer = readMixer(raw.mixer, D, join(path, 'mixer'), report);
  const channel = readChannel(raw.channel, D, join(path, 'channel'), report);
  const repeat = readNumber(raw, 'repeat', path, { type: 'int', min: 1, max: LIMITS.repeat }, 1, report);
  return mixer && channel !== undefined ? { mixer, channel, repeat } : undefined;
}

function readGroup(raw: unknown, D: number, path: string, report: Report): Group | undefined {
  if (!isObj(raw)) {
    report(path, `a group must be an object { blocks: [...], repeat }, got ${show(raw)}`);
    return undefined;
  }
  checkKeys(raw, ['blocks', 'repeat'], path, 'a group', report);
  const repeat = readNumber(raw, 'repeat', path, { type: 'int', min: 1, max: LIMITS.repeat }, 1, report);
  const bp = join(path, 'blocks');
  if (!Array.isArray(raw.blocks) || raw.blocks.length === 0) {
    report(
      bp,
      'the group has no blocks: add a block such as { mixer: "attention", channel: "swiglu" } or remove the group',
    );
    return undefined;
  }
  const blocks = raw.blocks.map((b, i) => readBlock(b, D, `${bp}[${i}]`, report));
  return blocks.every((b) => b !== undefined) ? { blocks: blocks as Block[], repeat } : undefined;
}

const MODEL_KEYS = [
  'width',
  'vocab',
  'contextLength',
  'norm',
  'normEps',
  'tiedEmbeddings',
  'embedNorm',
  'stack',
];

function check(input: unknown): { spec: ModelSpec; problems: SpecProblem[] } {
  const problems: SpecProblem[] = [];
  const report: Report = (path, message) => problems.push({ path, message });
  const o = isObj(input) ? input : {};
  if (!isObj(input))
    report('', `the spec must be an object with width, vocab, contextLength and stack, got ${show(input)}`);
  else checkKeys(o, MODEL_KEYS, '', 'the model', report);
  const width = readNumber(o, 'width', '', { type: 'int', min: 1, max: LIMITS.width }, undefined, report);
  const vocab = readNumber(o, 'vocab', '', { type: 'int', min: 1, max: LIMITS.vocab }, undefined, report);
  const ctx = { type: 'int', min: 1, max: LIMITS.contextLength } as const;
  const contextLength = readNumber(o, 'contextLength', '', ctx, undefined, report);
  let norm: NormKind = 'rmsnorm';
  if (o.norm !== undefined) {
    if ((NORM_KINDS as readonly unknown[]).includes(o.norm)) norm = o.norm as NormKind;
    else report('norm', `unknown norm ${show(o.norm)}: the known norms are ${NORM_KINDS.join(', ')}`);
  }
  const normEps = readNumber(o, 'normEps', '', { type: 'number', min: 1e-12, max: 0.1 }, 1e-5, report);
  const tiedEmbeddings = readBool(o, 'tiedEmbeddings', '', true, report);
  const embedNorm = readBool(o, 'embedNorm', '', false, report);
  const stack: Group[] = [];
  if (!Array.isArray(o.stack))
    report(
      'stack',
      'stack must be a list of groups, e.g. [{ blocks: [{ mixer: "attention", channel: "swiglu" }], repeat: 2 }]',
    );
  else if (o.stack.length === 0) report('stack', 'the stack is empty: add at least one group of blocks');
  else
    o.stack.forEach((g, i) => {
      const group = readGroup(g, width, `stack[${i}]`, report);
      if (group) stack.push(group);
    });
  const layers = stack.reduce((n, g) => n + g.repeat * g.blocks.reduce((m, b) => m + b.repeat, 0), 0);
  if (layers > LIMITS.layers)
    report(
      'stack',
      `the stack expands to ${layers} layers, past the limit of ${LIMITS.layers}: lower some repeat counts`,
    );
  const spec = { width, vocab, contextLength, norm, normEps, tiedEmbeddings, embedNorm, stack };
  return { spec, problems };
}
