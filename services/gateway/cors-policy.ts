import type { IncomingMessage, ServerResponse } from 'node:http';
import { cors } from '@connectrpc/connect';
import { quoted } from '../shared/quote.js';
import { BadRequest } from './http-errors.js';

/** Methods that change nothing: a browser may send them from any page, and nobody can read the answer but allowed origins. */
const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What a browser sends without asking first (a "simple" request): never a write here, whatever its origin. */
const simpleBodyTypes = new Set(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']);

/** Request headers a browser page on an allowed origin may send: Connect's, gRPC-Web's, and the API key. */
export const allowedRequestHeaders = [...cors.allowedHeaders, 'Authorization'];
const allowedMethods = [...new Set([...cors.allowedMethods, 'GET', 'POST'])];

/**
 * Which web pages may call the gateway from a browser: the origins of GAMEPULSE_CORS_ORIGINS, and the gateway's own
 * pages. A page on any other origin can read nothing (no CORS headers) and write nothing: its writes and preflights
 * are refused with 403 before they reach a route, so that a page a developer happens to open cannot inject events
 * into a local stack. Browsers mark every cross-origin request with `Origin`; callers outside browsers send none and
 * are not concerned.
 */
export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins);
  }

  /**
   * Sets the CORS headers of the answer to `request`; throws the refusal (403, or 415 for a browser's simple write)
   * when the request must not go on. Answers a preflight itself: true when it did.
   */
  apply(request: IncomingMessage, response: ServerResponse): boolean {
    const origin = request.headers.origin;
    const method = request.method ?? 'GET';
    if (origin === undefined) {
      if (method !== 'OPTIONS') return false;
      response.writeHead(204).end();
      return true;
    }
    const allowed = this.origins.has(origin) || isSameOrigin(request, origin);
    if (allowed) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('access-control-expose-headers', cors.exposedHeaders.join(', '));
    }
    response.setHeader('vary', 'origin');
    if (!allowed && (!readMethods.has(method) || request.headers['access-control-request-method'] !== undefined)) {
      throw new BadRequest(`origin: ${quoted(origin)} may not call this gateway from a browser (allowed: GAMEPULSE_CORS_ORIGINS)`, 403);
    }
    if (method === 'OPTIONS') {
      response.setHeader('access-control-allow-methods', allowedMethods.join(', '));
      response.setHeader('access-control-allow-headers', allowedRequestHeaders.join(', '));
      response.setHeader('access-control-max-age', '7200');
      response.writeHead(204).end();
      return true;
    }
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!readMethods.has(method) && simpleBodyTypes.has(mediaType)) {
      throw new BadRequest(
        `content-type: a browser's write must be application/json (or a Connect or gRPC-Web type), got ${quoted(mediaType)}`,
        415,
      );
    }
    return false;
  }
}

/** Whether `origin` is the gateway itself (its own pages calling it), as the request names the gateway's host. */
function isSameOrigin(request: IncomingMessage, origin: string): boolean {
  const host = request.headers.host ?? (request.headers[':authority'] as string | undefined);
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}
