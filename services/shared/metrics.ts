import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from './logger.js';
import { processRegistry } from './metric-registry.js';

/**
 * The process's Prometheus metrics: Node's own (CPU, memory, event loop lag, GC), what the shared code counts
 * (metric-registry.ts: every gRPC call served and made, Cassandra requests, the response cache, events, live feeds),
 * and what the process registers in `registry`.
 */
export class ProcessMetrics {
  readonly registry = new Registry();

  constructor(private readonly processName: string) {
    // The event loop's delay sampled every 100 ms, not every 10: the same percentiles, a tenth of the wake-ups.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 100 });
  }

  /** Every metric of the process in Prometheus' text format, each sample labelled with the process's name. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    // Merged when asked, so that metrics registered after start are in; a merge keeps no default labels of its parts.
    const all = Registry.merge([this.registry, processRegistry]);
    all.setDefaultLabels({ process: this.processName });
    return { contentType: all.contentType, body: await all.metrics() };
  }
}

export interface MetricsEndpoint {
  /** The port it listens on (the one asked for, or the one the OS chose for 0); undefined if it could not listen. */
  port: number | undefined;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` on a port of its own. A port already taken is logged and leaves the process running without
 * metrics: losing the scrape is better than a service that cannot start.
 */
export async function serveMetrics(metrics: ProcessMetrics, host: string, port: number, logger: Logger): Promise<MetricsEndpoint> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at GET /metrics\n');
      return;
    }
    metrics.exposition().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      (error: unknown) => {
        logger.error({ err: error }, 'could not collect metrics');
        response.writeHead(500, { 'content-type': 'text/plain' }).end('could not collect metrics\n');
      },
    );
  });
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', (error) => {
      logger.error({ err: error, port }, 'metrics endpoint could not listen; running without it');
      resolve(false);
    });
    server.listen(port, host, () => resolve(true));
  });
  if (!listening) return { port: undefined, close: () => Promise.resolve() };
  const bound = (server.address() as AddressInfo).port;
  logger.info({ port: bound }, 'metrics at GET /metrics');
  return { port: bound, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
