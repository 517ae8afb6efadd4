import type { ServerResponse } from 'node:http';
import { Histogram, type Registry } from 'prom-client';

/** Bounded route names: a plain route by its path pattern, an RPC by its procedure path, anything else `other`. */
export function routeLabel(pattern: RegExp): string {
  return (
    pattern.source
      .replace(/^\^|\$$/g, '')
      .replace(/\(\?<(\w+)>[^)]*\)/g, '{$1}')
      .replace(/\\\//g, '/')
      .replace(/\/\?$/, '') || '/'
  );
}

/** Methods labelled as themselves; any other (a client may send any token) is `other`, so labels stay bounded. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * `http_server_request_duration_seconds{method, route, status}`: how long each request of the gateway took to answer,
 * by route and status; its `_count` is the number of requests.
 */
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;
  /** One child per (method, route, status) seen: a request then costs a map lookup, not a hash of its labels. */
  private readonly children = new Map<string, Histogram.Internal<'method' | 'route' | 'status'>>();
  private readonly routeLabels = new Map<RegExp, string>();

  /** @param procedures the RPC paths the gateway serves (`/gamepulse.session.v1.SessionService/CountSessionStarts`). */
  constructor(
    registry: Registry,
    private readonly procedures: ReadonlySet<string>,
  ) {
    this.duration = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Time from a request reaching the gateway to its answer ending, by route and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** Times one request; `route` is its plain route's pattern, if it matched one. */
  track(method: string, path: string, route: RegExp | undefined, response: ServerResponse): void {
    const started = performance.now();
    response.once('close', () => {
      const label = route ? this.labelOf(route) : this.procedures.has(path) ? path : 'other';
      const status = String(response.statusCode);
      const methodLabel = KNOWN_METHODS.has(method) ? method : 'other';
      const key = `${methodLabel} ${label} ${status}`;
      let child = this.children.get(key);
      if (!child) {
        child = this.duration.labels({ method: methodLabel, route: label, status });
        this.children.set(key, child);
      }
      child.observe((performance.now() - started) / 1000);
    });
  }

  private labelOf(route: RegExp): string {
    let label = this.routeLabels.get(route);
    if (label === undefined) {
      label = routeLabel(route);
      this.routeLabels.set(route, label);
    }
    return label;
  }
}
