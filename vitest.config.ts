import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Temporal's core bridge is a native module: keep the default `forks` pool, never `threads`.
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-runtime.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
