// Exact hourly engagement across replicas: three reaction service processes take thousands of concurrent mixed
// events (some retried with the same id on another replica), one is restarted in the middle, and every replica's
// answers must equal an independent count.
import { randomUUID } from 'node:crypto';
import { Status, type ClientError } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceClient, type ServiceClient } from '../../services/shared/grpc-client.js';
import { HOUR_MS, hourStartMs, millisOf, timestampAt } from '../support/caller-time.js';
import { EngagementKind, ReactionServiceDefinition, type EngagementEnvelope } from '../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { spawnService, type ServiceProcess } from '../../scripts/launcher.js';
import { freePorts } from '../support/env.js';
import { createIsolatedKeyspace } from '../support/stack.js';

const REPLICAS = 3;
let keyspace: Awaited<ReturnType<typeof createIsolatedKeyspace>>;
let ports: number[];
const processes: ServiceProcess[] = [];
const clients: Array<ServiceClient<typeof ReactionServiceDefinition>> = [];

const startReplica = async (i: number) => {
  processes[i] = spawnService(
    'reaction',
    // Metrics on a port the OS picks: replicas on one machine cannot share one.
    {
      ...process.env,
      REACTION_PORT: String(ports[i]),
      REACTION_METRICS_PORT: '0',
      CASSANDRA_KEYSPACE: keyspace.keyspace,
      LOG_LEVEL: 'warn',
    },
    'ignore',
  );
  await processes[i].untilServing(ports[i]);
};

beforeAll(async () => {
  keyspace = await createIsolatedKeyspace('replicas');
  ports = await freePorts(REPLICAS);
  for (let i = 0; i < REPLICAS; i++) await startReplica(i);
  for (const port of ports) clients.push(createServiceClient(ReactionServiceDefinition, `127.0.0.1:${port}`));
}, 120_000);

afterAll(async () => {
  for (const client of clients) client.close();
  await Promise.all(processes.map((p) => p?.stop()));
  await keyspace?.drop();
});

/** Sends a batch to replica `start`, moving on to the next replica while one is down; ids make the retry safe. */
async function sendWithRetry(batch: EngagementEnvelope[], start: number): Promise<void> {
  for (let attempt = 0; attempt < 30; attempt++) {
    const client = clients[(start + attempt) % REPLICAS];
    try {
      await client.recordEngagements({ events: batch }, { deadline: 5000 });
      return;
    } catch (error) {
      const code = (error as ClientError).code;
      if (code !== Status.UNAVAILABLE && code !== Status.DEADLINE_EXCEEDED && code !== Status.CANCELLED) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error('no replica took the batch');
}

describe('hourly engagement with three replicas', () => {
  it('gives every replica the exact counts after concurrent writes and a restart', async () => {
    const now = Date.now();
    const hours = [hourStartMs(now), hourStartMs(now) - 3 * HOUR_MS];
    const users = Array.from({ length: 400 }, (_, i) => `user-${i}-${randomUUID().slice(0, 8)}`);
    const events: EngagementEnvelope[] = Array.from({ length: 3000 }, (_, i) => {
      const hour = i % 20 === 0 ? hours[1] : hours[0];
      const latest = hour === hours[0] ? now - hour : HOUR_MS - 1;
      return {
        eventId: randomUUID(),
        idAssigned: false,
        event: {
          user: users[Math.floor(Math.random() * users.length)],
          kind: Math.random() < 0.3 ? EngagementKind.ENGAGEMENT_KIND_CLICK : EngagementKind.ENGAGEMENT_KIND_IMPRESSION,
          ts: timestampAt(hour + Math.floor(Math.random() * latest)),
        },
      };
    });
    const retried = events.filter((_, i) => i % 10 === 3); // sent again, to another replica
    const sends = [...events, ...retried];
    const batches = Array.from({ length: Math.ceil(sends.length / 20) }, (_, i) => sends.slice(i * 20, i * 20 + 20));

    let next = 0;
    let restarted: Promise<void> | undefined;
    const worker = async (w: number) => {
      while (next < batches.length) {
        const index = next++;
        if (index === Math.floor(batches.length / 3)) {
          restarted = (async () => {
            await processes[1].stop();
            await startReplica(1);
          })();
        }
        await sendWithRetry(batches[index], (index + w) % REPLICAS);
      }
    };
    await Promise.all(Array.from({ length: 12 }, (_, w) => worker(w)));
    await restarted;

    const expected = (hour: number) => {
      const inHour = events.filter((e) => hourStartMs(millisOf(e.event!.ts!)) === hour);
      return {
        uniqueUsers: new Set(inHour.map((e) => e.event!.user)).size,
        clicks: inHour.filter((e) => e.event!.kind === EngagementKind.ENGAGEMENT_KIND_CLICK).length,
        impressions: inHour.filter((e) => e.event!.kind === EngagementKind.ENGAGEMENT_KIND_IMPRESSION).length,
      };
    };
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the open hour's answer may be a second old
    for (const hour of hours) {
      for (const client of clients) {
        const answer = await client.getHourlyEngagement({ timestamp: timestampAt(hour + 1) });
        expect({ uniqueUsers: answer.uniqueUsers, clicks: answer.clicks, impressions: answer.impressions }).toEqual(expected(hour));
      }
    }
  }, 120_000);
});
