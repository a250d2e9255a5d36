// Builds a GpuStep from one WGSL kernel. Binding convention for every kernel:
//   @binding(0) var<uniform> p : Params   — u32 fields first, then f32 fields (then live f32s)
//   @binding(1..n) storage buffers in the order given.
// 1-D work over more than 65535 workgroups uses a 2-D grid: see `grid`.
import type { Gpu } from '../gpu/device';
import type { KernelSource } from '../gpu/pipeline-cache';
import type { GpuStep, LiveScalars } from './backend';
import type { Tensor } from './tensor';

export interface DispatchSpec {
  kernel: KernelSource;
  buffers: (Tensor | GPUBuffer)[];
  u32?: number[];
  f32?: number[];
  /** Scalars uploaded before every submit, appended after the f32 fields. */
  live?: LiveScalars;
  workgroups: [number, number?, number?];
}

function bufferOf(b: Tensor | GPUBuffer): GPUBuffer {
  if ('label' in b && 'shape' in b) {
    if (!b.gpu) throw new Error(`Tensor "${b.label}" has no GPU storage.`);
    return b.gpu;
  }
  return b;
}

export function prepareDispatch(gpu: Gpu, spec: DispatchSpec): GpuStep & { params: GPUBuffer } {
  const { device } = gpu;
  const u = spec.u32 ?? [];
  const f = spec.f32 ?? [];
  const nLive = spec.live?.values.length ?? 0;
  const words = Math.max(4, Math.ceil((u.length + f.length + nLive) / 4) * 4);
  const data = new ArrayBuffer(words * 4);
  new Uint32Array(data, 0, u.length).set(u);
  new Float32Array(data, u.length * 4, f.length).set(f);
  const params = device.createBuffer({
    size: words * 4,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    label: `${spec.kernel.name} params`,
  });
  device.queue.writeBuffer(params, 0, new Uint32Array(data));
  const pipeline = gpu.pipelines.get(spec.kernel);
  const bindGroup = device.createBindGroup({
    label: spec.kernel.name,
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: params } },
      ...spec.buffers.map((b, i) => ({ binding: i + 1, resource: { buffer: bufferOf(b) } })),
    ],
  });
  const [x, y = 1, z = 1] = spec.workgroups;
  const liveOffset = (u.length + f.length) * 4;
  return {
    params,
    encode(pass) {
      if (x === 0 || y === 0 || z === 0) return;
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(x, y, z);
    },
    beforeSubmit: spec.live
      ? () => device.queue.writeBuffer(params, liveOffset, spec.live!.values as Float32Array<ArrayBuffer>)
      : undefined,
  };
}

/** Several dispatches as one step, encoded in order. */
export function sequence(steps: GpuStep[]): GpuStep {
  return {
    encode(pass) {
      for (const s of steps) s.encode(pass);
    },
    beforeSubmit() {
      for (const s of steps) s.beforeSubmit?.();
    },
  };
}

/** Workgroup grid for `n` invocations of `wg` threads: [x, y] with x ≤ 65535.
 *  In WGSL: `let i = gid.x + gid.y * (nwg.x * WG);` with `@builtin(num_workgroups) nwg`. */
export function grid(n: number, wg: number): [number, number] {
  const groups = Math.ceil(n / wg);
  if (groups <= 65535) return [groups, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}

/** Several dispatches as one step that owns scratch buffers from the pool until `release()`. */
export function withScratch(gpu: Gpu, steps: GpuStep[], scratch: GPUBuffer[]): GpuStep {
  return {
    ...sequence(steps),
    release() {
      for (const b of scratch.splice(0)) gpu.pool.release(b);
    },
  };
}
