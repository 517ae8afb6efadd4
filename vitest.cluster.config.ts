import { defineConfig } from 'vitest/config';
import { sharedTestOptions } from './vitest.config.js';

// The node-loss test on three local Cassandra nodes (scripts/test-cluster.sh): not part of `npm test`.
export default defineConfig({
  test: {
    ...sharedTestOptions,
    include: ['test/cluster/**/*.test.ts'],
    fileParallelism: false,
    maxWorkers: 1,
  },
});
