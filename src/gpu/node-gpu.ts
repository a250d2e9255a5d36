// Node's WebGPU (Dawn, the `webgpu` package). With no GPU driver, points Vulkan at Chromium's
// bundled SwiftShader so the same WGSL kernels run on the CPU; on a machine with a GPU, uses it.
import { existsSync } from 'node:fs';
import { openGpu, type Gpu } from './device';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let cached: Promise<Gpu> | undefined;
/** Dawn's GPU instance must outlive every device: if it is garbage-collected, Dawn crashes. */
let instance: GPU | undefined;

export async function nodeGpu(): Promise<Gpu> {
  cached ??= open();
  return cached;
}

async function open(): Promise<Gpu> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  // Without a GPU driver (no /dev/dri, no /dev/nvidia0), Vulkan goes to SwiftShader.
  const hasDriver = existsSync('/dev/dri') || existsSync('/dev/nvidia0') || process.platform !== 'linux';
  if (!hasDriver && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  // SwiftShader compiles Vulkan's workgroup-memory zero-init extension very slowly (seconds per
  // pipeline); Dawn's own zero-init loop is equally correct and compiles in milliseconds.
  const options = ['disable-dawn-features=use_vulkan_zero_initialize_workgroup_memory_extension'];
  const gpu = create(process.platform === 'linux' ? ['backend=vulkan', ...options] : options);
  instance = gpu;
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    throw new Error(
      "No WebGPU adapter in Node. Install a GPU driver, or Debian's chromium and libvulkan1 for the SwiftShader fallback.",
    );
  }
  return openGpu(instance, (m) => console.error(m));
}
