import { Metadata, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SessionServiceDefinition,
  type CountSessionStartsResponse,
  type ListCompletedSessionsResponse,
} from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { unimplemented } from '../../../test/support/unimplemented.js';
import { ValidationError } from '../errors.js';
import { createServiceClient, type ServiceClient } from '../grpc-client.js';
import { hosted, startGrpcServer, type RunningGrpcServer } from '../grpc-server.js';
import { serve, type CallContext } from '../handler.js';
import { HealthProbe } from '../health-probe.js';
import { createLogger } from '../logger.js';

const logger = createLogger('test', 'silent');
let server: RunningGrpcServer;
let client: ServiceClient<typeof SessionServiceDefinition>;
let closed = false;
/** The deadline the last countSessionStarts call saw. */
let seenDeadline: Date | undefined;

beforeAll(async () => {
  const implementation = {
    ...unimplemented(SessionServiceDefinition),
    countSessionStarts: serve({
      async handle(request: { hours: number }, { deadline }: CallContext): Promise<CountSessionStartsResponse> {
        seenDeadline = deadline;
        if (request.hours === 0) throw new ValidationError('hours', 'must be between 1 and 8760');
        await new Promise((resolve) => setTimeout(resolve, request.hours));
        return { countries: [{ country: 'FI', starts: request.hours }], windowStart: undefined, windowEnd: undefined };
      },
    }),
    listCompletedSessions: serve({
      handle(): Promise<ListCompletedSessionsResponse> {
        throw new Error('connection to 10.0.0.9 refused');
      },
    }),
  };
  server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    services: [hosted(SessionServiceDefinition, implementation)],
    logger,
    onClose: [async () => void (closed = true)],
  });
  client = createServiceClient(SessionServiceDefinition, `127.0.0.1:${server.port}`);
});

afterAll(async () => {
  client.close();
  await server.shutdown(100);
});

describe('gRPC server bootstrap', () => {
  it('answers a handler result', async () => {
    const response = await client.countSessionStarts({ hours: 5 });
    expect(response.countries).toEqual([{ country: 'FI', starts: 5 }]);
  });

  it('maps validation errors to INVALID_ARGUMENT naming the field', async () => {
    await expect(client.countSessionStarts({ hours: 0 })).rejects.toMatchObject({
      code: Status.INVALID_ARGUMENT,
      details: 'hours: must be between 1 and 8760',
    });
  });

  it('maps unexpected errors to INTERNAL without internals', async () => {
    await expect(client.listCompletedSessions({ playerId: 'p' })).rejects.toMatchObject({
      code: Status.INTERNAL,
      details: 'internal error',
    });
  });

  it("answers a ServerError's own status and message", async () => {
    await expect(client.listSessionStarts({ country: 'FI' })).rejects.toMatchObject({
      code: Status.UNIMPLEMENTED,
      details: 'gamepulse.session.v1.SessionService.ListSessionStarts is not implemented here',
    });
  });

  it("hands the handler its caller's deadline", async () => {
    const deadline = new Date(Date.now() + 5000);
    await client.countSessionStarts({ hours: 1 }, { deadline });
    // grpc-timeout counts from when the call left: the server's deadline is the caller's, give or take the trip.
    expect(Math.abs(seenDeadline!.getTime() - deadline.getTime())).toBeLessThan(200);
    await client.countSessionStarts({ hours: 1 });
    expect(seenDeadline).toBeUndefined();
  });

  it('ignores a deadline a caller forges in metadata: only its grpc-timeout counts', async () => {
    const forged = Metadata({ 'gamepulse-deadline-ms': String(Date.now() + 3_600_000) });
    await client.countSessionStarts({ hours: 1 }, { metadata: forged });
    expect(seenDeadline).toBeUndefined();
    const deadline = new Date(Date.now() + 5000);
    await client.countSessionStarts({ hours: 1 }, { metadata: forged, deadline });
    expect(Math.abs(seenDeadline!.getTime() - deadline.getTime())).toBeLessThan(200);
  });

  it('reports SERVING over grpc.health.v1', async () => {
    const probe = new HealthProbe(`127.0.0.1:${server.port}`);
    expect((await probe.check()).status).toBe('SERVING');
    probe.close();
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight call finish, then refuses new calls and closes its clients', async () => {
    const inFlight = client.countSessionStarts({ hours: 400 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = server.shutdown(5000);
    expect((await inFlight).countries[0].starts).toBe(400);
    await stopped;
    expect(closed).toBe(true);
    await expect(client.countSessionStarts({ hours: 1 })).rejects.toMatchObject({ code: Status.UNAVAILABLE });
  });
});
