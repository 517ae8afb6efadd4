import type { ServerResponse } from 'node:http';
import type { Logger } from '../shared/logger.js';
import { activeTraceIds } from '../shared/tracing.js';

/** Longest path written to a line: a caller's path is theirs to choose. */
const MAX_LOGGED_PATH = 200;

/**
 * One access line per request of the gateway, when its answer ends: method, path, status and duration, and the
 * request's trace id when tracing is on (taken now: the answer may end outside the request's context).
 */
export function logAccess(logger: Logger, method: string, path: string, response: ServerResponse): void {
  if (!logger.isLevelEnabled('info')) return;
  const started = performance.now();
  const traceIds = activeTraceIds();
  response.once('close', () => {
    logger.info(
      {
        ...traceIds,
        method: method.slice(0, 16),
        path: path.slice(0, MAX_LOGGED_PATH),
        status: response.statusCode,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      },
      'request',
    );
  });
}
