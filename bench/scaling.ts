// npm run bench:scaling — the session ingest path (gRPC to ingest, batches of 10 events, closed loop) with 1, 2 and 3
// replicas of the session service over the same Cassandra, each replica count on a stack of its own: events/s, p50,
// p99, the share of calls each replica answered, and the CPU each kind of process used. Prints the figures and
// appends them to docs/benchmarks.md. Loopback only, bounded phases.
import { IngestServiceDefinition } from '../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { createServiceClient } from '../services/shared/grpc-client.js';
import { sample, scrape } from '../test/support/prometheus-text.js';
import { startIsolatedStack } from '../test/support/stack.js';
import { CpuMeter, localCassandraPid } from './support/cpu.js';
import { describeMachine } from './support/machine.js';
import { BenchReport } from './support/report.js';
import { asGrpcEvents, batchOfTen } from './support/session-events.js';
import { closedLoop } from './support/stats.js';

const PHASE_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = 32;
const report = new BenchReport();

console.log(`scaling benchmark: ${PHASE_SECONDS} s per replica count on ${describeMachine()}`);
report.line(`\n### Scaling the session service — ${new Date().toISOString().slice(0, 10)}, ${describeMachine()}\n`);
report.line(
  `Session ingest over gRPC to ingest, batches of 10 events (5 sessions), ${CONCURRENCY} callers back to back, ` +
    `${PHASE_SECONDS} s per row; one Cassandra node shared by every row.\n`,
);
report.line('| session replicas | events/s | p50 | p99 | calls per replica | CPU cores: session (all) · ingest · Cassandra |');
report.line('|---|---|---|---|---|---|');
for (const replicas of [1, 2, 3]) {
  report.progress(`${replicas} session replica(s)`);
  const stack = await startIsolatedStack(`bench_scaling_${replicas}`, { LOG_LEVEL: 'warn' }, { replicas: { session: replicas } });
  const ingest = createServiceClient(IngestServiceDefinition, `127.0.0.1:${stack.ports.ingest}`);
  try {
    const send = () => ingest.ingestEvents({ events: asGrpcEvents(batchOfTen()) }).then(() => undefined);
    await closedLoop(2, CONCURRENCY, send);
    const sessions = [stack.processes.session, ...(stack.replicas.session ?? [])];
    const cpu = new CpuMeter(() => ({
      ingest: stack.processes.ingest.pid,
      cassandra: localCassandraPid(),
      ...Object.fromEntries(sessions.map((process, i) => [`session ${i}`, process.pid])),
    }));
    const before = await callsPerReplica(stack);
    cpu.start();
    const { perSecond, latencies } = await closedLoop(PHASE_SECONDS, CONCURRENCY, send);
    const cores = cpu.stop();
    const sessionCores = sessions.reduce((sum, _process, i) => sum + (cores.get(`session ${i}`) ?? 0), 0);
    const shown = (value: number | undefined) => (value === undefined ? '?' : value.toFixed(2));
    const after = await callsPerReplica(stack);
    const calls = after.map((count, i) => count - before[i]);
    const share = calls
      .map(
        (count) =>
          `${Math.round(
            (100 * count) /
              Math.max(
                1,
                calls.reduce((a, b) => a + b, 0),
              ),
          )}%`,
      )
      .join(' / ');
    report.line(
      `| ${replicas} | ${Math.round(perSecond * 10)} | ${latencies.percentile(50).toFixed(1)} ms | ${latencies.percentile(99).toFixed(1)} ms | ` +
        `${share} | ${shown(sessionCores)} · ${shown(cores.get('ingest'))} · ${shown(cores.get('cassandra'))} |`,
    );
  } finally {
    ingest.close();
    await stack.stop();
  }
}
report.appendToDocs();

/** RecordSessionEvents calls each session replica has answered so far. */
async function callsPerReplica(stack: Awaited<ReturnType<typeof startIsolatedStack>>): Promise<number[]> {
  const ports = [stack.ports.metrics.session, ...(stack.ports.replicas?.session ?? []).map((replica) => replica.metrics)];
  return Promise.all(
    ports.map(async (port) => sample(await scrape(port), 'grpc_server_handled_total', { grpc_method: 'RecordSessionEvents' })),
  );
}
