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

  async read(t: Tensor): Promise<Data> {
    if (!t.gpu) throw new Error(`Tensor "${t.label}" has no GPU storage.`);
    const { device } = this.gpu;
    const staging = device.createBuffer({
      size: t.gpu.size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      label: `read ${t.label}`,
    });
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(t.gpu, 0, staging, 0, t.gpu.size);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const bytes = staging.getMappedRange().slice(0, t.bytes);
    staging.unmap();
    staging.destroy();
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
