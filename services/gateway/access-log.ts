import type { ServerResponse } from 'node:http';
import type { Logger } from '../shared/logger.js';

/** Longest path written to a line: a caller's path is theirs to choose. */
const MAX_LOGGED_PATH = 200;

/** One access line per request of the gateway, when its answer ends: method, path, status and duration. */
export function logAccess(logger: Logger, method: string, path: string, response: ServerResponse): void {
  if (!logger.isLevelEnabled('info')) return;
  const started = performance.now();
  response.once('close', () => {
    logger.info(
      {
        method: method.slice(0, 16),
        path: path.slice(0, MAX_LOGGED_PATH),
        status: response.statusCode,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      },
      'request',
    );
  });
}
