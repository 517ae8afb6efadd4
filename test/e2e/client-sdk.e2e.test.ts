// @gamepulse/client as a game server uses it: an EventSender sends 20,000 events (reactions and engagements) straight
// to the ingest service over gRPC while that process is SIGKILLed and restarted by the launcher, twice; every event
// is stored exactly once (the queries over Connect count them), none is dropped, none rejected. The example in
// examples/ runs against the same stack, and so does the package as `npm pack` makes it, installed in an empty folder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGamepulseClients, Emoticon, EngagementKind, EventSender, timestampFromDate } from '@gamepulse/client';
import { createNodeTransport } from '@gamepulse/client/node';
import type { RunningStack } from '../../scripts/launcher.js';
import { repoRoot } from '../../services/shared/repo-root.js';
import { killAndAwaitRestart } from '../support/process-restart.js';
import { runNodeScript } from '../support/node-script.js';
import { startIsolatedStack } from '../support/stack.js';

let stack: RunningStack;
let gateway: string;

beforeAll(async () => {
  stack = await startIsolatedStack('client_sdk');
  gateway = `http://127.0.0.1:${stack.ports.gateway}`;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const REACTIONS = 10_000;
const ENGAGEMENTS = 10_000;
const USERS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('EventSender against the real stack', () => {
  it(
    'stores every one of 20,000 events exactly once while the ingest service is killed and restarted twice',
    { timeout: 240_000 },
    async () => {
      const ingest = createGamepulseClients(createNodeTransport({ baseUrl: `http://127.0.0.1:${stack.ports.ingest}`, protocol: 'grpc' }));
      const rejected: string[] = [];
      const sender = new EventSender(ingest.ingest, {
        maxQueued: REACTIONS + ENGAGEMENTS,
        backoff: { initialMs: 50, maxMs: 1000 },
        onRejected: (_event, reason) => rejected.push(reason),
      });
      const ts = timestampFromDate(new Date());
      const matchId = `sdk-${Date.now()}`;
      const kills = (async () => {
        const restarts: number[] = [];
        for (const after of [REACTIONS / 4, REACTIONS]) {
          while (sender.stats().accepted < after) await sleep(20);
          restarts.push(await killAndAwaitRestart(stack.processes.ingest));
        }
        return restarts;
      })();
      for (let i = 0; i < REACTIONS + ENGAGEMENTS; i++) {
        await sender.send(
          i % 2 === 0
            ? { payload: { case: 'reaction', value: { userId: `u${i % USERS}`, matchId, emoticon: Emoticon.HEART, ts } } }
            : { payload: { case: 'engagement', value: { user: `u${i % USERS}`, kind: EngagementKind.CLICK, ts } } },
        );
        // A game server's pace, not a flood: the kills land while events are in flight.
        if (i % 500 === 499) await sleep(50);
      }
      const restartedIn = await kills;
      const counts = await sender.close();
      expect(rejected).toEqual([]);
      expect(counts).toMatchObject({ rejected: 0, dropped: 0, pending: 0 });
      expect(counts.accepted + counts.duplicate).toBe(REACTIONS + ENGAGEMENTS);
      // The kills were felt: calls failed and were sent again.
      expect(counts.retried).toBeGreaterThan(0);
      expect(restartedIn).toHaveLength(2);

      const queries = createGamepulseClients(createNodeTransport({ baseUrl: gateway }));
      const { summary } = await queries.reaction.getMatchReactions({ matchId });
      expect(Number(summary?.total)).toBe(REACTIONS);
      const hour = await queries.reaction.getHourlyEngagement({ timestamp: ts });
      expect({ users: Number(hour.uniqueUsers), clicks: Number(hour.clicks) }).toEqual({ users: USERS / 2, clicks: ENGAGEMENTS });
    },
  );
});

describe('examples/send-events.mjs', () => {
  it('runs in one command against the stack and prints what it sent and read back', { timeout: 60_000 }, async () => {
    const { code, out: output } = await runNodeScript('examples/send-events.mjs', { env: { GAMEPULSE_URL: gateway } });
    expect(code, output).toBe(0);
    expect(output).toContain('sent: 400 accepted, 0 duplicate, 0 rejected, 0 dropped');
    for (const line of ['HEART 100 (intensity 1)', 'FIRE 50 (intensity 1)', 'CLAP 50 (intensity 1)']) {
      expect(output).toContain(line);
    }
    expect(output).toMatch(/this hour: \d+ unique users, \d+ clicks, \d+ impressions/);
    expect(output).toContain('area EU1: duel 37, squad 13');
  });
});

describe('npm pack', () => {
  it('makes a tarball with ESM and types that installs into an empty folder and sends events', { timeout: 180_000 }, async () => {
    const folder = mkdtempSync(join(tmpdir(), 'gamepulse-client-'));
    try {
      execFileSync('npm', ['pack', '-w', '@gamepulse/client', '--pack-destination', folder], { cwd: repoRoot(), stdio: 'pipe' });
      const tarball = readdirSync(folder).find((name) => name.endsWith('.tgz'))!;
      expect(tarball).toMatch(/^gamepulse-client-\d+\.\d+\.\d+\.tgz$/);
      const listing = execFileSync('tar', ['-tzf', join(folder, tarball)], { encoding: 'utf8' });
      for (const file of ['package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/node.d.ts', 'package/dist/web.d.ts']) {
        expect(listing).toContain(file);
      }
      const app = join(folder, 'app');
      execFileSync('mkdir', ['-p', app]);
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
      execFileSync('npm', ['install', '--no-audit', '--no-fund', join(folder, tarball), '@connectrpc/connect-node@2.1.2'], {
        cwd: app,
        stdio: 'pipe',
      });
      writeFileSync(
        join(app, 'send.js'),
        [
          "import { createGamepulseClients, EngagementKind, EventSender, timestampFromDate } from '@gamepulse/client';",
          "import { createNodeTransport } from '@gamepulse/client/node';",
          'const clients = createGamepulseClients(createNodeTransport({ baseUrl: process.argv[2] }));',
          'const sender = new EventSender(clients.ingest);',
          'const ts = timestampFromDate(new Date());',
          "for (let i = 0; i < 10; i++) await sender.send({ payload: { case: 'engagement', value: { user: 'packed', kind: EngagementKind.IMPRESSION, ts } } });",
          'console.log(JSON.stringify(await sender.close()));',
        ].join('\n'),
      );
      const counts = JSON.parse(execFileSync(process.execPath, ['send.js', gateway], { cwd: app, encoding: 'utf8' })) as Record<
        string,
        number
      >;
      expect(counts).toMatchObject({ accepted: 10, rejected: 0, pending: 0 });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
