import { defineConfig } from 'vitest/config';

// Browser journeys: real Chromium against a running Orbit (ORBIT_BASE_URL). One at a time, generous timeouts.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    maxWorkers: 1,
    sequence: { concurrent: false },
  },
});
