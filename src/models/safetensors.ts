// safetensors (de)serialisation: 8-byte little-endian header length, a JSON header of
// {name: {dtype, shape, data_offsets}} plus __metadata__, then the raw little-endian data; and the
// metadata that makes a Strata checkpoint self-describing (preset, vocabulary or task).
import type { Preset } from './presets';

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array | Int32Array;
}

const DTYPES = { F32: Float32Array, I32: Int32Array } as const;

export function encodeSafetensors(tensors: NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.data.byteLength;
    header[t.name] = {
      dtype: t.data instanceof Float32Array ? 'F32' : 'I32',
      shape: t.shape,
      data_offsets: [offset, offset + bytes],
    };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((json.length + 8) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

export interface Safetensors {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

export function decodeSafetensors(bytes: Uint8Array): Safetensors {
  if (bytes.length < 8) throw new Error('Not a safetensors file: shorter than its 8-byte header length.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > bytes.length)
    throw new Error(`Not a safetensors file: header length ${n} exceeds the file size ${bytes.length}.`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  const base = 8 + n;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets } = entry as {
      dtype: string;
      shape: number[];
      data_offsets: [number, number];
    };
    const Ctor = DTYPES[dtype as keyof typeof DTYPES];
    if (!Ctor) throw new Error(`Tensor "${name}" has dtype ${dtype}; Strata reads F32 and I32 only.`);
    // A copy (Node's Buffer.slice would share the file's pooled memory), aligned for the typed array.
    const raw = Uint8Array.prototype.slice.call(bytes, base + data_offsets[0], base + data_offsets[1]);
    const data = new Ctor(raw.buffer, 0, raw.byteLength / 4);
    if (data.length !== shape.reduce((a, b) => a * b, 1))
      throw new Error(`Tensor "${name}": ${data.length} values for shape [${shape}].`);
    tensors.set(name, { name, shape, data });
  }
  return { tensors, metadata };
}

/**
 * What makes a Strata checkpoint self-describing: the resolved preset (spec and training settings)
 * and either the character vocabulary of a text run or the task (and its options) of a task run.
 */
export interface CheckpointInfo {
  preset: Preset;
  /** The tokenizer's characters, in id order (text runs). */
  vocab?: string[];
  /** The synthetic task (task runs). */
  task?: { name: string; options: Record<string, number> };
}

export const CHECKPOINT_FORMAT = 'strata';

export function checkpointMetadata(info: CheckpointInfo): Record<string, string> {
  const meta: Record<string, string> = { format: CHECKPOINT_FORMAT, preset: JSON.stringify(info.preset) };
  if (info.vocab) meta.vocab = JSON.stringify(info.vocab);
  if (info.task) meta.task = JSON.stringify(info.task);
  return meta;
}

export function readCheckpointInfo(metadata: Record<string, string>): CheckpointInfo {
  if (metadata.format !== CHECKPOINT_FORMAT || !metadata.preset)
    throw new Error(
      'This safetensors file is not a Strata checkpoint (no format/preset metadata): write one with `cli train --save FILE`.',
    );
  const info: CheckpointInfo = { preset: JSON.parse(metadata.preset) as Preset };
  if (metadata.vocab) info.vocab = JSON.parse(metadata.vocab) as string[];
  if (metadata.task) info.task = JSON.parse(metadata.task) as CheckpointInfo['task'];
  if (!info.vocab && !info.task)
    throw new Error(
      'The checkpoint names neither a vocabulary nor a task; re-save it with `cli train --save`.',
    );
  return info;
}
