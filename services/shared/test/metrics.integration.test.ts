// The metrics endpoint on a real loopback port: only GET /metrics answers, whatever else a caller sends; a port
// already taken leaves the process running without metrics rather than failing.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { ProcessMetrics, serveMetrics, type MetricsEndpoint } from '../metrics.js';

const logger = createLogger('test', 'silent');
let endpoint: MetricsEndpoint;
let base: string;

beforeAll(async () => {
  endpoint = await serveMetrics(new ProcessMetrics('test'), '127.0.0.1', 0, logger);
  base = `http://127.0.0.1:${endpoint.port}`;
});

afterAll(() => endpoint?.close());

describe('the metrics endpoint', () => {
  it('serves the text format at GET /metrics, each sample labelled with the process', async () => {
    const response = await fetch(`${base}/metrics?x=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toMatch(/^process_cpu_seconds_total\{process="test"\} /m);
  });

  it('answers 404 to any other method or path, and to a large body, without reading it', async () => {
    const big = 'x'.repeat(5 << 20);
    for (const [method, path, body] of [
      ['POST', '/metrics', big],
      ['DELETE', '/metrics', undefined],
      ['GET', '/', undefined],
      ['GET', '/../../etc/passwd', undefined],
    ] as const) {
      const response = await fetch(`${base}${path}`, { method, body });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
  });

  it('leaves the process running without metrics when its port is taken', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as AddressInfo).port;
    try {
      const second = await serveMetrics(new ProcessMetrics('second'), '127.0.0.1', taken, logger);
      expect(second.port).toBeUndefined();
      await second.close();
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
