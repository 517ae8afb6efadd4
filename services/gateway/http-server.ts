import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import type { ConnectRouter } from '@connectrpc/connect';
import type { GatewayConfig } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { quoted } from '../shared/quote.js';
import { DEFAULT_GAME } from '../shared/access/game.js';
import type { Admission, AdmissionDecision } from './admission.js';
import { scopeOfRoute, scopeOfRpc } from '../access/scopes.js';
import { connectHandler } from './connect-handler.js';
import { CorsPolicy } from './cors-policy.js';
import { encodeGrpcMessagesPerSpec } from './grpc-message-encoding.js';
import { closeAfterAnswer } from './lingering-close.js';
import { BadRequest, describeHttpError, TooManyRequests } from './http-errors.js';
import { prepareErrorAnswer, matchRoute, sendJson, type PlainRoute } from './plain-routes.js';
import type { HttpMetrics } from './http-metrics.js';
import { logAccess } from './access-log.js';
import { requestSpan } from './request-span.js';
import { withTraceContext } from '../shared/tracing.js';

export interface GatewayServerOptions {
  limits: GatewayConfig;
  connectRoutes: (router: ConnectRouter) => void;
  plainRoutes: readonly PlainRoute[];
  /** Decides on each call's rate limits and API key (admission.ts). */
  admission: Pick<Admission, 'admit'>;
  logger: Logger;
  /** Times every request by route and status (absent in tests that do not look). */
  metrics?: HttpMetrics;
}

export interface RunningGateway {
  port: number;
  close(): Promise<void>;
}

const http2Preface = Buffer.from('PRI * HTTP/2.0');

/**
 * One port for every caller: Connect JSON and gRPC-Web over HTTP/1.1, and gRPC over cleartext HTTP/2 (h2c).
 * Each new connection's first bytes say which: the HTTP/2 preface goes to the HTTP/2 server, anything else to the
 * HTTP/1.1 server. Both share one handler: plain routes first, then the Connect router. Every socket is bounded:
 * a connection limit, time to send the first bytes and the headers, time to send a request, keep-alive and idle
 * timeouts (GatewayConfig).
 */
export async function startGatewayServer(options: GatewayServerOptions): Promise<RunningGateway> {
  const { logger, limits } = options;
  const corsPolicy = new CorsPolicy(limits.corsOrigins);
  const { admission } = options;
  const rpcHandler = connectHandler({
    routes: options.connectRoutes,
    readMaxBytes: limits.maxBodyBytes,
    logger,
    admit: (path, request) => admission.admit(request.headers.authorization, request.socket.remoteAddress, scopeOfRpc(path)),
  });
  const handle = (request: IncomingMessage | Http2ServerRequest, response: ServerResponse | Http2ServerResponse) => {
    const res = response as ServerResponse;
    const req = request as IncomingMessage;
    withTraceContext(requestSpan(req, res), () => {
      try {
        route(req, res, request, response);
      } catch (error) {
        answerFailure(res, error, req.url ?? '');
      }
    });
  };
  const answerFailure = (res: ServerResponse, error: unknown, path: string) => {
    const described = describeHttpError(error);
    if (!described) logger.error({ err: error, path: path.slice(0, 200) }, 'route failed');
    try {
      if (res.headersSent) res.destroy();
      else if (described) sendJson(res, described.status, { error: described.reason }, prepareErrorAnswer(described, res));
      else sendJson(res, 500, { error: 'internal error' });
    } catch (failure) {
      logger.error({ err: failure }, 'could not answer; closing the stream');
      res.destroy();
    }
  };
  const route = (
    req: IncomingMessage,
    res: ServerResponse,
    request: IncomingMessage | Http2ServerRequest,
    response: ServerResponse | Http2ServerResponse,
  ) => {
    const pathname = (req.url ?? '/').split('?')[0];
    const found = matchRoute(options.plainRoutes, req.method ?? 'GET', pathname);
    options.metrics?.track(req.method ?? 'GET', pathname, found && found !== 'method-not-allowed' ? found.route.path : undefined, res);
    logAccess(logger, req.method ?? 'GET', pathname, res);
    if (corsPolicy.apply(req, res)) return;
    if (found === 'method-not-allowed') {
      sendJson(res, 405, { error: `${req.method} is not allowed on ${quoted(pathname)}` });
      return;
    }
    if (request.httpVersionMajor === 1) {
      if (found?.route.streamsBody) closeWhenBodyStalls(req, res, limits.idleTimeoutMs);
      else closeWhenBodyIsLate(req, res, limits.requestTimeoutMs);
    }
    if (found) {
      const scope = found.route.open ? undefined : scopeOfRoute(req.method ?? 'GET');
      admission
        .admit(req.headers.authorization, req.socket.remoteAddress, scope)
        .then((decision) => {
          if ('refused' in decision) throw refusalOf(decision);
          return found.route.handle(req, res, found.params, callerGone(res), decision.caller?.game ?? DEFAULT_GAME);
        })
        .catch((error: unknown) => {
          // An upload that failed part-way is not read on: its answer closes the connection.
          if (!req.complete) closeAfterAnswer(res);
          answerFailure(res, error, pathname);
        });
      return;
    }
    // Refused before a byte of it is read.
    if (request.httpVersionMajor === 1 && Number(req.headers['content-length'] ?? 0) > limits.maxBodyBytes) {
      throw new BadRequest(`body: larger than ${limits.maxBodyBytes} bytes`, 413);
    }
    if (req.headers['content-type']?.startsWith('application/grpc') && request.httpVersionMajor === 2) {
      encodeGrpcMessagesPerSpec(response as Http2ServerResponse);
    }
    rpcHandler(request, response);
  };

  const http1 = createHttp1Server(
    {
      headersTimeout: limits.headersTimeoutMs,
      // Bounded per request instead (closeWhenBodyIsLate), so that a streamed bulk upload may take longer.
      requestTimeout: 0,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    handle,
  );
  // Node starts enforcing headersTimeout and requestTimeout when an HTTP server emits 'listening'. This one never
  // listens (the TCP server below hands it its sockets), so it is told to start.
  http1.emit('listening');
  const http2 = createHttp2Server(handle);
  http2.on('session', (session) => closeWhenIdle(session, limits.idleTimeoutMs));

  const sockets = new Set<Socket>();
  const tcp: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // A connection that sends nothing is closed when the time for headers is up.
    socket.setTimeout(limits.headersTimeoutMs, () => socket.destroy());
    socket.once('readable', () => {
      const head = (socket.read(http2Preface.length) ?? socket.read()) as Buffer | null;
      if (head === null) return;
      socket.setTimeout(0);
      socket.unshift(head);
      const isHttp2 = head.subarray(0, 3).equals(http2Preface.subarray(0, 3));
      (isHttp2 ? http2 : http1).emit('connection', socket);
    });
  });
  tcp.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(limits.port, limits.host, () => resolve());
  });
  const port = (tcp.address() as AddressInfo).port;
  logger.info({ port, limits }, 'gateway listening (Connect JSON, gRPC-Web, gRPC h2c)');

  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        tcp.close(() => resolve());
        http1.closeAllConnections();
        http1.close();
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, 5000).unref();
      }),
  };
}

