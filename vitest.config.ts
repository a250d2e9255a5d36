// Unit and GPU kernel tests. GPU tests share one Dawn device per file; files run one at a time
// because SwiftShader already uses every core.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'app/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
