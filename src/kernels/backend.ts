// The backend interface: two implementations (WebGPU and the CPU reference) run the same model
// code. A kernel is defined once as a KernelDef with a CPU reference and a GPU dispatch, so the
// compiler checks that every op exists on both backends.
import type { Gpu } from '../gpu/device';
import type { Data, DType, Tensor } from './tensor';

/** A prepared GPU step: bind groups and uniforms are built once, encoding is cheap. */
export interface GpuStep {
  encode(pass: GPUComputePassEncoder): void;
  /** Called before each submit that contains this step (e.g. to upload live scalars). */
  beforeSubmit?(): void;
  /** Gives scratch buffers acquired at prepare time back to the pool. */
  release?(): void;
}

export interface KernelDef<A> {
  name: string;
  /** Prepares the CPU reference; the returned function runs it on the tensors' typed arrays. */
  cpu(args: A): () => void;
  /** Prepares the WebGPU dispatch(es) for the same arguments. */
  gpu(gpu: Gpu, args: A): GpuStep;
}

/** An op prepared on one backend, run any number of times. */
export interface Op {
  readonly name: string;
}

export interface Backend {
  readonly kind: 'cpu' | 'webgpu';
  alloc(shape: readonly number[], label: string, dtype?: DType): Tensor;
  free(t: Tensor): void;
  write(t: Tensor, data: Data): void;
  /** Elements [offset, offset + count) of t (all of it by default). */
  read(t: Tensor, offset?: number, count?: number): Promise<Data>;
  op<A>(kernel: KernelDef<A>, args: A): Op;
  /** Runs ops in order; on WebGPU as a single command-buffer submit. */
  run(ops: readonly Op[]): void;
  /** Frees what prepared ops hold (scratch buffers); the ops must not run again. */
  release(ops: readonly Op[]): void;
  /** Resolves when all submitted work has finished. */
  sync(): Promise<void>;
  /** Live and peak bytes of tensor storage. */
  memory(): { liveBytes: number; peakBytes: number };
  resetPeak(): void;
}

/** Mutable scalars read by an op at every run (learning rate, step count …). */
export class LiveScalars {
  readonly values: Float32Array;
  constructor(n: number) {
    this.values = new Float32Array(n);
  }
}
