import type { BackendName } from '../shared/config.js';
import { HealthProbe, type HealthReport } from '../shared/health-probe.js';

/** Asks every backend whether it is serving, all at once, with a short deadline. */
export class BackendHealthChecker {
  private readonly probes: Array<[BackendName, HealthProbe]>;
  /** Set when the gateway begins to stop: it is not ready any more, whatever the backends say. */
  draining = false;

  constructor(addresses: Record<BackendName, string>) {
    this.probes = Object.entries(addresses).map(([name, address]) => [name as BackendName, new HealthProbe(address)]);
  }

  async check(timeoutMs = 1000): Promise<{ serving: boolean; backends: Record<string, HealthReport> }> {
    const reports = await Promise.all(this.probes.map(async ([name, probe]) => [name, await probe.check(timeoutMs)] as const));
    return {
      serving: reports.every(([, report]) => report.status === 'SERVING'),
      backends: Object.fromEntries(reports),
    };
  }

  close(): void {
    for (const [, probe] of this.probes) probe.close();
  }
}
