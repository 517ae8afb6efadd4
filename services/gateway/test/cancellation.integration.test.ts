// End to end through the real gateway (its plain routes run ingest's handler in process; Connect calls go to the real
// ingest service): a caller's deadline bounds the owner call made on its behalf, and a caller that goes away (an HTTP
// client that disconnects, a Connect call aborted) ends it. The owner is a real gRPC server that sleeps until its call
// ends (test/support/owner-harness.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendNames, type BackendName } from '../../shared/config.js';
import { OwnerHarness } from '../../../test/support/owner-harness.js';
import { testConfig } from '../../../test/support/env.js';
import { startInProcessGateway, type InProcessGateway } from '../../../test/support/gateway-harness.js';
import { BackendChannel } from '../backend-channel.js';
import { IngestEventsHandler } from '../../ingest/handlers/ingest-events.js';
import { grpcEventOwners, type EventOwners } from '../../ingest/owners.js';
import { BackendHealthChecker } from '../health.js';
import { InProcessIngest } from '../in-process-ingest.js';
import { connectRoutes, plainRoutes } from '../routes.js';

/** Long enough that an owner call ended by a caller who went away ends well before it. */
const DEFAULT_DEADLINE_MS = 3000;
const PROMPTLY_MS = 1000;
/**
 * Each hop sends the time left, and the next one counts it from when the call reached it: on a loaded machine a
 * deadline drifts later by the time spent in between. Far below the 10 s that an unbounded hop would use.
 */
const HOP_DRIFT_MS = 1000;
const harness = new OwnerHarness();
let gateway: InProcessGateway;
let channels: BackendChannel[];
let health: BackendHealthChecker;
let owners: EventOwners;
let base: string;
const stopping = new AbortController();

beforeAll(async () => {
  const owner = await harness.startOwner();
  const ingest = await harness.startIngest(owner.port);
  const config = testConfig();
  const addresses = Object.fromEntries(
    backendNames.map((name) => [name, name === 'ingest' ? `127.0.0.1:${ingest.port}` : config.services[name].address]),
  ) as Record<BackendName, string>;
  const byName = Object.fromEntries(backendNames.map((name) => [name, new BackendChannel(addresses[name], DEFAULT_DEADLINE_MS)])) as Record<
    BackendName,
    BackendChannel
  >;
  channels = Object.values(byName);
  owners = grpcEventOwners({
    services: { ...config.services, session: { port: owner.port, address: `127.0.0.1:${owner.port}` } },
    serviceCredential: undefined,
  });
  // No Redis: shared answers age by time alone.
  const noRedis = { currentGenerations: () => Promise.resolve(undefined) };
  health = new BackendHealthChecker(addresses);
  gateway = await startInProcessGateway({
    connectRoutes: connectRoutes(byName),
    plainRoutes: (limits) =>
      plainRoutes(
        health,
        byName,
        new InProcessIngest(new IngestEventsHandler(owners), DEFAULT_DEADLINE_MS),
        limits,
        noRedis,
        stopping.signal,
      ),
    overrides: { defaultDeadlineMs: DEFAULT_DEADLINE_MS },
  });
  base = gateway.base;
});

afterAll(async () => {
  stopping.abort();
  await gateway?.close();
  for (const channel of channels ?? []) channel.close();
  owners?.close();
  health?.close();
  await harness.stop();
});

const sleepyLogin = JSON.stringify({ items: [{ area_code: '111', multiplayer_mode: 'Arena', user_id: 'sleepy', events_name: 'LOGIN' }] });
const sleepyConnectEvent = JSON.stringify({
  events: [{ mode: { userId: 'sleepy', areaCode: '111', mode: 'Arena', action: 'MODE_ACTION_LOGIN' } }],
});

describe('the gateway', () => {
  it('bounds the owner call of a plain HTTP route by its default deadline', async () => {
    const before = harness.calls.length;
    const sent = Date.now();
    const response = await fetch(`${base}/events/`, { method: 'POST', body: sleepyLogin });
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(Date.now() - sent).toBeLessThan(DEFAULT_DEADLINE_MS + 1000);
    const seen = await harness.received(before + 1);
    expect(seen.deadline!.getTime()).toBeLessThan(sent + DEFAULT_DEADLINE_MS + HOP_DRIFT_MS);
    expect((await harness.ended(seen)) - sent).toBeLessThan(DEFAULT_DEADLINE_MS + HOP_DRIFT_MS);
  });

  it('gives a Connect caller’s own deadline (connect-timeout-ms) to the owner call', async () => {
    const before = harness.calls.length;
    const sent = Date.now();
    const response = await fetch(`${base}/gamepulse.ingest.v1.IngestService/IngestEvents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'connect-timeout-ms': '150' },
      body: sleepyConnectEvent,
    });
    expect(((await response.json()) as { code: string }).code).toBe('deadline_exceeded');
    const seen = await harness.received(before + 1);
    expect(seen.deadline!.getTime()).toBeLessThan(sent + 150 + HOP_DRIFT_MS);
    expect((await harness.ended(seen)) - sent).toBeLessThan(150 + HOP_DRIFT_MS);
  });

  it('ends the owner call when an HTTP caller disconnects, or a Connect caller aborts, before the answer', async () => {
    for (const send of [
      (signal: AbortSignal) => fetch(`${base}/events/`, { method: 'POST', body: sleepyLogin, signal }),
      (signal: AbortSignal) =>
        fetch(`${base}/gamepulse.ingest.v1.IngestService/IngestEvents`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'connect-timeout-ms': '8000' },
          body: sleepyConnectEvent,
          signal,
        }),
    ]) {
      const before = harness.calls.length;
      const abort = new AbortController();
      const answer = send(abort.signal).catch((error: Error) => error.name);
      const seen = await harness.received(before + 1);
      const abortedAt = Date.now();
      abort.abort();
      expect(await answer).toBe('AbortError');
      expect((await harness.ended(seen)) - abortedAt).toBeLessThan(PROMPTLY_MS);
    }
  });
});
