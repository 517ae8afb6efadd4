import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * `BENCH_TRACE_RATIO=0.1 npm run bench:…`: measures the cost of tracing. Starts an OTLP/HTTP receiver on loopback that
 * accepts and drops what it is sent (a collector would be elsewhere), and points the stack's processes at it with
 * that sampling ratio. Without the variable, tracing stays off and nothing is started.
 */
export async function traceSinkFromEnv(): Promise<{ describe(): string; close(): Promise<void> } | undefined> {
  const ratio = process.env.BENCH_TRACE_RATIO;
  if (!ratio) return undefined;
  let requests = 0;
  let bytes = 0;
  const server: Server = createServer((request, response) => {
    requests++;
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.OTEL_TRACES_SAMPLER_ARG = ratio;
  return {
    describe: () => `tracing on, sampling ${ratio}: ${requests} OTLP exports, ${(bytes / 1e6).toFixed(1)} MB of spans`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
