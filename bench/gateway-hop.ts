// npm run bench:hop — which client the gateway should use for its hop to the services: a bytes-only @grpc/grpc-js
// client (what BackendChannel is) or connect-node's gRPC transport, both calling the same RPCs of running services:
// a light one (GetHourlyEngagement of a closed hour, answered from Redis) and one that reads Cassandra
// (ListCompletedSessions of an unknown player). Appends to docs/benchmarks.md. Loopback only, bounded.
import { create, toBinary, type DescService } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { ReactionService } from '../gen/es/gamepulse/reaction/v1/reaction_pb.js';
import { SessionService } from '../gen/es/gamepulse/session/v1/session_pb.js';
import { BackendChannel } from '../services/gateway/backend-channel.js';
import { startIsolatedStack } from '../test/support/stack.js';
import { describeMachine } from './support/machine.js';
import { BenchReport } from './support/report.js';
import { closedLoop } from './support/stats.js';

const PHASE_SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = 32;
const report = new BenchReport();

console.log(`gateway hop benchmark: ${PHASE_SECONDS} s phases, ${CONCURRENCY} in flight, on ${describeMachine()}`);
const stack = await startIsolatedStack('bench_hop');
const pastHour = BigInt(Math.floor((Date.now() - 5 * 3_600_000) / 3_600_000) * 3600);
const cases = [
  {
    rpc: 'GetHourlyEngagement (Redis)',
    address: `127.0.0.1:${stack.ports.reaction}`,
    service: ReactionService,
    method: ReactionService.method.getHourlyEngagement,
    request: { timestamp: { seconds: pastHour, nanos: 0 } },
  },
  {
    rpc: 'ListCompletedSessions (Cassandra)',
    address: `127.0.0.1:${stack.ports.session}`,
    service: SessionService,
    method: SessionService.method.listCompletedSessions,
    request: { playerId: 'nobody', limit: 20 },
  },
] as const;
try {
  report.line(`\n### Gateway hop client — ${new Date().toISOString().slice(0, 10)}, ${describeMachine()}\n`);
  report.line('| RPC | client (unary, 32 in flight) | calls/s | p50 | p99 |');
  report.line('|---|---|---|---|---|');
  for (const { rpc, address, service, method, request } of cases) {
    const channel = new BackendChannel(address, 10_000);
    const connect = createClient(service as DescService, createGrpcTransport({ baseUrl: `http://${address}` })) as unknown as Record<
      string,
      (r: unknown) => Promise<unknown>
    >;
    const bytes = toBinary(method.input, create(method.input, request as never));
    const path = `/${service.typeName}/${method.name}`;
    const clients: Array<[string, () => Promise<unknown>]> = [
      ['@grpc/grpc-js, serialized bytes (BackendChannel)', () => channel.unary(path, bytes, new AbortController().signal)],
      ['connect-node gRPC transport', () => connect[method.localName](request)],
    ];
    for (const [name, call] of clients) {
      report.progress(`${rpc}: ${name}`);
      await closedLoop(2, CONCURRENCY, async () => void (await call())); // warm-up
      const { perSecond, latencies } = await closedLoop(PHASE_SECONDS, CONCURRENCY, async () => void (await call()));
      report.line(
        `| ${rpc} | ${name} | ${Math.round(perSecond)} | ${latencies.percentile(50).toFixed(1)} ms | ` +
          `${latencies.percentile(99).toFixed(1)} ms |`,
      );
    }
    channel.close();
  }
  report.appendToDocs();
} finally {
  await stack.stop();
}
