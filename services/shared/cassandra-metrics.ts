import cassandra from 'cassandra-driver';
import { Counter, exponentialBuckets, Histogram } from 'prom-client';
import { childFromZero, processRegistry } from './metric-registry.js';

const requestSeconds = new Histogram({
  name: 'cassandra_request_duration_seconds',
  help: 'Time of each request to a Cassandra node, as the driver measures it (every attempt, whatever its result).',
  labelNames: ['result'],
  // 0.25 ms to about 4 s.
  buckets: exponentialBuckets(0.00025, 2, 15),
  registers: [processRegistry],
});

const errors = new Counter({
  name: 'cassandra_request_errors_total',
  help: 'Requests to Cassandra that failed, by the kind of failure the driver saw.',
  labelNames: ['error'],
  registers: [processRegistry],
});

const retries = new Counter({
  name: 'cassandra_request_retries_total',
  help: 'Requests the driver retried, by the failure that made it retry.',
  labelNames: ['error'],
  registers: [processRegistry],
});

const speculativeExecutions = new Counter({
  name: 'cassandra_speculative_executions_total',
  help: 'Speculative executions the driver started.',
  registers: [processRegistry],
});

type ErrorKind =
  'authentication' | 'client_timeout' | 'connection' | 'ignored' | 'other' | 'read_timeout' | 'unavailable' | 'write_timeout';

const errorOf = (kind: ErrorKind) => childFromZero(errors, kind);
const retryOf = (kind: ErrorKind) => childFromZero(retries, kind);
const seconds = (latency: number[]) => latency[0] + latency[1] / 1e9;

// The driver accepts only instances of its ClientMetrics class, which its type definitions declare as an interface.
const DriverClientMetrics = (cassandra.metrics as unknown as { ClientMetrics: new () => object }).ClientMetrics;

/**
 * The driver's own metrics (its ClientMetrics hooks, called on every response, error and retry) as Prometheus
 * series. Label children are resolved once; each hook is a counter increment or a histogram observation.
 */
export class CassandraDriverMetrics extends DriverClientMetrics implements cassandra.metrics.ClientMetrics {
  private readonly succeeded = requestSeconds.labels('success');
  private readonly failed = requestSeconds.labels('error');
  private readonly error = {
    authentication: errorOf('authentication'),
    clientTimeout: errorOf('client_timeout'),
    connection: errorOf('connection'),
    ignored: errorOf('ignored'),
    other: errorOf('other'),
    readTimeout: errorOf('read_timeout'),
    unavailable: errorOf('unavailable'),
    writeTimeout: errorOf('write_timeout'),
  };
  private readonly retry = {
    clientTimeout: retryOf('client_timeout'),
    other: retryOf('other'),
    readTimeout: retryOf('read_timeout'),
    unavailable: retryOf('unavailable'),
    writeTimeout: retryOf('write_timeout'),
  };
  /** The driver calls onSuccessfulResponse and then onResponse for the same response, synchronously. */
  private timedAsSuccess = false;

  onSuccessfulResponse(latency: number[]): void {
    this.timedAsSuccess = true;
    this.succeeded.observe(seconds(latency));
  }

  /** Every response a node sent, successful or an error it answered with. */
  onResponse(latency: number[]): void {
    if (this.timedAsSuccess) this.timedAsSuccess = false;
    else this.failed.observe(seconds(latency));
  }

  onAuthenticationError(): void {
    this.error.authentication.inc();
  }
  onClientTimeoutError(): void {
    this.error.clientTimeout.inc();
  }
  onConnectionError(): void {
    this.error.connection.inc();
  }
  onIgnoreError(): void {
    this.error.ignored.inc();
  }
  onOtherError(): void {
    this.error.other.inc();
  }
  onReadTimeoutError(): void {
    this.error.readTimeout.inc();
  }
  onUnavailableError(): void {
    this.error.unavailable.inc();
  }
  onWriteTimeoutError(): void {
    this.error.writeTimeout.inc();
  }
  onClientTimeoutRetry(): void {
    this.retry.clientTimeout.inc();
  }
  onOtherErrorRetry(): void {
    this.retry.other.inc();
  }
  onReadTimeoutRetry(): void {
    this.retry.readTimeout.inc();
  }
  onUnavailableRetry(): void {
    this.retry.unavailable.inc();
  }
  onWriteTimeoutRetry(): void {
    this.retry.writeTimeout.inc();
  }
  onSpeculativeExecution(): void {
    speculativeExecutions.inc();
  }
}
