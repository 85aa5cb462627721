import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // DuckDB files and servers per test file; two workers match the CI machine's two cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
