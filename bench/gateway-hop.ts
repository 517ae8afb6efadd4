// npm run bench:hop — which client the gateway should use for its hop to the services: a bytes-only @grpc/grpc-js
// client (what BackendChannel is), nice-grpc carrying the same bytes, nice-grpc with the ts-proto types (what the
// services use between themselves) or connect-node's gRPC transport, all calling the same RPCs of running services:
// a light one (GetHourlyEngagement of a closed hour, answered from Redis) and one that reads Cassandra
// (ListCompletedSessions of an unknown player). Appends to docs/benchmarks.md. Loopback only, bounded.
import { create, toBinary, type DescService } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { createChannel, createClient as createNiceClient } from 'nice-grpc';
import { ReactionService } from '../gen/es/gamepulse/reaction/v1/reaction_pb.js';
import { SessionService } from '../gen/es/gamepulse/session/v1/session_pb.js';
import { ReactionServiceDefinition } from '../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { SessionServiceDefinition } from '../gen/ts-proto/gamepulse/session/v1/session.js';
import { createServiceClient } from '../services/shared/grpc-client.js';
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
    typed: (address: string) => {
      const client = createServiceClient(ReactionServiceDefinition, address);
      const request = { timestamp: { seconds: Number(pastHour), nanos: 0 } };
      return { call: () => client.getHourlyEngagement(request), close: () => client.close() };
    },
  },
  {
    rpc: 'ListCompletedSessions (Cassandra)',
    address: `127.0.0.1:${stack.ports.session}`,
    service: SessionService,
    method: SessionService.method.listCompletedSessions,
    request: { playerId: 'nobody', limit: 20 },
    typed: (address: string) => {
      const client = createServiceClient(SessionServiceDefinition, address);
      return { call: () => client.listCompletedSessions({ playerId: 'nobody', limit: 20 }), close: () => client.close() };
    },
  },
] as const;
try {
  report.line(`\n### Gateway hop client — ${new Date().toISOString().slice(0, 10)}, ${describeMachine()}\n`);
  report.line('| RPC | client (unary, 32 in flight) | calls/s | p50 | p99 |');
  report.line('|---|---|---|---|---|');
  for (const { rpc, address, service, method, request, typed } of cases) {
    const channel = new BackendChannel(address, 10_000);
    const connect = createClient(service as DescService, createGrpcTransport({ baseUrl: `http://${address}` })) as unknown as Record<
      string,
      (r: unknown) => Promise<unknown>
    >;
    const bytes = toBinary(method.input, create(method.input, request as never));
    const path = `/${service.typeName}/${method.name}`;
    const bytesAsBuffer = Buffer.from(bytes);
    const niceChannel = createChannel(address);
    const niceBytes = createNiceClient(bytesMethod(path), niceChannel);
    const niceTyped = typed(address);
    const clients: Array<[string, () => Promise<unknown>]> = [
      ['@grpc/grpc-js, serialized bytes (BackendChannel)', () => channel.unary(path, bytes, new AbortController().signal)],
      ['nice-grpc, serialized bytes', () => niceBytes.call(bytesAsBuffer)],
      ['nice-grpc, ts-proto types (between services)', niceTyped.call],
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
    niceChannel.close();
    niceTyped.close();
  }
  report.appendToDocs();
} finally {
  await stack.stop();
}

/** A one-method service definition, in @grpc/grpc-js's shape, whose messages are bytes passed through untouched. */
function bytesMethod(path: string) {
  const pass = (bytes: Buffer): Buffer => bytes;
  return {
    call: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: pass,
      requestDeserialize: pass,
      responseSerialize: pass,
      responseDeserialize: pass,
    },
  } as const;
}
