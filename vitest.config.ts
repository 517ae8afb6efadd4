import { defineConfig, type ViteUserConfig } from 'vitest/config';

/** What every run shares: the schema set up first, the test keyspace, long timeouts for the real parts. */
export const sharedTestOptions = {
  globalSetup: ['test/support/global-setup.ts'],
  env: { CASSANDRA_KEYSPACE: 'gamepulse_test', LOG_LEVEL: 'warn' },
  pool: 'forks',
  testTimeout: 30_000,
  hookTimeout: 120_000,
} satisfies ViteUserConfig['test'];

// One run for every suite but the serial ones: unit tests, integration tests against the real Cassandra and Redis,
// end-to-end tests of the service processes. Sized for 2 cores: two test files at a time.
export default defineConfig({
  test: {
    ...sharedTestOptions,
    include: ['services/**/test/**/*.test.ts', 'clients/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // test/serial runs alone, afterwards (vitest.serial.config.ts); test/cluster needs three Cassandra nodes
    // (vitest.cluster.config.ts, `npm run test:cluster`).
    exclude: ['test/serial/**', 'test/cluster/**', '**/node_modules/**'],
    maxWorkers: 2,
  },
});
