// The CPU reference backend: typed arrays and the plain-loop reference of every kernel.
// Slow by design; used to check the GPU and when a browser has no WebGPU (tiny models only).
import type { Backend, KernelDef, Op } from './backend';
import { Tensor, sizeOf, type Data, type DType } from './tensor';

interface CpuOp extends Op {
  fn: () => void;
}

export class CpuBackend implements Backend {
  readonly kind = 'cpu' as const;
  private live = 0;
  private peak = 0;

  alloc(shape: readonly number[], label: string, dtype: DType = 'f32'): Tensor {
    const n = sizeOf(shape);
    const data = dtype === 'f32' ? new Float32Array(n) : new Int32Array(n);
    this.live += n * 4;
    this.peak = Math.max(this.peak, this.live);
    return new Tensor(shape, dtype, label, undefined, data);
  }

  free(t: Tensor): void {
    if (!t.cpu) throw new Error(`Tensor "${t.label}" has no CPU storage (freed twice?).`);
    this.live -= t.bytes;
    t.cpu = undefined;
  }

  write(t: Tensor, data: Data): void {
    if (!t.cpu) throw new Error(`Tensor "${t.label}" has no CPU storage.`);
    if (data.length !== t.size)
      throw new Error(`write to "${t.label}": got ${data.length} values, need ${t.size}.`);
    t.cpu.set(data);
  }

  async read(t: Tensor, offset = 0, count = t.size - offset): Promise<Data> {
    if (!t.cpu) throw new Error(`Tensor "${t.label}" has no CPU storage.`);
    return t.cpu.slice(offset, offset + count);
  }

  op<A>(kernel: KernelDef<A>, args: A): Op {
    const op: CpuOp = { name: kernel.name, fn: kernel.cpu(args) };
    return op;
  }

  run(ops: readonly Op[]): void {
    for (const op of ops) (op as CpuOp).fn();
  }

  release(_ops: readonly Op[]): void {}

  async sync(): Promise<void> {}

  memory() {
    return { liveBytes: this.live, peakBytes: this.peak };
  }

  resetPeak(): void {
    this.peak = this.live;
  }
}
