// The peer for kernel benchmarks: TensorFlow.js with its WebGPU backend, registered on *our*
// GPUDevice, so both sides run on the same adapter and device queue by construction. tfjs looks for
// `navigator.gpu` (missing in Node): where it is absent we install a guard whose requestAdapter
// rejects, so tfjs can never open an adapter of its own. Every dispatch is submitted at once
// (WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE = 1) so `queue.onSubmittedWorkDone()` times it.
import type { Gpu } from '../gpu/device';

type Tf = typeof import('@tensorflow/tfjs-core');
type TfTensor = import('@tensorflow/tfjs-core').Tensor;

export interface TfjsPeer {
  tf: Tf;
  /** "@tensorflow/tfjs-core x.y.z + @tensorflow/tfjs-backend-webgpu". */
  version: string;
  /** True when tfjs's backend holds the very GPUDevice of `gpu`. */
  sharesDevice: boolean;
  /** Uploads a (rows, cols) matrix; the upload happens on first use (warm-up), not in timings. */
  matrix(data: Float32Array, rows: number, cols: number): TfTensor;
  /** C = A·B on the GPU; submitted, not awaited. Dispose the result. */
  matmul(a: TfTensor, b: TfTensor): TfTensor;
}

function installNavigatorGuard(): void {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return;
  const guard = {
    requestAdapter: () =>
      Promise.reject(new Error('The tfjs peer must use the shared Strata device, not its own adapter.')),
  };
  if (!g.navigator)
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  Object.defineProperty(g.navigator, 'gpu', { value: guard, configurable: true });
}

let opened: Promise<TfjsPeer> | undefined;

/** Registers tfjs's WebGPU backend on `gpu.device` (once per process) and makes it current. */
export function openTfjsPeer(gpu: Gpu): Promise<TfjsPeer> {
  opened ??= open(gpu);
  return opened;
}

async function open(gpu: Gpu): Promise<TfjsPeer> {
  installNavigatorGuard();
  const tf = await import('@tensorflow/tfjs-core');
  // The union package registers every op's gradient (tfjs-core alone registers none) for the
  // training peer; it shares tfjs-core's registries, so loading it once is enough.
  await import('@tensorflow/tfjs');
  const webgpu = await import('@tensorflow/tfjs-backend-webgpu');
  // Replace the factory tfjs registered for its own adapter (if any) by one holding our device.
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  const info = { vendor: gpu.adapter.vendor, architecture: gpu.adapter.architecture } as GPUAdapterInfo;
  tf.registerBackend('webgpu', () => new webgpu.WebGPUBackend(gpu.device, info));
  if (!(await tf.setBackend('webgpu')))
    throw new Error('TensorFlow.js could not initialise its WebGPU backend.');
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', 1);
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  const backend = tf.backend() as unknown as { device?: GPUDevice };
  return {
    tf,
    version: `@tensorflow/tfjs-core ${tf.version_core} + @tensorflow/tfjs-backend-webgpu`,
    sharesDevice: backend.device === gpu.device,
    matrix: (data, rows, cols) => tf.tensor2d(data, [rows, cols], 'float32'),
    matmul: (a, b) => tf.matMul(a, b),
  };
}
