// One of three Cassandra nodes dies under a write load (replication factor 3, QUORUM): nothing acknowledged is lost
// or doubled, queries keep answering while it is down, and the node rejoins. Needs the three-node cluster
// (`npm run test:cluster` starts it and runs this file; it is not part of `npm test`).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../services/shared/repo-root.js';
import type { RunningStack } from '../../scripts/launcher.js';
import { untilAnswering } from '../support/raw-http.js';
import { startIsolatedStack } from '../support/stack.js';
import { describeFailures, matchTotal, settledTotal, startWriteLoad } from '../support/write-load.js';

const DEADLINE_MS = 5000;
const ANSWER_SLACK_MS = 2000;
const DOWN_FOR_MS = 15_000;
// Asynchronously: the writers share this process, and a blocked event loop would count against their deadlines.
const cluster = (...args: string[]) =>
  new Promise<void>((resolve, reject) =>
    spawn('bash', [join(repoRoot(), 'scripts/cassandra/cluster.sh'), ...args], { stdio: 'inherit' }).on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`cluster.sh ${args.join(' ')} exited with ${code}`)),
    ),
  );
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let stack: RunningStack & { keyspace: string };
let gateway: string;

beforeAll(async () => {
  stack = await startIsolatedStack('cluster', { GATEWAY_DEADLINE_MS: String(DEADLINE_MS), LOG_LEVEL: 'fatal' }, { keepKeyspace: true });
  gateway = `http://127.0.0.1:${stack.ports.gateway}`;
  await untilAnswering(`${gateway}/healthz`);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** Whether all three replicas answer for the keyspace: a read at ALL through the given node only. */
async function allReplicasAnswer(keyspace: string, node: string): Promise<boolean> {
  const client = new cassandra.Client({
    contactPoints: [node],
    localDataCenter: 'datacenter1',
    policies: {
      loadBalancing: new cassandra.policies.loadBalancing.AllowListPolicy(new cassandra.policies.loadBalancing.RoundRobinPolicy(), [
        `${node}:9042`,
      ]),
    },
  });
  try {
    await client.execute(`SELECT version FROM ${keyspace}.schema_migrations`, [], { consistency: cassandra.types.consistencies.all });
    return true;
  } catch {
    return false;
  } finally {
    await client.shutdown();
  }
}

describe('losing one of three Cassandra nodes', () => {
  it('loses no acknowledged event, keeps answering queries, and the node rejoins', async () => {
    expect(process.env.CASSANDRA_CONSISTENCY).toBe('quorum');
    expect(await allReplicasAnswer(stack.keyspace, '127.0.0.1')).toBe(true);
    const matchId = `node-loss-${randomUUID()}`;
    const load = startWriteLoad({ gateway, matchId, deadlineMs: DEADLINE_MS, slackMs: ANSWER_SLACK_MS });
    await sleep(3000);
    await cluster('kill', '3');
    const killedAt = Date.now();
    const queries: { ms: number; failure?: string }[] = [];
    while (Date.now() - killedAt < DOWN_FOR_MS) {
      const started = Date.now();
      const failure = await matchTotal(gateway, matchId, DEADLINE_MS + ANSWER_SLACK_MS).then(
        () => undefined,
        (error: Error) => error.message,
      );
      queries.push({ ms: Date.now() - started, failure });
      await sleep(250);
    }
    const failedQueries = queries.filter((query) => query.failure);
    const slowestQueryMs = Math.max(...queries.map((query) => query.ms));
    const acknowledgedWhileDown = load.acknowledged.size;
    expect(await allReplicasAnswer(stack.keyspace, '127.0.0.1'), 'a read at ALL fails while a replica is down').toBe(false);
    const restartedAt = Date.now();
    await cluster('start-node', '3');
    let rejoinedAfterMs = -1;
    while (Date.now() - restartedAt < 120_000) {
      if (await allReplicasAnswer(stack.keyspace, '127.0.0.3')) {
        rejoinedAfterMs = Date.now() - restartedAt;
        break;
      }
      await sleep(1000);
    }
    await sleep(2000);
    await load.stop();
    const total = await settledTotal(gateway, matchId, load.acknowledged.size, DEADLINE_MS);
    console.log(
      `node loss: ${load.acknowledged.size} acknowledged (${acknowledgedWhileDown} by the end of the ${DOWN_FOR_MS / 1000} s outage), ` +
        `total ${total}, ${queries.length - failedQueries.length}/${queries.length} queries answered while down (slowest ${slowestQueryMs} ms), node 3 back at ALL ${rejoinedAfterMs} ms after its start, ` +
        `slowest call ${load.slowestMs} ms, failed attempts ${describeFailures(load)}`,
    );
    expect(total).toBe(load.acknowledged.size);
    expect(failedQueries.map((query) => query.failure)).toEqual([]);
    expect(load.lateCalls).toBe(0);
    expect(rejoinedAfterMs).toBeGreaterThanOrEqual(0);
  }, 300_000);
});
