import { defineConfig } from 'vitest/config';
import { sharedTestOptions } from './vitest.config.js';

// The suites that load the whole machine or stop shared infrastructure (fuzzing, process kills, a Cassandra stall):
// one file at a time, after every other suite (scripts/test.sh).
export default defineConfig({
  test: {
    ...sharedTestOptions,
    include: ['test/serial/**/*.test.ts'],
    fileParallelism: false,
    maxWorkers: 1,
  },
});
