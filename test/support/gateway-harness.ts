import type { ConnectRouter } from '@connectrpc/connect';
import { Authorizer } from '../../services/access/authorizer.js';
import { Admission } from '../../services/gateway/admission.js';
import type { GatewayConfig } from '../../services/shared/config.js';
import { createLogger, type Logger } from '../../services/shared/logger.js';
import { startGatewayServer, type RunningGateway } from '../../services/gateway/http-server.js';
import type { PlainRoute } from '../../services/gateway/plain-routes.js';
import { testConfig } from './env.js';

export type InProcessGateway = RunningGateway & { base: string };

/**
 * The real gateway HTTP server in this process on a free loopback port, serving the routes a test builds (over fake
 * or real backends) within the test configuration's limits, changed by `overrides`, with keys as `authorizer` decides.
 */
export async function startInProcessGateway(options: {
  plainRoutes: (limits: GatewayConfig) => readonly PlainRoute[];
  connectRoutes?: (router: ConnectRouter) => void;
  overrides?: Partial<GatewayConfig>;
  logger?: Logger;
  /** Decides on API keys and rate limits; by default none is asked for nor applied. */
  admission?: Pick<Admission, 'admit'>;
}): Promise<InProcessGateway> {
  const limits: GatewayConfig = { ...testConfig().gateway, host: '127.0.0.1', port: 0, ...options.overrides };
  const gateway = await startGatewayServer({
    limits,
    connectRoutes: options.connectRoutes ?? (() => {}),
    plainRoutes: options.plainRoutes(limits),
    logger: options.logger ?? createLogger('test', 'silent'),
    admission:
      options.admission ?? new Admission(new Authorizer('off', { verify: () => undefined }), { forAddress: () => 0, forCaller: () => 0 }),
  });
  return { ...gateway, base: `http://127.0.0.1:${gateway.port}` };
}
