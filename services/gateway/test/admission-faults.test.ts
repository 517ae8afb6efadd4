// What a caller gets when the key store cannot be read: 503 with Retry-After (UNAVAILABLE over Connect), on the real
// gateway HTTP server, for an original route and an RPC; never a 500. A made-up or malformed key is still a 401.
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authorizer } from '../../access/authorizer.js';
import { KeyVerifier } from '../../access/key-verifier.js';
import { generateKey } from '../../access/api-key.js';
import { backendNames, type BackendName } from '../../shared/config.js';
import { Admission } from '../admission.js';
import type { BackendChannel } from '../backend-channel.js';
import { connectRoutes } from '../routes.js';
import { sendJson } from '../plain-routes.js';
import { startInProcessGateway, type InProcessGateway } from '../../../test/support/gateway-harness.js';

const noHost = new cassandra.errors.NoHostAvailableError({});
const keysDown = { find: () => Promise.reject(noHost) };
let gateway: InProcessGateway;

beforeAll(async () => {
  gateway = await startInProcessGateway({
    plainRoutes: () => [{ method: 'GET', path: /^\/answer$/, handle: (_request, response) => sendJson(response, 200, { ok: true }) }],
    // Never reached: admission answers first.
    connectRoutes: connectRoutes(
      Object.fromEntries(backendNames.map((name) => [name, {} as BackendChannel])) as Record<BackendName, BackendChannel>,
    ),
    admission: new Admission(new Authorizer('required', new KeyVerifier(keysDown)), { forAddress: () => 0, forCaller: () => 0 }),
  });
});
afterAll(async () => {
  await gateway?.close();
});

describe('admission while the key store is down', () => {
  it('answers an original route with 503 and Retry-After', async () => {
    const response = await fetch(`${gateway.base}/answer`, { headers: { authorization: `Bearer ${generateKey().secret}` } });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as { error: string }).error).toMatch(/^authorization: the key store is unavailable/);
  });

  it('answers an RPC with 503 unavailable', async () => {
    const response = await fetch(`${gateway.base}/gamepulse.session.v1.SessionService/ListCompletedSessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${generateKey().secret}` },
      body: '{}',
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { code: string }).code).toBe('unavailable');
  });

  it('still refuses a malformed key with 401 (no read needed), and an oversized header value too', async () => {
    for (const authorization of ['Bearer nope', `Bearer ${'x'.repeat(4000)}`, 'Basic abc']) {
      const response = await fetch(`${gateway.base}/answer`, { headers: { authorization } });
      expect(response.status, authorization.slice(0, 20)).toBe(401);
    }
  });
});
