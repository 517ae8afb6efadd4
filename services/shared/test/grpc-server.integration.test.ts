import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SessionServiceClient,
  SessionServiceService,
  ListCompletedSessionsRequest,
  ListSessionStartsRequest,
  type CountSessionStartsResponse,
  type ListCompletedSessionsResponse,
} from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { ValidationError } from '../errors.js';
import { startGrpcServer, type RunningGrpcServer } from '../grpc-server.js';
import { HealthProbe } from '../health-probe.js';
import { createLogger } from '../logger.js';
import { unary, withUnimplemented } from '../rpc.js';

const logger = createLogger('test', 'silent');
let server: RunningGrpcServer;
let client: SessionServiceClient;
let closed = false;

beforeAll(async () => {
  const implementation = withUnimplemented(SessionServiceService, {
    countSessionStarts: unary<{ hours: number }, CountSessionStartsResponse>(
      {
        async handle(request) {
          if (request.hours === 0) throw new ValidationError('hours', 'must be between 1 and 8760');
          await new Promise((resolve) => setTimeout(resolve, request.hours));
          return { countries: [{ country: 'FI', starts: request.hours }], windowStart: undefined, windowEnd: undefined };
        },
      },
      logger,
    ),
    listCompletedSessions: unary<unknown, ListCompletedSessionsResponse>(
      {
        async handle() {
          throw new Error('connection to 10.0.0.9 refused');
        },
      },
      logger,
    ),
  });
  server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    services: [{ name: 'gamepulse.session.v1.SessionService', definition: SessionServiceService, implementation }],
    logger,
    onClose: [async () => void (closed = true)],
  });
  client = new SessionServiceClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
});

afterAll(async () => {
  client.close();
  await server.shutdown(100);
});

const call = <Res>(method: (req: never, cb: (error: ServiceError | null, res: Res) => void) => unknown, req: unknown) =>
  new Promise<Res>((resolve, reject) =>
    method.call(client, req as never, (error: ServiceError | null, res: Res) => (error ? reject(error) : resolve(res))),
  );

describe('gRPC server bootstrap', () => {
  it('answers a handler result', async () => {
    const response = await call<CountSessionStartsResponse>(client.countSessionStarts, { hours: 5 });
    expect(response.countries).toEqual([{ country: 'FI', starts: 5 }]);
  });

  it('maps validation errors to INVALID_ARGUMENT naming the field', async () => {
    await expect(call(client.countSessionStarts, { hours: 0 })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: 'hours: must be between 1 and 8760',
    });
  });

  it('maps unexpected errors to INTERNAL without internals', async () => {
    await expect(call(client.listCompletedSessions, ListCompletedSessionsRequest.fromPartial({ playerId: 'p' }))).rejects.toMatchObject({
      code: status.INTERNAL,
      details: 'internal error',
    });
  });

  it('answers UNIMPLEMENTED for RPCs without a handler', async () => {
    await expect(call(client.listSessionStarts, ListSessionStartsRequest.fromPartial({ country: 'FI' }))).rejects.toMatchObject({
      code: status.UNIMPLEMENTED,
    });
  });

  it('reports SERVING over grpc.health.v1', async () => {
    const probe = new HealthProbe(`127.0.0.1:${server.port}`);
    expect((await probe.check()).status).toBe('SERVING');
    probe.close();
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight call finish, then refuses new calls and closes its clients', async () => {
    const inFlight = call<CountSessionStartsResponse>(client.countSessionStarts, { hours: 400 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = server.shutdown(5000);
    expect((await inFlight).countries[0].starts).toBe(400);
    await stopped;
    expect(closed).toBe(true);
    await expect(call(client.countSessionStarts, { hours: 1 })).rejects.toMatchObject({ code: status.UNAVAILABLE });
  });
});
