import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file opens its own databases; two cores, so two files at a time.
    maxWorkers: 2,
    reporters: ['default', './tests/support/totals-reporter.ts'],
  },
});
