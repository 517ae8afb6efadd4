// npm run bench:reactions — the original engagement workload through the gateway routes (95% of requests on the
// current hour; a 95% GET / 5% POST mix and a POST-heavy one), reaction ingest throughput, and the live feed's
// delay from write to watcher. Prints the figures and appends them to docs/benchmarks.md. Loopback only, bounded.
import { randomUUID } from 'node:crypto';
import { createServiceClient } from '../services/shared/grpc-client.js';
import { before, elapsed, hourOf, hours, micros, systemClock, toMillis, toTimestamp } from '../services/shared/time.js';
import { IngestServiceDefinition, type Event } from '../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { ReactionServiceDefinition } from '../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { startIsolatedStack } from '../test/support/stack.js';
import { CpuMeter, describeCores, localCassandraPid } from './support/cpu.js';
import { HttpLoad } from './support/http-load.js';
import { vegetaAttack } from './support/vegeta.js';
import { describeMachine } from './support/machine.js';
import { BenchReport } from './support/report.js';
import { traceSinkFromEnv } from './support/trace-sink.js';
import { closedLoop, Latencies } from './support/stats.js';

const PHASE_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** The engagement targets are set at 1,000 to 4,000/s (p99 ≤ 5 ms) and 10,000/s (p99 < 50 ms); between, the highest rate held. */
const OPEN_LOOP_RATES = [1000, 2000, 4000, 6000, 8000, 10_000];
const report = new BenchReport();

console.log(`reaction benchmark: ${PHASE_SECONDS} s phases on ${describeMachine()}`);
const traceSink = await traceSinkFromEnv();
const stack = await startIsolatedStack('bench_reactions');
const http = new HttpLoad('127.0.0.1', stack.ports.gateway, 64);
const users = Array.from({ length: 5000 }, (_, i) => `user${i}`);

/** A timestamp in the original API's milliseconds: 95% in the current hour, the rest in one of the previous 24. */
function timestamp(): number {
  const now = systemClock();
  if (Math.random() < 0.95) return toMillis(before(now, micros(Math.floor(Math.random() * elapsed(hourOf(now), now)))));
  return toMillis(before(now, hours(1 + Math.floor(Math.random() * 24))));
}

function originalRequest(postShare: number): ['GET' | 'POST', string] {
  if (Math.random() < postShare) {
    const user = users[Math.floor(Math.random() * users.length)];
    return ['POST', `/analytics?timestamp=${timestamp()}&user=${user}&${Math.random() < 0.3 ? 'click' : 'impression'}`];
  }
  return ['GET', `/analytics?timestamp=${timestamp()}`];
}

