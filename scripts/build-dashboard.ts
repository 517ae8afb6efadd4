// Part of `npm run build`: bundles the dashboard's browser code (services/gateway/dashboard, with @gamepulse/client)
// into dist/dashboard/app.js with esbuild, beside its page and style sheet, which the gateway serves at /dashboard.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../services/shared/repo-root.js';

const source = join(repoRoot(), 'services/gateway/dashboard');
const out = join(repoRoot(), 'dist/dashboard');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(source, 'app.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});
for (const file of ['index.html', 'style.css']) copyFileSync(join(source, file), join(out, file));
