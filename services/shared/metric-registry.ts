import { Registry, type Counter } from 'prom-client';

/**
 * The metrics the code counts itself (RPCs, Cassandra requests, the response cache, events, live feeds), one registry
 * per process: ProcessMetrics exposes them beside Node's own. Module-level because the counters are, so that a test
 * running several services in one process still counts each call once.
 */
export const processRegistry = new Registry();

/** A counter's child for one label value, counted from zero at once: the series exists (and alerts on it can be
 * evaluated) before the first event. */
export function childFromZero<L extends string>(counter: Counter<L>, value: string): Counter.Internal {
  const child = counter.labels(value);
  child.inc(0);
  return child;
}
