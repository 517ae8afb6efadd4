// npm run profile -- [path …] — where the CPU goes on each hot path. For each path: the whole stack started with
// `node --cpu-prof`, a fixed rate of that one kind of request (open loop) after a warm-up, the CPU each process used
// (Cassandra too, from /proc) per request, and the top frames and areas of each Node process's profile within the
// measured window. Profiles and a markdown summary go to .local/profiles/<path>/ (open a .cpuprofile in Chrome
// DevTools or speedscope). With no path, every path runs. Loopback only, bounded phases.
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServiceClient } from '../services/shared/grpc-client.js';
import { mapConcurrently } from '../services/shared/batch.js';
import { processNames } from '../services/shared/config.js';
import { repoRoot } from '../services/shared/repo-root.js';
import { after, before, micros, minutes, seconds, systemClock, toMillis, toTimestamp } from '../services/shared/time.js';
import { IngestServiceDefinition, type Event } from '../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { startIsolatedStack } from '../test/support/stack.js';
import { CpuMeter, localCassandraPid } from './support/cpu.js';
import { monotonicMicros, summarizeProfile } from './support/cpu-profile.js';
import { HttpLoad } from './support/http-load.js';
import { describeMachine } from './support/machine.js';
import { openLoop } from './support/stats.js';

const MEASURE_SECONDS = Number(process.env.PROFILE_SECONDS ?? 20);
const WARM_UP_SECONDS = 5;
const TOP_FRAMES = 6;
const TOP_AREAS = 4;

type Request = () => Promise<void>;

/** One kind of request, sent alone at a fixed rate. */
interface HotPath {
  describe: string;
  perSecond: number;
  /** Events carried by one request (a batch), for the per-event figure. */
  eventsPerRequest: number;
  /** Sets up what the requests need (seeded rows) and returns the request. */
  prepare(clients: Clients): Request | Promise<Request>;
}

interface Clients {
  http: HttpLoad;
  ingest: ReturnType<typeof createServiceClient<typeof IngestServiceDefinition>>;
}

const users = Array.from({ length: 5000 }, (_, i) => `user${i}`);
const players = Array.from({ length: 500 }, () => randomUUID().replaceAll('-', ''));
const countries = ['FI', 'SE', 'DE', 'US', 'BR', 'FR', 'JP', 'IN', 'GB', 'ES'];
const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)];

/** A millisecond timestamp within the current hour, as the original engagement API takes it. */
const thisHourMillis = () => toMillis(before(systemClock(), micros(Math.floor(Math.random() * 60_000_000))));

const expectStatus = (status: number) => {
  if (status !== 200 && status !== 204) throw new Error(`HTTP ${status}`);
};

function sessionEvents(sessions: number): Event[] {
  return Array.from({ length: sessions }, () => {
    const [playerId, sessionId] = [pick(players), randomUUID()];
    const start = before(systemClock(), micros(Math.floor(Math.random() * minutes(40)) + minutes(1)));
    return [
      {
        eventId: '',
        payload: { $case: 'sessionStart' as const, value: { playerId, sessionId, country: pick(countries), ts: toTimestamp(start) } },
      },
      {
        eventId: '',
        payload: { $case: 'sessionEnd' as const, value: { playerId, sessionId, ts: toTimestamp(after(start, seconds(30))) } },
      },
    ];
  }).flat();
}

/** 20,000 session events of 500 players over the last hour, so the session queries read real pages. */
async function seedSessions(clients: Clients): Promise<void> {
  await mapConcurrently(Array.from({ length: 2000 }), 8, () => clients.ingest.ingestEvents({ events: sessionEvents(5) }));
}

/** A session query, asked of a seeded data set: the request answers with the status `ask` resolves to. */
const afterSeedingSessions =
  (ask: (clients: Clients) => Promise<number>) =>
  async (clients: Clients): Promise<Request> => {
    await seedSessions(clients);
    return async () => expectStatus(await ask(clients));
  };

const hotPaths: Record<string, HotPath> = {
  'engagement-post': {
    describe: 'POST /analytics (a click or impression of this hour, original route)',
    perSecond: 300,
    eventsPerRequest: 1,
    prepare:
      ({ http }) =>
      async () =>
        expectStatus(
          await http.send(
            'POST',
            `/analytics?timestamp=${thisHourMillis()}&user=${pick(users)}&${Math.random() < 0.3 ? 'click' : 'impression'}`,
          ),
        ),
  },
  'engagement-get': {
    describe: 'GET /analytics of this hour (original route)',
    perSecond: 2000,
    eventsPerRequest: 0,
    prepare:
      ({ http }) =>
      async () =>
        expectStatus(await http.send('GET', `/analytics?timestamp=${thisHourMillis()}`)),
  },
  'session-batch': {
    describe: 'IngestEvents over gRPC, 5 session starts and their 5 ends',
    perSecond: 100,
    eventsPerRequest: 10,
    prepare:
      ({ ingest }) =>
      async () =>
        void (await ingest.ingestEvents({ events: sessionEvents(5) })),
  },
  'reaction-batch': {
    describe: 'IngestEvents over gRPC, 10 reactions on 20 matches',
    perSecond: 200,
    eventsPerRequest: 10,
    prepare: ({ ingest }) => {
      const matches = Array.from({ length: 20 }, (_, i) => `match-${i}`);
      return async () =>
        void (await ingest.ingestEvents({
          events: Array.from({ length: 10 }, () => ({
            eventId: randomUUID(),
            payload: {
              $case: 'reaction' as const,
              value: {
                userId: pick(users),
                matchId: pick(matches),
                emoticon: 1 + Math.floor(Math.random() * 8),
                ts: toTimestamp(systemClock()),
              },
            },
          })),
        }));
    },
  },
  'connect-json': {
    describe: 'Connect JSON RPC through the gateway: SessionService/ListCompletedSessions of a player',
    perSecond: 500,
    eventsPerRequest: 0,
    prepare: afterSeedingSessions(({ http }) =>
      http.send('POST', '/gamepulse.session.v1.SessionService/ListCompletedSessions', JSON.stringify({ playerId: pick(players) })),
    ),
  },
  'by-country': {
    describe: 'GET /by-country/{c}/24?limit=100 (original route), 20,000 events seeded',
    perSecond: 200,
    eventsPerRequest: 0,
    prepare: afterSeedingSessions(({ http }) => http.send('GET', `/by-country/${pick(countries)}/24?limit=100`)),
  },
};

