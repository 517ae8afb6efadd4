// Three replicas of the session service on three ports, reached by the gateway (and ingest within it) through one
// address list, balanced round-robin: the calls spread over all three (counted by each replica's own metrics); one
// replica SIGKILLed mid-load and restarted by the launcher loses no acknowledged event (the queries count every one
// the EventSender saw acknowledged), and takes calls again once back. A replica (and the gateway) told to stop reports
// itself not ready at once and keeps answering for GAMEPULSE_SHUTDOWN_DELAY_MS before it drains.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGamepulseClients, EventSender, timestampFromDate, type EventInit } from '@gamepulse/client';
import { createNodeTransport } from '@gamepulse/client/node';
import type { RunningStack } from '../../scripts/launcher.js';
import { SessionServiceDefinition } from '../../gen/ts-proto/gamepulse/session/v1/session.js';
import { createServiceClient } from '../../services/shared/grpc-client.js';
import { HealthProbe } from '../../services/shared/health-probe.js';
import { killAndAwaitRestart } from '../support/process-restart.js';
import { sample, scrape } from '../support/prometheus-text.js';
import { startIsolatedStack } from '../support/stack.js';

let stack: RunningStack;
let clients: ReturnType<typeof createGamepulseClients>;
const COUNTRIES = ['FR', 'DE', 'BR', 'US'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SHUTDOWN_DELAY_MS = 2000;

beforeAll(async () => {
  stack = await startIsolatedStack('scale_out', { GAMEPULSE_SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS) }, { replicas: { session: 3 } });
  clients = createGamepulseClients(createNodeTransport({ baseUrl: `http://127.0.0.1:${stack.ports.gateway}` }));
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

/** RecordSessionEvents calls each session replica has answered since it started. */
async function callsPerReplica(): Promise<number[]> {
  const metricsPorts = [stack.ports.metrics.session, ...stack.ports.replicas!.session!.map((replica) => replica.metrics)];
  return Promise.all(
    metricsPorts.map(async (port) => sample(await scrape(port), 'grpc_server_handled_total', { grpc_method: 'RecordSessionEvents' })),
  );
}

/** Session starts, one per event, spread over the countries, sent at a game server's pace; counts what was acknowledged. */
async function sendStarts(count: number, whileSending: (sender: EventSender) => Promise<void> = async () => {}) {
  const sender = new EventSender(clients.ingest, {
    maxBatchSize: 10,
    lingerMs: 5,
    maxInFlight: 4,
    backoff: { initialMs: 50, maxMs: 1000 },
  });
  const during = whileSending(sender);
  const ts = timestampFromDate(new Date());
  for (let i = 0; i < count; i++) {
    const start: EventInit = {
      payload: {
        case: 'sessionStart',
        value: { playerId: `p-${i}`, sessionId: randomUUID(), country: COUNTRIES[i % COUNTRIES.length], ts },
      },
    };
    await sender.send(start);
    if (i % 100 === 99) await sleep(20);
  }
  await during;
  return sender.close();
}

async function startsCounted(): Promise<number> {
  const { countries } = await clients.session.countSessionStarts({ hours: 1 });
  return countries.reduce((sum, entry) => sum + Number(entry.starts), 0);
}

describe('three session replicas behind one address list', () => {
  it('share the calls round-robin', { timeout: 120_000 }, async () => {
    const counts = await sendStarts(1500);
    expect(counts).toMatchObject({ accepted: 1500, rejected: 0, dropped: 0, pending: 0 });
    const calls = await callsPerReplica();
    const total = calls.reduce((sum, n) => sum + n, 0);
    expect(total).toBeGreaterThanOrEqual(150);
    // Round-robin gives each a third; each gets at least a fifth.
    for (const share of calls) expect(share / total).toBeGreaterThan(0.2);
    expect(await startsCounted()).toBe(1500);
  });

  it(
    'lose no acknowledged event when one replica is killed mid-load, and balance onto it again once back',
    { timeout: 180_000 },
    async () => {
      const killed = stack.replicas.session![0];
      let restartedAfterMs = 0;
      const counts = await sendStarts(3000, async (sender) => {
        while (sender.stats().accepted < 1000) await sleep(20);
        restartedAfterMs = await killAndAwaitRestart(killed);
      });
      expect(counts).toMatchObject({ rejected: 0, dropped: 0, pending: 0 });
      expect(counts.accepted + counts.duplicate).toBe(3000);
      expect(restartedAfterMs).toBeGreaterThan(0);
      expect(await startsCounted()).toBe(4500);
      // The restarted replica counts from its restart: it took calls again.
      const [, restarted] = await callsPerReplica();
      expect(restarted).toBeGreaterThan(0);
    },
  );
});

describe('a process told to stop (SIGTERM)', () => {
  it('reports not ready at once and keeps answering for the shutdown delay, then drains', { timeout: 60_000 }, async () => {
    const [, second] = stack.replicas.session!;
    const address = `127.0.0.1:${stack.ports.replicas!.session![1].port}`;
    const probe = new HealthProbe(address);
    const direct = createServiceClient(SessionServiceDefinition, address);
    try {
      expect((await probe.check()).status).toBe('SERVING');
      const restartsBefore = second.restarts;
      second.signal('SIGTERM');
      await sleep(300);
      expect((await probe.check()).status).toBe('NOT_SERVING');
      await expect(direct.countSessionStarts({ hours: 1 }, { deadline: 2000 })).resolves.toBeDefined();
      // Once the delay is over it drains and exits (the launcher, which did not ask, restarts it).
      while (second.restarts === restartsBefore) await sleep(100);
    } finally {
      probe.close();
      direct.close();
    }
  });

  it('makes the gateway answer /healthz 503 STOPPING while it still serves', { timeout: 60_000 }, async () => {
    const gateway = `http://127.0.0.1:${stack.ports.gateway}`;
    stack.processes.gateway.signal('SIGTERM');
    await sleep(300);
    const health = await fetch(`${gateway}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'STOPPING' });
    expect((await fetch(`${gateway}/livez`)).status).toBe(200);
  });
});
