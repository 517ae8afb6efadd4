import type { ConnectRouter } from '@connectrpc/connect';
import { internalRpcs } from '../shared/access/internal-rpcs.js';
import { dashboardRoutes } from './dashboard-routes.js';
import type { GenerationReads } from '../shared/cache.js';
import { backendNames, type BackendName, type GatewayConfig } from '../shared/config.js';
import type { accessHandlers } from '../access/routes.js';
import type { Logger } from '../shared/logger.js';
import { AccessService } from '../../gen/es/gamepulse/access/v1/access_pb.js';
import { AccessServiceDefinition } from '../../gen/ts-proto/gamepulse/access/v1/access.js';
import { serveLocally } from './local-service.js';
import { GamesService } from '../../gen/es/gamepulse/games/v1/games_pb.js';
import { IngestService } from '../../gen/es/gamepulse/ingest/v1/ingest_pb.js';
import { ReactionService } from '../../gen/es/gamepulse/reaction/v1/reaction_pb.js';
import { SessionService } from '../../gen/es/gamepulse/session/v1/session_pb.js';
import type { UnaryBackend } from './backend-call.js';
import type { EventIngest } from './in-process-ingest.js';
import type { BackendChannel } from './backend-channel.js';
import { analyticsRoutes } from './compat/analytics-routes.js';
import { connect4Routes } from './compat/connect4-routes.js';
import { modeRoutes } from './compat/mode-routes.js';
import { sessionRoutes } from './compat/session-routes.js';
import { forwardService } from './forwarding.js';
import type { BackendHealthChecker } from './health.js';
import { sendJson, type PlainRoute } from './plain-routes.js';

const forwarded = { ingest: IngestService, session: SessionService, reaction: ReactionService, games: GamesService };

/**
 * Every public service, served as Connect, gRPC-Web and gRPC: each backend's forwarded to it (all but the owners'
 * internal RPCs), and AccessService by its handlers here (unless `access` is absent: tests of the forwarding alone).
 */
export function connectRoutes(
  channels: Record<BackendName, BackendChannel>,
  access?: { handlers: ReturnType<typeof accessHandlers>; defaultDeadlineMs: number; logger: Logger },
) {
  return (router: ConnectRouter): void => {
    for (const name of backendNames) forwardService(router, forwarded[name], channels[name]);
    if (access) serveLocally(router, AccessService, AccessServiceDefinition, access.handlers, access.defaultDeadlineMs, access.logger);
  };
}

/** The paths of every RPC the gateway forwards (`/gamepulse.session.v1.SessionService/CountSessionStarts`). */
export function forwardedProcedures(): Set<string> {
  const paths = Object.values(forwarded).flatMap((service) => service.methods.map((method) => `/${service.typeName}/${method.name}`));
  return new Set(paths.filter((path) => !internalRpcs.has(path)));
}

/**
 * Plain HTTP routes: the gateway's health, and the original systems' paths. Their writes go through `ingest` (ingest's
 * handler in this process); `generations` says which shared answers are still current; `stopping` ends the routes'
 * background work.
 */
export function plainRoutes(
  health: BackendHealthChecker,
  backends: Record<BackendName, UnaryBackend>,
  ingest: EventIngest,
  limits: Pick<GatewayConfig, 'maxBodyBytes'>,
  generations: GenerationReads,
  stopping: AbortSignal,
): PlainRoute[] {
  const channels = { ...backends, ingest };
  return [
    ...sessionRoutes(channels, limits.maxBodyBytes),
    ...analyticsRoutes(channels),
    ...modeRoutes(channels, generations, limits.maxBodyBytes, stopping),
    ...connect4Routes(channels),
    ...dashboardRoutes(),
    {
      method: 'GET',
      path: /^\/healthz$/,
      open: true,
      async handle(_request, response) {
        if (health.draining) return sendJson(response, 503, { status: 'STOPPING' });
        const report = await health.check();
        sendJson(response, report.serving ? 200 : 503, { status: report.serving ? 'SERVING' : 'NOT_SERVING', ...report });
      },
    },
    {
      // Liveness: the process answers. Unlike /healthz it ignores the backends, so that an unreachable backend or
      // storage takes the gateway out of rotation (readiness) without getting it restarted.
      method: 'GET',
      path: /^\/livez$/,
      open: true,
      handle(_request, response) {
        sendJson(response, 200, { status: 'SERVING' });
      },
    },
  ];
}
