// safetensors: byte layout (header length, 8-byte alignment, offsets) and round trip.
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

describe('safetensors', () => {
  it('writes an aligned header with offsets and reads the same tensors back', () => {
    const a = { name: 'model.norm.weight', shape: [3], data: new Float32Array([1, 2.5, -3]) };
    const b = { name: 'ids', shape: [2, 1], data: new Int32Array([7, -1]) };
    const bytes = encodeSafetensors([a, b], { preset: 'transformer' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header['model.norm.weight']).toEqual({ dtype: 'F32', shape: [3], data_offsets: [0, 12] });
    expect(header.ids.data_offsets).toEqual([12, 20]);
    const back = decodeSafetensors(bytes);
    expect(back.metadata.preset).toBe('transformer');
    expect([...back.tensors.get('model.norm.weight')!.data]).toEqual([1, 2.5, -3]);
    expect([...back.tensors.get('ids')!.data]).toEqual([7, -1]);
  });

  it('says what is wrong with a file that is not safetensors', () => {
    expect(() => decodeSafetensors(new Uint8Array([1, 2]))).toThrow(/8-byte/);
    const bad = new Uint8Array(16);
    new DataView(bad.buffer).setBigUint64(0, 1000n, true);
    expect(() => decodeSafetensors(bad)).toThrow(/exceeds the file size/);
  });
});
