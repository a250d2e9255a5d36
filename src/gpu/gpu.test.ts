// The GPU runtime: buffer pool accounting (live, peak, reuse), the pipeline cache (one compile per
// shader + constants, WGSL errors named by op), and adapter description.
import { describe, expect, it } from 'vitest';
import { nodeGpu } from './node-gpu';
import { adapterLabel } from './device';
import { backends } from '../kernels/testing';

const OK = `
override SCALE: f32 = 1.0;
@group(0) @binding(0) var<storage, read_write> a: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) { a[g.x] = SCALE; }`;

describe('gpu runtime', () => {
  it('accounts live and peak bytes and reuses released buffers', async () => {
    const { pool } = await nodeGpu();
    const live0 = pool.liveBytes;
    pool.resetPeak();
    const a = pool.acquire(1000, 'a');
    const b = pool.acquire(4096, 'b');
    expect(pool.liveBytes - live0).toBe(1008 + 4096);
    pool.release(a);
    expect(pool.liveBytes - live0).toBe(4096);
    expect(pool.peakBytes - live0).toBe(1008 + 4096);
    const held = pool.heldBytes;
    const c = pool.acquire(1001, 'c');
    expect(c).toBe(a);
    expect(pool.heldBytes).toBe(held);
    pool.release(b);
    pool.release(c);
    expect(() => pool.release(c)).toThrow(/released twice/);
    expect(pool.liveBytes).toBe(live0);
  });

  it('refuses a buffer over the device limit with both sizes in the message', async () => {
    const gpu = await nodeGpu();
    const max = gpu.device.limits.maxBufferSize;
    expect(() => gpu.pool.acquire(max + 1024, 'kv cache')).toThrow(
      /"kv cache" needs a \d+-byte buffer; this device allows at most \d+ bytes/,
    );
  });

  it('compiles each (shader, constants) once and names the op in WGSL errors', async () => {
    const gpu = await nodeGpu();
    const { pipelines } = gpu;
    const before = pipelines.compiles;
    const p1 = await pipelines.compile({ name: 'fill', code: OK, constants: { SCALE: 2 } });
    const p2 = pipelines.get({ name: 'fill', code: OK, constants: { SCALE: 2 } });
    const p3 = pipelines.get({ name: 'fill', code: OK, constants: { SCALE: 3 } });
    expect(p2).toBe(p1);
    expect(p3).not.toBe(p1);
    expect(pipelines.compiles - before).toBe(2);
    await expect(pipelines.compile({ name: 'brokenOp', code: 'fn main( {' })).rejects.toThrow(
      /WGSL error in kernel "brokenOp":\n\s+line 1:/,
    );
    await gpu.device.queue.onSubmittedWorkDone();
    expect(gpu.errors.join('\n')).toMatch(/brokenOp/);
    gpu.errors.length = 0;
  });

  it('describes the adapter and flags software adapters', async () => {
    const { adapter } = await nodeGpu();
    expect(adapter.vendor.length).toBeGreaterThan(0);
    if (/swiftshader/i.test(adapter.architecture + adapter.description)) {
      expect(adapter.isSoftware).toBe(true);
      expect(adapterLabel(adapter)).toMatch(/software adapter/);
    }
  });
});

describe('reads', () => {
  it('reads a range of a tensor, on both backends, and refuses one outside it', async () => {
    const { gpu, cpu } = await backends();
    const data = Float32Array.from({ length: 37 }, (_, i) => i * 0.5 - 3);
    for (const b of [gpu, cpu]) {
      const t = b.alloc([37], 'range');
      b.write(t, data);
      expect([...(await b.read(t, 5, 7))]).toEqual([...data.slice(5, 12)]);
      expect([...(await b.read(t, 36, 1))]).toEqual([data[36]]);
      expect([...(await b.read(t))]).toEqual([...data]);
      b.free(t);
    }
    const t = gpu.alloc([4], 'small');
    await expect(gpu.read(t, 2, 3)).rejects.toThrow(/outside its 4/);
    gpu.free(t);
  });
});