/** Answers 408 and closes the connection when a request's body has not all arrived within `timeoutMs`. */
function closeWhenBodyIsLate(request: IncomingMessage, response: ServerResponse, timeoutMs: number): void {
  // A request without a body is whole once its headers are (headersTimeout bounds those): no timer on the GET path.
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (request.complete || !hasBody) return;
  const timer = setTimeout(() => {
    if (request.complete) return;
    if (!response.headersSent) {
      response.shouldKeepAlive = false;
      sendJson(response, 408, { error: `request: its body did not arrive within ${timeoutMs} ms` });
    }
    request.socket.destroySoon();
  }, timeoutMs);
  timer.unref();
  const clear = () => clearTimeout(timer);
  request.once('end', clear).once('close', clear);
}

/** Closes the connection of a streamed upload when no byte of its body has come for `idleMs`. */
function closeWhenBodyStalls(request: IncomingMessage, response: ServerResponse, idleMs: number): void {
  const socket = request.socket;
  socket.setTimeout(idleMs, () => socket.destroy());
  response.once('close', () => socket.setTimeout(0));
}

/**
 * Closes an HTTP/2 session that has had no open stream for `idleMs`. A session with streams open (a live feed that
 * has nothing new to say) is not idle.
 */
function closeWhenIdle(session: ServerHttp2Session, idleMs: number): void {
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(() => session.close(), idleMs);
    timer.unref();
  };
  session.on('stream', (stream) => {
    open += 1;
    clearTimeout(timer);
    stream.once('close', () => {
      open -= 1;
      if (open === 0) arm();
    });
  });
  session.once('close', () => clearTimeout(timer));
  arm();
}

function refusalOf(decision: Extract<AdmissionDecision, { refused: string }>): BadRequest {
  if (decision.refused === 'rate_limited') return new TooManyRequests(decision.message, decision.retryAfterSeconds);
  if (decision.refused === 'unavailable') return new BadRequest(decision.message, 503);
  return new BadRequest(decision.message, decision.refused === 'unauthenticated' ? 401 : 403);
}

/** A signal aborted when the connection of `response` closes before the answer was sent in full. */
function callerGone(response: ServerResponse | Http2ServerResponse): AbortSignal {
  const gone = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) gone.abort();
  });
  return gone.signal;
}
