// One trace across the hops of a write: a `POST /event-handler` to the gateway's route, ingest's fan-out, the owner
// call to the session service over real gRPC, and the session service's statements on the real Cassandra, all under
// the trace id the caller sent. Collected by an in-memory exporter: the processes' parts run in this one.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendChannel } from '../../services/gateway/backend-channel.js';
import { sessionRoutes as originalSessionRoutes } from '../../services/gateway/compat/session-routes.js';
import { InProcessIngest } from '../../services/gateway/in-process-ingest.js';
import { IngestEventsHandler } from '../../services/ingest/handlers/ingest-events.js';
import { grpcEventOwners, type EventOwners } from '../../services/ingest/owners.js';
import { Metadata } from 'nice-grpc';
import { SessionServiceDefinition } from '../../gen/ts-proto/gamepulse/session/v1/session.js';
import { sessionRoutes } from '../../services/session/routes.js';
import { createServiceClient } from '../../services/shared/grpc-client.js';
import { activeTraceIds, startTracing } from '../../services/shared/tracing.js';
import { testConfig } from '../support/env.js';
import { startInProcessGateway, type InProcessGateway } from '../support/gateway-harness.js';
import { startInProcess, type InProcessService } from '../support/service-harness.js';
import { createIsolatedKeyspace } from '../support/stack.js';

const exporter = new InMemorySpanExporter();
let stopTracing: () => Promise<void>;
let keyspace: Awaited<ReturnType<typeof createIsolatedKeyspace>>;
let session: InProcessService<ReturnType<typeof sessionRoutes>>;
let owners: EventOwners & { close(): void };
let channel: BackendChannel;
let gateway: InProcessGateway;
const logLines: Array<Record<string, unknown>> = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

beforeAll(async () => {
  stopTracing = startTracing('gamepulse-test', exporter);
  keyspace = await createIsolatedKeyspace('tracing');
  session = await startInProcess((context) => sessionRoutes(context), { keyspace: keyspace.keyspace });
  const services = testConfig().services;
  owners = grpcEventOwners({
    services: { ...services, session: { ...services.session, address: session.address } },
    serviceCredential: undefined,
  });
  channel = new BackendChannel(session.address, 5000);
  const ingest = new InProcessIngest(new IngestEventsHandler(owners), 5000);
  gateway = await startInProcessGateway({
    plainRoutes: (limits) => originalSessionRoutes({ ingest, session: channel }, limits.maxBodyBytes),
    logger: pino({ level: 'info', mixin: activeTraceIds }, logSink),
  });
});

afterAll(async () => {
  await gateway?.close();
  channel?.close();
  owners?.close();
  await session?.stop();
  await keyspace?.drop();
  await stopTracing?.();
});

describe('tracing', () => {
  it('joins the gateway route, ingest, the owner call and its Cassandra statements in the caller’s trace', async () => {
    const traceId = randomUUID().replaceAll('-', '');
    const start = { event: 'start', country: 'FI', player_id: 'traced-player', session_id: randomUUID(), ts: new Date().toISOString() };
    const response = await fetch(`${gateway.base}/event-handler`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${'ab'.repeat(8)}-01` },
      body: JSON.stringify(start),
    });
    expect(response.status).toBe(200);

    const spansOf = () => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const named = (spans: ReadableSpan[], name: string) => spans.find((span) => span.name === name);
    await expect.poll(() => named(spansOf(), 'gamepulse.session.v1.SessionService/RecordSessionEvents'), { timeout: 5000 }).toBeDefined();
    await expect.poll(() => spansOf().filter((span) => span.name.startsWith('cassandra ')).length, { timeout: 5000 }).toBeGreaterThan(0);
    const spans = spansOf();
    const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
    const parentOf = (span: ReadableSpan) => byId.get(span.parentSpanContext?.spanId ?? '');

    const route = named(spans, 'POST /event-handler')!;
    expect(route.parentSpanContext?.spanId).toBe('ab'.repeat(8));
    const ingest = named(spans, 'ingest events')!;
    expect(parentOf(ingest)).toBe(route);
    const ownerCall = spans.find(
      (span) => span.name === 'gamepulse.session.v1.SessionService/RecordSessionEvents' && parentOf(span) === ingest,
    )!;
    expect(ownerCall).toBeDefined();
    const ownerServes = spans.find((span) => span.name === ownerCall.name && parentOf(span) === ownerCall)!;
    expect(ownerServes).toBeDefined();
    const statements = spans.filter((span) => span.name.startsWith('cassandra ') && parentOf(span) === ownerServes);
    expect(statements.map((span) => span.name)).toEqual(expect.arrayContaining(['cassandra SELECT', 'cassandra INSERT']));
    expect(statements.every((span) => String(span.attributes['db.query.text']).length > 0)).toBe(true);

    const accessLine = logLines.find((line) => line.msg === 'request' && line.path === '/event-handler');
    expect(accessLine).toMatchObject({ trace_id: traceId, span_id: route.spanContext().spanId, status: 200 });
  });

  it('ignores a malformed or oversized trace context from a caller, starting a trace of its own', async () => {
    for (const traceparent of ['garbage', `00-${'0'.repeat(32)}-${'ab'.repeat(8)}-01`, `00-${'f'.repeat(10_000)}-01`]) {
      const response = await fetch(`${gateway.base}/by-player/hostile-${randomUUID()}`, {
        headers: { traceparent, tracestate: 'x'.repeat(5000) },
      });
      expect(response.status, traceparent.slice(0, 20)).toBe(200);
    }
    await expect
      .poll(() => exporter.getFinishedSpans().filter((span) => span.name.startsWith('GET /by-player/hostile-')).length, { timeout: 5000 })
      .toBe(3);
    for (const span of exporter.getFinishedSpans().filter((span) => span.name.startsWith('GET /by-player/hostile-'))) {
      expect(span.parentSpanContext).toBeUndefined();
      expect(span.spanContext().traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    }

    // The same over gRPC metadata, straight to a service.
    const client = createServiceClient(SessionServiceDefinition, session.address);
    try {
      const answer = await client.listCompletedSessions(
        { playerId: 'hostile' },
        { metadata: Metadata({ traceparent: 'garbage', tracestate: 'x'.repeat(5000) }) },
      );
      expect(answer.sessions).toEqual([]);
    } finally {
      client.close();
    }
  });
});
