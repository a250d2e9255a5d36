// Device acquisition from any `GPU` object (browser navigator.gpu or Node's Dawn), the limits the
// engine asks for, a plain description of the adapter, and error/device-lost reporting as messages.
import { BufferPool } from './buffer-pool';
import { PipelineCache } from './pipeline-cache';

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for CPU implementations such as SwiftShader: their timings are not GPU timings. */
  isSoftware: boolean;
  hasTimestamps: boolean;
}

export interface Gpu {
  device: GPUDevice;
  adapter: AdapterDescription;
  pool: BufferPool;
  pipelines: PipelineCache;
  /** Every error the device reports asynchronously (validation, OOM, loss), as a message. */
  errors: string[];
}

const WANTED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

export function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const info = adapter.info;
  const vendor = info?.vendor ?? '';
  const architecture = info?.architecture ?? '';
  const description = info?.description ?? '';
  const text = `${vendor} ${architecture} ${description} ${info?.device ?? ''}`.toLowerCase();
  const fallback = (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter === true;
  return {
    vendor: vendor || 'unknown vendor',
    architecture: architecture || 'unknown architecture',
    device: info?.device ?? '',
    description,
    isSoftware: fallback || /swiftshader|llvmpipe|lavapipe|software|warp/.test(text),
    hasTimestamps: adapter.features.has('timestamp-query'),
  };
}

export function adapterLabel(a: AdapterDescription): string {
  const name = [a.vendor, a.architecture, a.description]
    .filter((s) => s && !s.startsWith('unknown'))
    .join(' · ');
  return `${name || 'WebGPU adapter'}${a.isSoftware ? ' (software adapter: CPU-emulated timings)' : ''}`;
}

export async function openGpu(gpu: GPU, onError?: (message: string) => void): Promise<Gpu> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error(
      'WebGPU found no adapter. Use a browser with WebGPU enabled (Chrome/Edge 113+, or Chromium with --enable-unsafe-webgpu).',
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query')
    ? ['timestamp-query']
    : [];
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const errors: string[] = [];
  const report = (message: string) => {
    errors.push(message);
    onError?.(message);
  };
  device.addEventListener('uncapturederror', (ev) => {
    report(`GPU error: ${(ev as GPUUncapturedErrorEvent).error.message}`);
  });
  void device.lost.then((info) => {
    if (info.reason !== 'destroyed') report(`GPU device lost (${info.reason}): ${info.message}`);
  });
  return {
    device,
    adapter: describeAdapter(adapter),
    pool: new BufferPool(device),
    pipelines: new PipelineCache(device, report),
    errors,
  };
}

/** Throws if the device reported any error since the last call (validation, out-of-memory, loss). */
export function checkErrors(gpu: Gpu): void {
  if (gpu.errors.length > 0) {
    const msg = gpu.errors.splice(0).join('\n');
    throw new Error(msg);
  }
}
