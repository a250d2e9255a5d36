// Every GPU allocation goes through this pool. It knows the bytes live (handed out, not released)
// and their peak at every moment — the measured numbers of the memory chart — and reuses released
// buffers of the same size so steady-state training allocates nothing.

const STORAGE = GPUBufferUsageFlags();

function GPUBufferUsageFlags(): number {
  // GPUBufferUsage is a global in browsers and after Node's webgpu globals are installed.
  const u = (globalThis as { GPUBufferUsage?: typeof GPUBufferUsage }).GPUBufferUsage;
  return u ? u.STORAGE | u.COPY_SRC | u.COPY_DST : 0x80 | 0x4 | 0x8;
}

export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  private sizes = new Map<GPUBuffer, number>();
  liveBytes = 0;
  peakBytes = 0;
  /** Bytes held from the device, live or waiting in the free lists. */
  heldBytes = 0;

  constructor(private device: GPUDevice) {}

  acquire(bytes: number, label: string, usage = STORAGE): GPUBuffer {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    const key = size * 1024 + (usage & 0x3ff);
    const list = this.free.get(key);
    let buf = list?.pop();
    if (!buf) {
      const max = this.device.limits.maxBufferSize;
      if (size > max) {
        throw new Error(`"${label}" needs a ${size}-byte buffer; this device allows at most ${max} bytes.`);
      }
      buf = this.device.createBuffer({ size, usage, label });
      this.heldBytes += size;
    }
    this.sizes.set(buf, key);
    this.liveBytes += size;
    this.peakBytes = Math.max(this.peakBytes, this.liveBytes);
    return buf;
  }

  release(buf: GPUBuffer): void {
    const key = this.sizes.get(buf);
    if (key === undefined)
      throw new Error(`Buffer "${buf.label}" was not acquired from this pool or is released twice.`);
    this.sizes.delete(buf);
    this.liveBytes -= Math.floor(key / 1024);
    const list = this.free.get(key) ?? [];
    list.push(buf);
    this.free.set(key, list);
  }

  resetPeak(): void {
    this.peakBytes = this.liveBytes;
  }

  /** Gives every free buffer back to the device. */
  trim(): void {
    for (const [key, list] of this.free) {
      for (const b of list) {
        b.destroy();
        this.heldBytes -= Math.floor(key / 1024);
      }
    }
    this.free.clear();
  }
}
