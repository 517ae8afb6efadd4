import { describe, expect, it } from 'vitest';
import { sample } from '../../../test/support/prometheus-text.js';
import { CassandraDriverMetrics } from '../cassandra-metrics.js';
import { processRegistry } from '../metric-registry.js';

const scrape = () => processRegistry.metrics();

describe('the Cassandra driver metrics', () => {
  it('time successes and failures apart, and count each kind of failure and retry from zero', async () => {
    const metrics = new CassandraDriverMetrics();
    const before = await scrape();
    expect(before).toMatch(/cassandra_request_errors_total\{error="unavailable"\} 0/);
    const count = (text: string, name: string, labels: Record<string, string>) => sample(text, name, labels);

    // As the driver calls them: a success is timed by onSuccessfulResponse, then onResponse; an error a node answered
    // by its own hook, then onResponse; a client timeout by its hook only.
    metrics.onSuccessfulResponse([0, 2_000_000]);
    metrics.onResponse([0, 2_000_000]);
    metrics.onUnavailableError();
    metrics.onResponse([0, 500_000]);
    metrics.onClientTimeoutError();
    metrics.onWriteTimeoutRetry();

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => count(after, name, labels) - count(before, name, labels);
    expect(delta('cassandra_request_duration_seconds_count', { result: 'success' })).toBe(1);
    expect(delta('cassandra_request_duration_seconds_count', { result: 'error' })).toBe(1);
    expect(delta('cassandra_request_duration_seconds_sum', { result: 'success' })).toBeCloseTo(0.002);
    expect(delta('cassandra_request_errors_total', { error: 'unavailable' })).toBe(1);
    expect(delta('cassandra_request_errors_total', { error: 'client_timeout' })).toBe(1);
    expect(delta('cassandra_request_retries_total', { error: 'write_timeout' })).toBe(1);
  });
});
