// npm run bench:write-cpu — the CPU each process spends on the write path at a fixed rate (open loop): reaction
// batches and session batches of 10 sent to ingest over gRPC. A fixed rate makes builds comparable on a noisy
// machine where throughput runs differ by ±15%: the same work, so only the CPU it takes can differ. Prints cores per
// process and microseconds of CPU per event in ingest plus the owner; appends to docs/benchmarks.md. Loopback only.
import { randomUUID } from 'node:crypto';
import { createServiceClient } from '../services/shared/grpc-client.js';
import { systemClock, toTimestamp } from '../services/shared/time.js';
import { IngestServiceDefinition, type Event } from '../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { startIsolatedStack } from '../test/support/stack.js';
import { CpuMeter, describeCores, localCassandraPid } from './support/cpu.js';
import { describeMachine } from './support/machine.js';
import { BenchReport } from './support/report.js';
import { openLoop } from './support/stats.js';
import { traceSinkFromEnv } from './support/trace-sink.js';

const PHASE_SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const EVENTS_PER_SECOND = Number(process.env.BENCH_EVENTS_PER_SECOND ?? 2000);
const report = new BenchReport();

console.log(`write CPU benchmark: ${PHASE_SECONDS} s phases at ${EVENTS_PER_SECOND} events/s on ${describeMachine()}`);
const traceSink = await traceSinkFromEnv();
const stack = await startIsolatedStack('bench_write_cpu');
const ingest = createServiceClient(IngestServiceDefinition, `127.0.0.1:${stack.ports.ingest}`);
const countries = ['FI', 'SE', 'DE', 'US', 'BR'];

const reactions = (): Event[] =>
  Array.from({ length: 10 }, () => ({
    eventId: randomUUID(),
    payload: {
      $case: 'reaction',
      value: {
        userId: randomUUID(),
        matchId: `match-${Math.floor(Math.random() * 20)}`,
        emoticon: 1 + Math.floor(Math.random() * 8),
        ts: toTimestamp(systemClock()),
      },
    },
  }));
const sessions = (): Event[] =>
  Array.from({ length: 5 }, () => {
    const [playerId, sessionId, ts] = [randomUUID(), randomUUID(), toTimestamp(systemClock())];
    return [
      {
        eventId: '',
        payload: { $case: 'sessionStart' as const, value: { playerId, sessionId, country: countries[Math.floor(Math.random() * 5)], ts } },
      },
      { eventId: '', payload: { $case: 'sessionEnd' as const, value: { playerId, sessionId, ts } } },
    ];
  }).flat();

try {
  report.line(`\n### Write path CPU at ${EVENTS_PER_SECOND} events/s — ${new Date().toISOString().slice(0, 10)}, ${describeMachine()}\n`);
  report.line('| batches of 10 to ingest (gRPC) | events/s | errors | cores used | µs of CPU per event, ingest + owner |');
  report.line('|---|---|---|---|---|');
  for (const [name, owner, batch] of [
    ['reactions', 'reaction', reactions],
    ['sessions', 'session', sessions],
  ] as const) {
    const send = () => ingest.ingestEvents({ events: batch() }).then(() => undefined);
    report.progress(`${name}: warming up for 5 s`);
    await openLoop(5, EVENTS_PER_SECOND / 10, send);
    const cpu = new CpuMeter(() => ({
      ingest: stack.processes.ingest.pid,
      [owner]: stack.processes[owner].pid,
      cassandra: localCassandraPid(),
      'load generator': process.pid,
    }));
    report.progress(`${name}: ${PHASE_SECONDS} s at ${EVENTS_PER_SECOND} events/s`);
    cpu.start();
    const latencies = await openLoop(PHASE_SECONDS, EVENTS_PER_SECOND / 10, send);
    const cores = cpu.stop();
    const perEvent = (((cores.get('ingest') ?? NaN) + (cores.get(owner) ?? NaN)) * 1e6) / EVENTS_PER_SECOND;
    report.headline(`write-cpu.${name}`, latencies.errors > 0 ? NaN : perEvent);
    report.line(`| ${name} | ${EVENTS_PER_SECOND} | ${latencies.describeErrors()} | ${describeCores(cores)} | ${perEvent.toFixed(0)} |`);
  }
  if (traceSink) report.line(`\n${traceSink.describe()}.`);
  report.appendToDocs();
} finally {
  ingest.close();
  await stack.stop();
  await traceSink?.close();
}
