// End-to-end tests: the real app in Debian's Chromium (new headless) with WebGPU, which on a machine
// without a GPU runs on SwiftShader. Vite builds the app and serves the production build on a free
// port found at startup (STRATA_E2E_DEV=1 serves the dev server instead: its development React and
// recharts builds are several times slower, so main-thread timings are not representative there).
import { defineConfig } from '@playwright/test';
import { execFileSync } from 'node:child_process';

/** A free TCP port, found once by the runner and inherited by its workers through the environment. */
function freePort(): number {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim());
}

process.env.STRATA_E2E_PORT ??= String(freePort());
const port = Number(process.env.STRATA_E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;
const vite = 'node node_modules/vite/bin/vite.js';
const serve = `--port ${port} --strictPort --host 127.0.0.1`;
const outDir = 'node_modules/.cache/strata-e2e';
const serverCommand = process.env.STRATA_E2E_DEV
  ? `${vite} ${serve}`
  : `${vite} build --outDir ${outDir} --emptyOutDir --logLevel warn && ${vite} preview --outDir ${outDir} ${serve}`;

/** WebGPU in headless Chromium: navigator.gpu needs a secure context (localhost) and these switches. */
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--use-angle=swiftshader',
  '--enable-features=Vulkan',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // As in src/gpu/node-gpu.ts: SwiftShader compiles Vulkan's workgroup zero-init extension very slowly.
  '--disable-dawn-features=use_vulkan_zero_initialize_workgroup_memory_extension',
];

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1366, height: 860 },
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
    // Tracing snapshots the DOM on the main thread and would show up in the long-task measurement;
    // turn it on when debugging (--trace on).
    trace: 'off',
  },
  webServer: {
    command: serverCommand,
    url: baseURL,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
