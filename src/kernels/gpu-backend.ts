// The WebGPU backend: tensors live in pooled GPU buffers; a list of ops is encoded into one
// compute pass and submitted once.
import type { Gpu } from '../gpu/device';
import type { Backend, GpuStep, KernelDef, Op } from './backend';
import { Tensor, sizeOf, type Data, type DType } from './tensor';

interface GpuOp extends Op {
  step: GpuStep;
}

export class GpuBackend implements Backend {
  readonly kind = 'webgpu' as const;
  /** Mappable staging buffers by size, reused across reads (generation reads once per token). */
  private staging = new Map<number, GPUBuffer[]>();

  constructor(readonly gpu: Gpu) {}

  alloc(shape: readonly number[], label: string, dtype: DType = 'f32'): Tensor {
    const buf = this.gpu.pool.acquire(sizeOf(shape) * 4, label);
    return new Tensor(shape, dtype, label, buf);
  }

  free(t: Tensor): void {
    if (!t.gpu) throw new Error(`Tensor "${t.label}" has no GPU storage (freed twice?).`);
    this.gpu.pool.release(t.gpu);
    t.gpu = undefined;
  }

  write(t: Tensor, data: Data): void {
    if (!t.gpu) throw new Error(`Tensor "${t.label}" has no GPU storage.`);
    if (data.length !== t.size)
      throw new Error(`write to "${t.label}": got ${data.length} values, need ${t.size}.`);
    this.gpu.device.queue.writeBuffer(t.gpu, 0, data as Float32Array<ArrayBuffer>);
  }

  async read(t: Tensor, offset = 0, count = t.size - offset): Promise<Data> {
    if (!t.gpu) throw new Error(`Tensor "${t.label}" has no GPU storage.`);
    if (offset < 0 || count < 0 || offset + count > t.size) {
      throw new Error(
        `read of "${t.label}": elements [${offset}, ${offset + count}) are outside its ${t.size}.`,
      );
    }
    const { device } = this.gpu;
    const size = Math.max(4, Math.ceil(count / 4) * 16); // copies are 4-byte aligned, sizes multiples of 4
    const free = this.staging.get(size) ?? [];
    const staging =
      free.pop() ??
      device.createBuffer({
        size,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
        label: `read ${size} B`,
      });
    const enc = device.createCommandEncoder();
    if (count > 0) enc.copyBufferToBuffer(t.gpu, offset * 4, staging, 0, count * 4);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const bytes = staging.getMappedRange().slice(0, count * 4);
    staging.unmap();
    this.staging.set(size, [...free, staging]);
    return t.dtype === 'f32' ? new Float32Array(bytes) : new Int32Array(bytes);
  }

  op<A>(kernel: KernelDef<A>, args: A): Op {
    const op: GpuOp = { name: kernel.name, step: kernel.gpu(this.gpu, args) };
    return op;
  }

  run(ops: readonly Op[]): void {
    const { device } = this.gpu;
    for (const op of ops) (op as GpuOp).step.beforeSubmit?.();
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    for (const op of ops) (op as GpuOp).step.encode(pass);
    pass.end();
    device.queue.submit([enc.finish()]);
  }

  release(ops: readonly Op[]): void {
    for (const op of ops) (op as GpuOp).step.release?.();
  }

  sync(): Promise<void> {
    return this.gpu.device.queue.onSubmittedWorkDone();
  }

  memory() {
    return { liveBytes: this.gpu.pool.liveBytes, peakBytes: this.gpu.pool.peakBytes };
  }

  resetPeak(): void {
    this.gpu.pool.resetPeak();
  }
}
