import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessGateway, type InProcessGateway } from '../../../test/support/gateway-harness.js';
import { sendJson } from '../plain-routes.js';

const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let gateway: InProcessGateway;

beforeAll(async () => {
  gateway = await startInProcessGateway({
    plainRoutes: () => [
      { method: 'GET', path: /^\/hello$/, handle: async (_request, response) => sendJson(response, 200, { hello: true }) },
    ],
    logger: pino({ level: 'info' }, sink),
  });
});

afterAll(() => gateway?.close());

describe('access log', () => {
  it('writes one line per request with its method, path, status and duration', async () => {
    expect((await fetch(`${gateway.base}/hello?user=ann`)).status).toBe(200);
    expect((await fetch(`${gateway.base}/${'x'.repeat(500)}`)).status).toBe(404);
    await expect.poll(() => lines.filter((line) => line.msg === 'request').length).toBe(2);
    const [hello, missing] = lines.filter((line) => line.msg === 'request');
    expect(hello).toMatchObject({ method: 'GET', path: '/hello', status: 200 });
    expect(typeof hello.durationMs).toBe('number');
    expect(missing).toMatchObject({ method: 'GET', status: 404 });
    expect((missing.path as string).length).toBe(200);
  });
});
