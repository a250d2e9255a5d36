// A tensor is a shape, a dtype and storage owned by one backend: a GPUBuffer (WebGPU) or a typed
// array (CPU reference). Row-major, no strides: ops take explicit sizes.

export type DType = 'f32' | 'i32';
export type Data = Float32Array | Int32Array;

export class Tensor {
  readonly size: number;
  constructor(
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly label: string,
    public gpu?: GPUBuffer,
    public cpu?: Data,
  ) {
    this.size = shape.reduce((a, b) => a * b, 1);
  }

  get bytes(): number {
    return this.size * 4;
  }

  /** The CPU storage as f32; throws if this tensor is not a CPU f32 tensor. */
  get f32(): Float32Array {
    if (!(this.cpu instanceof Float32Array))
      throw new Error(`Tensor "${this.label}" is not CPU f32 storage.`);
    return this.cpu;
  }

  get i32(): Int32Array {
    if (!(this.cpu instanceof Int32Array)) throw new Error(`Tensor "${this.label}" is not CPU i32 storage.`);
    return this.cpu;
  }

  toString(): string {
    return `${this.label}(${this.shape.join('×')}, ${this.dtype})`;
  }
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
