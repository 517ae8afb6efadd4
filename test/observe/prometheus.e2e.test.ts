// `npm run observe` in miniature: a real Prometheus scrapes every process of a running stack while users send
// traffic, and answers rates and histogram quantiles through its HTTP API; the shipped alert rules load, fire on the
// series they should (promtool test rules), and they and the Grafana dashboard name only metrics the stack exposes.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processNames } from '../../services/shared/config.js';
import { repoRoot } from '../../services/shared/repo-root.js';
import { metricNamesIn, startPrometheus, type PrometheusServer } from '../support/prometheus-server.js';
import { startIsolatedStack } from '../support/stack.js';

const run = promisify(execFile);
const observe = (file: string) => join(repoRoot(), 'observe', file);

let stack: Awaited<ReturnType<typeof startIsolatedStack>>;
let prometheus: PrometheusServer;

beforeAll(async () => {
  stack = await startIsolatedStack('observe');
  prometheus = await startPrometheus(processNames.map((name) => `127.0.0.1:${stack.ports.metrics[name]}`));
});

afterAll(async () => {
  await prometheus?.stop();
  await stack?.stop();
});

/** Logins and ranking reads through the gateway's original routes, for `seconds`, a few requests at a time. */
async function traffic(seconds: number): Promise<number> {
  const gateway = `http://127.0.0.1:${stack.ports.gateway}`;
  const until = Date.now() + seconds * 1000;
  let logins = 0;
  for (let round = 0; Date.now() < until; round++) {
    const items = [{ area_code: '777', multiplayer_mode: `Mode${round % 3}`, user_id: `observer-${round}`, events_name: 'LOGIN' }];
    const [posted, ...read] = await Promise.all([
      fetch(`${gateway}/events/`, { method: 'POST', body: JSON.stringify({ items }) }),
      ...Array.from({ length: 4 }, () => fetch(`${gateway}/stats/?area_code=777`)),
    ]);
    expect(posted.status).toBe(200);
    for (const response of read) expect(response.status).toBe(200);
    logins++;
  }
  return logins;
}

describe('Prometheus', () => {
  it('scrapes every process and answers per-route rates, p99 and event outcomes', async () => {
    await expect
      .poll(async () => (await prometheus.query('sum(up{job="gamepulse"})'))[0]?.value, { timeout: 20_000 })
      .toBe(processNames.length);
    const logins = await traffic(6);

    const rate = 'sum(rate(http_server_request_duration_seconds_count{route="/stats",status="200"}[10s]))';
    await expect.poll(async () => (await prometheus.query(rate))[0]?.value ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    const [p99] = await prometheus.query(
      'histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket{route="/stats"}[30s])))',
    );
    expect(Number.isFinite(p99.value)).toBe(true);
    expect(p99.value).toBeGreaterThan(0);
    expect(p99.value).toBeLessThan(10);

    const accepted = 'sum(gamepulse_events_total{kind="mode",outcome="accepted"})';
    await expect.poll(async () => (await prometheus.query(accepted))[0]?.value ?? 0, { timeout: 20_000 }).toBe(logins);
    const rpcs = await prometheus.query('sum by (grpc_method) (grpc_server_handled_total{process="session",grpc_code="OK"})');
    expect(rpcs.map((series) => series.metric.grpc_method)).toEqual(expect.arrayContaining(['RecordModeEvents', 'ListPopularModes']));
  });

  it('loads the alert rules, and they and the dashboard name only metrics the processes expose', async () => {
    const { groups } = await prometheus.get<{
      groups: Array<{ name: string; rules: Array<{ name: string; health: string; query: string }> }>;
    }>('/api/v1/rules');
    const rules = groups.flatMap((group) => group.rules);
    expect(rules.map((rule) => rule.name)).toEqual(
      expect.arrayContaining(['ProcessDown', 'RpcErrorRatioHigh', 'GatewayErrorRatioHigh', 'GatewayP99OverTarget', 'EventsNotStored']),
    );
    for (const rule of rules) expect(rule.health, rule.name).not.toBe('err');

    const exposed = new Set(await prometheus.get<string[]>('/api/v1/label/__name__/values'));
    const dashboard = JSON.parse(readFileSync(observe('grafana-dashboard.json'), 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const used = [
      ...rules.map((rule) => ({ where: `alert ${rule.name}`, expr: rule.query })),
      ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr }))),
    ];
    expect(used.length).toBeGreaterThan(15);
    for (const { where, expr } of used) {
      const names = metricNamesIn(expr);
      expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(exposed.has(name), `${where} reads ${name}, which no process exposes`).toBe(true);
    }
  });

  it('ships alert rules that promtool accepts and that fire on the series they should, and not on the others', async () => {
    await run('promtool', ['check', 'rules', observe('alerts.yml')]);
    await run('promtool', ['check', 'config', observe('prometheus.yml')]);
    const { stdout } = await run('promtool', ['test', 'rules', observe('alerts.test.yml')]);
    expect(stdout).toContain('SUCCESS');
  });
});

describe('metricNamesIn', () => {
  it('finds the metrics of an expression, not its functions, labels or grouping', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.99, sum by (le, route) (rate(http_server_request_duration_seconds_bucket{route="/stats"}[5m]))) / sum(up) > 0.5',
      ),
    ).toEqual(['http_server_request_duration_seconds_bucket', 'up']);
    expect(metricNamesIn('sum by (feed) (gamepulse_live_feed_watchers)')).toEqual(['gamepulse_live_feed_watchers']);
  });
});
