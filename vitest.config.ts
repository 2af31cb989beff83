import { defineConfig } from 'vitest/config';
import { TEST_WORKERS } from './test/test-workers.js';

export default defineConfig({
  test: {
    // Temporal's core bridge is a native module: keep the default `forks` pool, never `threads`.
    pool: 'forks',
    // Two files at a time: most of a test's time is spent waiting on servers, not on the CPU. Each worker has its own
    // time-skipping server (test/global-setup.ts), since one file's clock jumps must not move another's.
    maxWorkers: TEST_WORKERS,
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-runtime.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
