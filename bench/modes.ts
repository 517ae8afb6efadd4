// npm run bench:modes — the original LILA workload through the gateway: mostly GET /stats/ over a few hundred area
// codes with a stream of LOGIN / LOGOUT on POST /events/, open loop at fixed rates; then the write path alone
// (mode events through ingest), and how old a /stats/ answer can be. Prints the figures and appends them to
// docs/benchmarks.md. Loopback only, bounded.
import { createServiceClient } from '../services/shared/grpc-client.js';
import { IngestServiceDefinition, type Event } from '../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { ModeAction } from '../gen/ts-proto/gamepulse/session/v1/session.js';
import { startIsolatedStack } from '../test/support/stack.js';
import { HttpLoad } from './support/http-load.js';
import { describeMachine } from './support/machine.js';
import { BenchReport } from './support/report.js';
import { CpuMeter, describeCores, localCassandraPid } from './support/cpu.js';
import { closedLoop, Latencies, openLoop } from './support/stats.js';

const PHASE_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const AREAS = 300;
const USERS = 20_000;
const SEED_EVENTS = 15_000;
const report = new BenchReport();

console.log(`mode benchmark: ${PHASE_SECONDS} s phases on ${describeMachine()}`);
const stack = await startIsolatedStack('bench_modes');
// Readers and writers are different clients: a slow write never holds a reader's connection.
const http = new HttpLoad('127.0.0.1', stack.ports.gateway, 64);
const writers = new HttpLoad('127.0.0.1', stack.ports.gateway, 64);
const area = () => String(100 + Math.floor(Math.random() * AREAS));
const user = () => `User${Math.floor(Math.random() * USERS)}`;
const mode = () => `Modes${1 + Math.floor(Math.random() * 10)}`;
const item = () => ({
  area_code: area(),
  multiplayer_mode: mode(),
  user_id: user(),
  events_name: Math.random() < 0.7 ? 'LOGIN' : 'LOGOUT',
});

/** Latencies of each kind of request of a phase, beside those of the phase as a whole. */
const byKind = { GET: new Latencies(), POST: new Latencies() };

async function originalRequest(postShare: number): Promise<void> {
  const kind = Math.random() < postShare ? 'POST' : 'GET';
  const sent = performance.now();
  const status =
    kind === 'POST'
      ? await writers.send('POST', '/events/', JSON.stringify({ items: [item()] }))
      : await http.send('GET', `/stats/?area_code=${area()}`);
  if (status !== 200) throw new Error(`HTTP ${status}`);
  byKind[kind].add(performance.now() - sent);
}
const p50p99 = (latencies: Latencies) => `${latencies.percentile(50).toFixed(1)} / ${latencies.percentile(99).toFixed(1)} ms`;