try {
  report.line(`\n### Engagement and reactions — ${new Date().toISOString().slice(0, 10)}, ${describeMachine()}\n`);
  report.line('| workload through the gateway (original routes) | connections | requests/s | p50 | p99 | errors |');
  report.line('|---|---|---|---|---|---|');
  for (const [name, postShare] of [
    ['95% GET / 5% POST', 0.05],
    ['POST-heavy: 80% POST / 20% GET', 0.8],
  ] as const) {
    for (const connections of [16, 64]) {
      report.progress(`${name}, ${connections} connections`);
      const { perSecond, latencies } = await closedLoop(PHASE_SECONDS, connections, async () => {
        const [method, path] = originalRequest(postShare);
        const status = await http.send(method, path);
        if (status !== 200 && status !== 204) throw new Error(`HTTP ${status}`);
      });
      report.line(
        `| ${name} | ${connections} | ${Math.round(perSecond)} | ${latencies.percentile(50).toFixed(1)} ms | ` +
          `${latencies.percentile(99).toFixed(1)} ms | ${latencies.describeErrors()} |`,
      );
    }
  }

  report.line(
    "\n| 95% GET / 5% POST, open loop by vegeta (the original's workload) | rate asked | requests/s done | p99 | GET p99 | POST p99 | errors | cores used |",
  );
  report.line('|---|---|---|---|---|---|---|---|');
  const cpu = new CpuMeter(() => ({
    gateway: stack.processes.gateway.pid,
    reaction: stack.processes.reaction.pid,
    cassandra: localCassandraPid(),
  }));
  const targets = Array.from({ length: 20_000 }, () => {
    const [method, path] = originalRequest(0.05);
    return { method, url: `http://127.0.0.1:${stack.ports.gateway}${path}` };
  });
  let highestHeld = 0;
  for (const rate of OPEN_LOOP_RATES) {
    report.progress(`95% GET / 5% POST, open loop at ${rate}/s (vegeta)`);
    cpu.start();
    const { all, byMethod } = await vegetaAttack(targets, rate, PHASE_SECONDS * 2);
    const cores = describeCores(cpu.stop());
    const p99 = (method: string) => byMethod.get(method)?.percentile(99).toFixed(1) ?? '—';
    report.line(
      `| | ${rate}/s | ${Math.round(all.count / (PHASE_SECONDS * 2))} | ${all.percentile(99).toFixed(1)} ms | ` +
        `${p99('GET')} ms | ${p99('POST')} ms | ${all.describeErrors()} | ${cores} |`,
    );
    report.headline(`engagement.p99@${rate}`, all.errors > 0 ? NaN : all.percentile(99));
    report.headline(`engagement.post-p99@${rate}`, all.errors > 0 ? NaN : (byMethod.get('POST')?.percentile(99) ?? NaN));
    if (all.errors === 0 && all.percentile(99) < 50) highestHeld = rate;
  }
  report.line(`\nHighest rate held with p99 < 50 ms and no errors: ${highestHeld.toLocaleString('en')} requests/s.`);
  report.headline('engagement.highest-rate-held', highestHeld);

  const ingest = createServiceClient(IngestServiceDefinition, `127.0.0.1:${stack.ports.ingest}`);
  const matches = Array.from({ length: 20 }, () => `match-${randomUUID()}`);
  const reactionBatch = (size: number, matchId?: string): Event[] =>
    Array.from({ length: size }, () => ({
      eventId: '',
      payload: {
        $case: 'reaction' as const,
        value: {
          userId: users[Math.floor(Math.random() * users.length)],
          matchId: matchId ?? matches[Math.floor(Math.random() * matches.length)],
          emoticon: 1 + Math.floor(Math.random() * 8),
          ts: toTimestamp(systemClock()),
        },
      },
    }));
  report.line('\n| reaction ingest (gRPC → ingest) | batch | in flight | reactions/s | batch p50 | batch p99 |');
  report.line('|---|---|---|---|---|---|');
  for (const [batch, inFlight] of [
    [10, 16],
    [100, 8],
  ] as const) {
    report.progress(`reaction ingest, batches of ${batch}`);
    const { perSecond, latencies } = await closedLoop(PHASE_SECONDS, inFlight, async () => {
      await ingest.ingestEvents({ events: reactionBatch(batch) });
    });
    report.line(
      `| | ${batch} | ${inFlight} | ${Math.round(perSecond * batch)} | ${latencies.percentile(50).toFixed(1)} ms | ${latencies.percentile(99).toFixed(1)} ms |`,
    );
  }

  report.progress('live feed delay');
  const reactionClient = createServiceClient(ReactionServiceDefinition, `127.0.0.1:${stack.ports.reaction}`);
  const liveMatch = `live-${randomUUID()}`;
  const watching = new AbortController();
  let seenTotal = 0;
  let notify: (() => void) | undefined;
  void (async () => {
    for await (const update of reactionClient.watchMatchReactions({ matchId: liveMatch, intervalMs: 100 }, { signal: watching.signal })) {
      seenTotal = update.summary!.total;
      notify?.();
    }
  })().catch(() => {});
  const delays = new Latencies();
  for (let i = 1; i <= 30; i++) {
    const written = performance.now();
    await ingest.ingestEvents({ events: reactionBatch(1, liveMatch) });
    while (seenTotal < i) await new Promise<void>((resolve) => (notify = resolve));
    delays.add(performance.now() - written);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  watching.abort();
  reactionClient.close();
  ingest.close();
  report.line(`\nLive feed (interval 100 ms), write sent → update received: ${delays.summary()}.`);
  if (traceSink) report.line(`\n${traceSink.describe()}.`);
  report.appendToDocs();
} finally {
  http.close();
  await stack.stop();
  await traceSink?.close();
}
