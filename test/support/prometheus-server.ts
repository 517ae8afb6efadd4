import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../services/shared/repo-root.js';
import { freePorts } from './env.js';

export interface PrometheusServer {
  url: string;
  /** The result of an instant query: one `{ metric, value }` per series. */
  query(promql: string): Promise<Array<{ metric: Record<string, string>; value: number }>>;
  get<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

/**
 * A real Prometheus (Debian's, installed by scripts/prometheus.sh) of the test's own on a free port, scraping
 * `targets` every second with the repo's alert rules, its data in a temporary directory removed on stop.
 */
export async function startPrometheus(targets: string[]): Promise<PrometheusServer> {
  const [port] = await freePorts(1);
  const dir = mkdtempSync(join(tmpdir(), 'gamepulse-prometheus-'));
  const config = [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    `rule_files: [${JSON.stringify(join(repoRoot(), 'observe', 'alerts.yml'))}]`,
    'scrape_configs:',
    '  - job_name: gamepulse',
    `    static_configs: [{ targets: ${JSON.stringify(targets)} }]`,
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const child: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error ?? response.status}`);
    return body.data;
  };
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    rmSync(dir, { recursive: true, force: true });
  };
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode} before it was ready`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (tries > 150) {
      await stop();
      throw new Error('prometheus was not ready within 30 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    get,
    query: async (promql) => {
      const data = await get<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(
        `/api/v1/query?query=${encodeURIComponent(promql)}`,
      );
      return data.result.map(({ metric, value }) => ({ metric, value: Number(value[1]) }));
    },
    stop,
  };
}

/** The metric names a PromQL expression reads (not its functions, labels or grouping). */
export function metricNamesIn(promql: string): string[] {
  const bare = promql
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\b(?:by|without)\s*\([^)]*\)/g, '')
    .replace(/\{[^}]*\}/g, '{}');
  return [...new Set([...bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=[{[)]|$)/g)].map((match) => match[1]))];
}