try {
  report.line(`\n### Mode popularity — ${new Date().toISOString().slice(0, 10)}, ${describeMachine()}\n`);
  report.progress(`seeding ${SEED_EVENTS} events of ${USERS} users over ${AREAS} area codes`);
  const ingest = createServiceClient(IngestServiceDefinition, `127.0.0.1:${stack.ports.ingest}`);
  const modeBatch = (size: number): Event[] =>
    Array.from({ length: size }, () => ({
      eventId: '',
      payload: {
        $case: 'mode' as const,
        value: {
          userId: user(),
          areaCode: area(),
          mode: mode(),
          action: Math.random() < 0.7 ? ModeAction.MODE_ACTION_LOGIN : ModeAction.MODE_ACTION_LOGOUT,
          ts: undefined,
        },
      },
    }));
  // A fixed number, not a fixed time: what the read path counts over is then the same in every run.
  let batchesLeft = SEED_EVENTS / 100;
  const seedStarted = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (batchesLeft-- > 0) await ingest.ingestEvents({ events: modeBatch(100) });
    }),
  );
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  report.line(
    `Seeded ${SEED_EVENTS} mode events first (${Math.round(SEED_EVENTS / seedSeconds)} events/s, batches of 100, 8 in flight).\n`,
  );
  // Cassandra flushes and compacts after the burst, and fresh processes are not yet compiled: measured steady state
  // comes after both (without this the first phase reads seconds, whatever the code).
  report.progress('settling for 15 s, then warming the read path');
  await new Promise((resolve) => setTimeout(resolve, 15_000));
  await openLoop(5, 500, () => originalRequest(0));

  const cpu = new CpuMeter(() => ({
    gateway: stack.processes.gateway.pid,
    ingest: stack.processes.ingest.pid,
    session: stack.processes.session.pid,
    cassandra: localCassandraPid(),
    'load generator': process.pid,
  }));
  report.line(
    '| workload through the gateway (original routes) | rate asked | requests/s done | p50 | p99 | GET p50 / p99 | POST p50 / p99 | errors | cores used |',
  );
  report.line('|---|---|---|---|---|---|---|---|---|');
  for (const [name, postShare, rates] of [
    ['GET /stats/ only', 0, [1000, 3000]],
    ['95% GET / 5% POST', 0.05, [1000, 2000, 3000]],
  ] as const) {
    for (const rate of rates) {
      report.progress(`${name}, open loop at ${rate}/s`);
      byKind.GET = new Latencies();
      byKind.POST = new Latencies();
      cpu.start();
      const latencies = await openLoop(PHASE_SECONDS, rate, () => originalRequest(postShare));
      report.line(
        `| ${name} | ${rate}/s | ${Math.round(latencies.count / PHASE_SECONDS)} | ${latencies.percentile(50).toFixed(1)} ms | ` +
          `${latencies.percentile(99).toFixed(1)} ms | ${p50p99(byKind.GET)} | ${postShare ? p50p99(byKind.POST) : '—'} | ` +
          `${latencies.describeErrors()} | ${describeCores(cpu.stop())} |`,
      );
      if (postShare > 0) report.headline(`modes.p99@${rate}`, latencies.errors > 0 ? NaN : latencies.percentile(99));
    }
  }

  report.line('\n| mode events through ingest (gRPC) | batch | in flight | events/s | batch p50 | batch p99 | cores used |');
  report.line('|---|---|---|---|---|---|---|');
  for (const [batch, inFlight] of [
    [10, 16],
    [100, 8],
  ] as const) {
    report.progress(`mode ingest, batches of ${batch}`);
    cpu.start();
    const { perSecond, latencies } = await closedLoop(PHASE_SECONDS, inFlight, async () => {
      await ingest.ingestEvents({ events: modeBatch(batch) });
    });
    report.line(
      `| | ${batch} | ${inFlight} | ${Math.round(perSecond * batch)} | ${latencies.percentile(50).toFixed(1)} ms | ${latencies.percentile(99).toFixed(1)} ms | ${describeCores(cpu.stop())} |`,
    );
  }

  report.progress('how old a /stats/ answer can be');
  const staleness = new Latencies();
  for (let i = 0; i < 30; i++) {
    const areaCode = String(900 + (i % 100));
    const userId = `Fresh${i}-${Date.now()}`;
    const written = performance.now();
    await http.send(
      'POST',
      '/events/',
      JSON.stringify({ items: [{ area_code: areaCode, multiplayer_mode: 'Fresh', user_id: userId, events_name: 'LOGIN' }] }),
    );
    for (;;) {
      const body = await http.get(`/stats/?area_code=${areaCode}`);
      if (body.includes('"Fresh"')) break;
    }
    staleness.add(performance.now() - written);
    await http.send(
      'POST',
      '/events/',
      JSON.stringify({ items: [{ area_code: areaCode, multiplayer_mode: 'Fresh', user_id: userId, events_name: 'LOGOUT' }] }),
    );
  }
  report.line(`\nAccepted LOGIN → first /stats/ answer that shows it: ${staleness.summary()}.`);
  ingest.close();
  report.appendToDocs();
} finally {
  http.close();
  writers.close();
  await stack.stop();
}
