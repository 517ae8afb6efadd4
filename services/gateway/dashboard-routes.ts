import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../shared/repo-root.js';
import { sendJson, type PlainRoute } from './plain-routes.js';

const contentTypes: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.js.map': 'application/json',
  'style.css': 'text/css; charset=utf-8',
};

/** The page may load only its own files and call only this gateway. */
const CONTENT_SECURITY_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

/**
 * The live-ops dashboard: its page, script and style, built into dist/dashboard (scripts/build-dashboard.ts), read
 * once and served without a key (the page's own calls carry one where the stack requires it).
 */
export function dashboardRoutes(folder = join(repoRoot(), 'dist/dashboard')): PlainRoute[] {
  const files = new Map(
    Object.keys(contentTypes)
      .filter((name) => existsSync(join(folder, name)))
      .map((name) => [name, readFileSync(join(folder, name))]),
  );
  return [
    {
      method: 'GET',
      path: /^\/dashboard(?:\/(?<file>[\w.]*))?$/,
      open: true,
      handle(_request, response, params) {
        const name = params.file || 'index.html';
        const body = files.get(name);
        if (!body) {
          const missing = files.size === 0 ? 'the dashboard is not built (npm run build)' : `no such file: ${name.slice(0, 40)}`;
          sendJson(response, 404, { error: `dashboard: ${missing}` });
          return Promise.resolve();
        }
        response.writeHead(200, {
          'content-type': contentTypes[name],
          'content-length': body.length,
          'cache-control': 'no-cache',
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
        });
        response.end(body);
        return Promise.resolve();
      },
    },
  ];
}
