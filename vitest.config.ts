import { defineConfig } from 'vitest/config';

// Temporal's native bridge (a Rust addon) is not safe to load in worker_threads,
// so every test file runs in its own forked process.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    globalSetup: ['test/setup/global.ts'],
    fileParallelism: true,
    maxWorkers: 2,
  },
});
