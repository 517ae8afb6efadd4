import { defineConfig } from 'vitest/config';

// One run for every suite: unit tests, integration tests against the real Cassandra and Redis, end-to-end tests
// of the service processes. Sized for 2 cores: two test files at a time, long timeouts for the real parts.
export default defineConfig({
  test: {
    include: ['services/**/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    env: { CASSANDRA_KEYSPACE: 'gamepulse_test', LOG_LEVEL: 'warn' },
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