const chosen = process.argv.slice(2);
for (const name of chosen) {
  if (!(name in hotPaths)) {
    console.error(`unknown path ${JSON.stringify(name)}; the paths: ${Object.keys(hotPaths).join(', ')}`);
    process.exit(2);
  }
}
const names = chosen.length > 0 ? chosen : Object.keys(hotPaths);
console.log(`profiling ${names.join(', ')}: ${MEASURE_SECONDS} s each after ${WARM_UP_SECONDS} s of warm-up, on ${describeMachine()}`);
const summaries: string[] = [];
for (const name of names) summaries.push(await profilePath(name, hotPaths[name]));
console.log(`\nprofiled ${names.length} path(s); profiles and summaries in .local/profiles/`);

async function profilePath(name: string, path: HotPath): Promise<string> {
  const dir = join(repoRoot(), '.local', 'profiles', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(`\n== ${name}: ${path.describe}, ${path.perSecond} requests/s`);
  const stack = await startIsolatedStack(
    'profile',
    {},
    {
      nodeArgs: (process) => ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${process}.cpuprofile`],
    },
  );
  const clients: Clients = {
    http: new HttpLoad('127.0.0.1', stack.ports.gateway, 64),
    ingest: createServiceClient(IngestServiceDefinition, `127.0.0.1:${stack.ports.ingest}`),
  };
  let window: { fromUs: number; toUs: number };
  let cores: Map<string, number | undefined>;
  let outcome: string;
  try {
    console.log('  … preparing and warming up');
    const request = await path.prepare(clients);
    await openLoop(WARM_UP_SECONDS, path.perSecond, request);
    const pids = Object.fromEntries(processNames.map((process) => [process, stack.processes[process].pid]));
    const cpu = new CpuMeter(() => ({ ...pids, cassandra: localCassandraPid() }));
    console.log(`  … measuring for ${MEASURE_SECONDS} s`);
    cpu.start();
    const fromUs = monotonicMicros();
    const latencies = await openLoop(MEASURE_SECONDS, path.perSecond, request);
    window = { fromUs, toUs: monotonicMicros() };
    cores = cpu.stop();
    outcome = `p50 ${latencies.percentile(50).toFixed(1)} ms, p99 ${latencies.percentile(99).toFixed(1)} ms, ${latencies.describeErrors()} errors`;
  } finally {
    clients.http.close();
    clients.ingest.close();
    // The profiles are written as each process exits.
    await stack.stop();
  }
  const summary = describe(name, path, dir, window, cores, outcome);
  writeFileSync(join(dir, 'summary.md'), summary);
  console.log(summary);
  return summary;
}

function describe(
  name: string,
  path: HotPath,
  dir: string,
  window: { fromUs: number; toUs: number },
  cores: Map<string, number | undefined>,
  outcome: string,
): string {
  const perRequestUs = (used: number | undefined) => (used === undefined ? NaN : (used * 1e6) / path.perSecond);
  const fmt = (us: number) => (Number.isNaN(us) ? '?' : us.toFixed(0));
  const requests = ((window.toUs - window.fromUs) / 1e6) * path.perSecond;
  const lines = [
    `### ${name}: ${path.describe} — ${path.perSecond} requests/s, ${new Date().toISOString().slice(0, 10)}, ${describeMachine()}`,
    '',
    `Answers: ${outcome}.`,
    '',
    '| process | cores | CPU µs per request | top areas (self µs per request) | top frames (self µs per request) |',
    '|---|---|---|---|---|',
  ];
  let totalUs = 0;
  for (const [process, used] of cores) {
    const us = perRequestUs(used);
    if (!Number.isNaN(us)) totalUs += us;
    if (process === 'cassandra') {
      lines.push(`| cassandra | ${used?.toFixed(2) ?? '?'} | ${fmt(us)} | (a JVM: not sampled) | |`);
      continue;
    }
    const profile = summarizeProfile(join(dir, `${process}.cpuprofile`), window.fromUs, window.toUs);
    const share = (entries: Array<[string, number]>, count: number) =>
      entries
        .slice(0, count)
        .map(([label, selfUs]) => `${label.replaceAll('|', '\\|')} ${(selfUs / requests).toFixed(1)}`)
        .join('<br>');
    lines.push(
      `| ${process} | ${used?.toFixed(2) ?? '?'} | ${fmt(us)} | ${share(profile.areas, TOP_AREAS)} | ${share(profile.frames, TOP_FRAMES)} |`,
    );
  }
  const perEvent = path.eventsPerRequest > 0 ? ` (${(totalUs / path.eventsPerRequest).toFixed(0)} µs per event)` : '';
  lines.push('', `All processes: ${totalUs.toFixed(0)} µs of CPU per request${perEvent}, profiler on.`, '');
  return lines.join('\n');
}
