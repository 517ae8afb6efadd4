// Ingest's calls to the owners are bounded by its own caller: the caller's deadline goes on to the owner call, a
// caller that cancels cancels the owner calls it started, and a call that finds its owner away (UNAVAILABLE: a
// replica restarting) is sent again within that deadline. The owner here is a real gRPC server whose handler sleeps
// until its call ends (user "sleepy"), so that the test sees when (and whether) that happens, or answers at once.
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventOutcome } from '../../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import { IngestServiceClient, type IngestEventsRequest } from '../../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import {
  ModeAction,
  SessionServiceService,
  type RecordModeEventsRequest,
  type RecordModeEventsResponse,
} from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { accepted } from '../../shared/batch.js';
import { startGrpcServer, type RunningGrpcServer } from '../../shared/grpc-server.js';
import { createLogger } from '../../shared/logger.js';
import { unary, withUnimplemented, type CallContext } from '../../shared/rpc.js';
import { freePorts, testConfig } from '../../../test/support/env.js';
import { ingestRoutes } from '../routes.js';

const logger = createLogger('test', 'silent');

/** What the owner saw of one call: its deadline, and when it ended (aborted) if it did. */
interface OwnerCall {
  startedAt: number;
  deadline: Date | undefined;
  endedAt?: number;
}

const ownerCalls: OwnerCall[] = [];
const running: RunningGrpcServer[] = [];
const clients: IngestServiceClient[] = [];

/** A session service on `port` whose RecordModeEvents sleeps for user "sleepy" and accepts everyone else at once. */
async function startOwner(port: number): Promise<RunningGrpcServer> {
  const handler = {
    async handle(request: RecordModeEventsRequest, { signal, deadline }: CallContext): Promise<RecordModeEventsResponse> {
      const seen: OwnerCall = { startedAt: Date.now(), deadline };
      ownerCalls.push(seen);
      if (request.events.some((e) => e.event?.userId === 'sleepy')) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 10_000);
          signal.addEventListener('abort', () => {
            seen.endedAt = Date.now();
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return { results: request.events.map((e, i) => accepted(i, e.eventId)) };
    },
  };
  const owner = await startGrpcServer({
    host: '127.0.0.1',
    port,
    logger,
    services: [
      {
        name: 'gamepulse.session.v1.SessionService',
        definition: SessionServiceService,
        implementation: withUnimplemented(SessionServiceService, { recordModeEvents: unary(handler, logger) }),
      },
    ],
  });
  running.push(owner);
  return owner;
}

/** The real ingest service, its session owner at `ownerPort`, and a client to it. */
async function startIngest(ownerPort: number): Promise<IngestServiceClient> {
  const base = testConfig();
  const config = { ...base, services: { ...base.services, session: { port: ownerPort, address: `127.0.0.1:${ownerPort}` } } };
  const closers: Array<() => void | Promise<void>> = [];
  const service = ingestRoutes({
    config,
    logger,
    onClose: (close) => void closers.push(close),
    stopping: new AbortController().signal,
    get cassandra(): never {
      throw new Error('ingest uses no storage');
    },
    get cache(): never {
      throw new Error('ingest uses no storage');
    },
  });
  const ingest = await startGrpcServer({ host: '127.0.0.1', port: 0, logger, services: [service], onClose: closers });
  running.push(ingest);
  const client = new IngestServiceClient(`127.0.0.1:${ingest.port}`, credentials.createInsecure());
  clients.push(client);
  return client;
}

let client: IngestServiceClient;

beforeAll(async () => {
  const owner = await startOwner(0);
  client = await startIngest(owner.port);
});

afterAll(async () => {
  for (const c of clients) c.close();
  for (const server of running.reverse()) await server.shutdown(100);
});

const loginOf = (userId: string): IngestEventsRequest => ({
  events: [
    {
      eventId: '',
      payload: { $case: 'mode', value: { userId, areaCode: '111', mode: 'Arena', action: ModeAction.MODE_ACTION_LOGIN, ts: undefined } },
    },
  ],
});
const oneModeEvent = loginOf('sleepy');

/** Waits (bounded) until the owner has seen `count` calls. */
async function ownerReceived(count: number): Promise<OwnerCall> {
  for (let waited = 0; ownerCalls.length < count && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
  expect(ownerCalls.length).toBe(count);
  return ownerCalls[count - 1];
}

/** Waits (bounded) until the owner's call has ended. */
async function ownerCallEnded(call: OwnerCall): Promise<number> {
  for (let waited = 0; call.endedAt === undefined && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
  expect(call.endedAt, 'the owner call was still running').toBeDefined();
  return call.endedAt!;
}

describe("ingest's owner calls", () => {
  it("end at the caller's deadline: DEADLINE_EXCEEDED comes quickly, and the owner call stops with it", async () => {
    const deadline = new Date(Date.now() + 300);
    const started = Date.now();
    const error = await new Promise<ServiceError | null>((resolve) =>
      client.ingestEvents(oneModeEvent, new Metadata(), { deadline }, (e) => resolve(e)),
    );
    const answeredAfter = Date.now() - started;
    expect(error?.code).toBe(status.DEADLINE_EXCEEDED);
    expect(answeredAfter).toBeLessThan(1000);
    const seen = await ownerReceived(1);
    // The owner was given the caller's deadline (grpc-timeout loses a little on each hop), not ingest's own 10 s.
    expect(seen.deadline).toBeDefined();
    expect(seen.deadline!.getTime()).toBeLessThanOrEqual(deadline.getTime() + 50);
    expect((await ownerCallEnded(seen)) - deadline.getTime()).toBeLessThan(500);
  });

  it('are cancelled when the caller cancels: no owner call is left running', async () => {
    const before = ownerCalls.length;
    let answer: ServiceError | null | undefined;
    const call = client.ingestEvents(oneModeEvent, new Metadata(), { deadline: new Date(Date.now() + 8000) }, (e) => (answer = e));
    const seen = await ownerReceived(before + 1);
    expect(seen.endedAt).toBeUndefined();
    const cancelledAt = Date.now();
    call.cancel();
    expect((await ownerCallEnded(seen)) - cancelledAt).toBeLessThan(500);
    expect(answer?.code).toBe(status.CANCELLED);
  });

  it('are sent again while the owner is away, and the event is stored once it is back', async () => {
    const [port] = await freePorts(1);
    const ingestOfAbsentOwner = await startIngest(port);
    const started = Date.now();
    const answer = new Promise<{ error: ServiceError | null; outcome?: EventOutcome }>((resolve) =>
      ingestOfAbsentOwner.ingestEvents(loginOf('u1'), new Metadata(), { deadline: new Date(Date.now() + 3000) }, (error, response) =>
        resolve({ error, outcome: response?.results[0]?.outcome }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    await startOwner(port);
    const { error, outcome } = await answer;
    expect(error).toBeNull();
    expect(outcome).toBe(EventOutcome.EVENT_OUTCOME_ACCEPTED);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
