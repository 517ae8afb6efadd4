import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { backendNames, loadConfig, processNames, type BackendName, type ProcessName } from '../services/shared/config.js';
import { HealthProbe } from '../services/shared/health-probe.js';
import { authModeOf } from '../services/shared/access/protected-mode.js';
import { createLogger } from '../services/shared/logger.js';
import { repoRoot } from '../services/shared/repo-root.js';

/** Where each process of a running stack listens. */
export interface StackPorts {
  ingest: number;
  session: number;
  reaction: number;
  games: number;
  gateway: number;
  /** Each process's Prometheus endpoint (`GET /metrics`); by default 9460 (gateway) to 9464, see config.ts. */
  metrics?: Record<ProcessName, number>;
  /**
   * More replicas of a backend than the one above, each on its own port and metrics port: the others reach them all
   * through one address list (`SESSION_ADDR=127.0.0.1:50052,127.0.0.1:50062,…`), balanced round-robin.
   */
  replicas?: Partial<Record<BackendName, Array<{ port: number; metrics: number }>>>;
}

export interface RunningStack {
  ports: StackPorts & { metrics: Record<ProcessName, number> };
  /** Every process by name, supervised (restarted when it exits unexpectedly). */
  processes: Record<ProcessName, ServiceProcess>;
  /** The further replicas of a backend (ports.replicas), in the same order, supervised as well. */
  replicas: Partial<Record<BackendName, ServiceProcess[]>>;
  /** SIGTERM to every process, then wait for all of them to exit. */
  stop(): Promise<void>;
}

export const defaultPorts: StackPorts = { ingest: 50051, session: 50052, reaction: 50053, games: 50054, gateway: 8080 };

/**
 * Starts every service and the gateway from the build (dist/) as separate processes, wired to each other on the
 * given ports, and resolves once every backend answers its health check as SERVING and the gateway answers.
 */
export async function startStack(options: {
  ports?: StackPorts;
  env?: NodeJS.ProcessEnv;
  output?: 'inherit' | 'ignore';
  /** Options for each process's node itself (`--cpu-prof`: Node 20 refuses it in NODE_OPTIONS). */
  nodeArgs?: (name: ProcessName) => string[];
}): Promise<RunningStack> {
  const given = options.ports ?? defaultPorts;
  const ports = { ...given, metrics: given.metrics ?? loadConfig({ ...process.env, ...options.env }).metricsPorts };
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, GATEWAY_PORT: String(ports.gateway) };
  // The processes of one stack share a fresh secret for their internal calls, unless the caller chose one.
  env.GAMEPULSE_SERVICE_CREDENTIAL ||= randomBytes(24).toString('base64url');
  // A stack its processes would refuse to run (protected-mode.ts) is refused here, before any of them starts.
  authModeOf(loadConfig(env), createLogger('launcher', 'warn'));
  for (const name of processNames) env[`${name.toUpperCase()}_METRICS_PORT`] = String(ports.metrics[name]);
  const extra = given.replicas ?? {};
  for (const name of backendNames) {
    const listening = [ports[name], ...(extra[name] ?? []).map((replica) => replica.port)];
    env[`${name.toUpperCase()}_PORT`] = String(ports[name]);
    env[`${name.toUpperCase()}_ADDR`] = listening.map((port) => `127.0.0.1:${port}`).join(',');
  }
  const children = processNames.map((name) => spawnService(name, env, options.output, options.nodeArgs?.(name)));
  const processes = Object.fromEntries(processNames.map((name, i) => [name, children[i]])) as RunningStack['processes'];
  const replicas = Object.fromEntries(
    Object.entries(extra).map(([name, list]) => [
      name,
      list.map((replica) => {
        const own = {
          [`${name.toUpperCase()}_PORT`]: String(replica.port),
          [`${name.toUpperCase()}_METRICS_PORT`]: String(replica.metrics),
        };
        return spawnService(name, { ...env, ...own }, options.output, options.nodeArgs?.(name as ProcessName));
      }),
    ]),
  ) as RunningStack['replicas'];
  const stop = async () => {
    await Promise.all([...children, ...Object.values(replicas).flat()].map((child) => child.stop()));
  };
  try {
    for (const [i, name] of backendNames.entries()) await children[i].untilServing(ports[name]);
    for (const [name, list] of Object.entries(replicas)) {
      for (const [i, replica] of list.entries()) await replica.untilServing(extra[name as BackendName]![i].port);
    }
    await untilAnswering(`http://127.0.0.1:${ports.gateway}/livez`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { ports, processes, replicas, stop };
}

/** Resolves once `url` answers 200 (the gateway listens), polling; fails after `timeoutMs`. */
async function untilAnswering(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answered = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (answered) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One service process started from dist/, restarted with backoff whenever it exits without being asked to. */
export interface ServiceProcess {
  /** Resolves once the process answers its health check on `port` as SERVING. */
  untilServing(port: number, timeoutMs?: number): Promise<void>;
  /** Sends a signal to the running process, as a crash or an operator would (SIGKILL, SIGSTOP, SIGCONT). */
  signal(signal: NodeJS.Signals): void;
  /** How many times it has been restarted after exiting unexpectedly. */
  readonly restarts: number;
  /** The running process's id (a new one after each restart). */
  readonly pid: number | undefined;
  /** SIGTERM (a graceful drain), then wait for the exit; no restart follows. */
  stop(): Promise<void>;
}

/** Restart delays: doubling from the first to the most; a process that ran this long since its start resets them. */
const RESTART_FIRST_DELAY_MS = 250;
const RESTART_MAX_DELAY_MS = 10_000;
const RESTART_RESET_AFTER_MS = 30_000;

export function spawnService(
  name: string,
  env: NodeJS.ProcessEnv,
  output: 'inherit' | 'ignore' = 'inherit',
  nodeArgs: string[] = [],
): ServiceProcess {
  let child: ChildProcess;
  let stopping = false;
  let restarts = 0;
  let delayMs = RESTART_FIRST_DELAY_MS;
  let restartTimer: NodeJS.Timeout | undefined;
  const start = () => {
    const startedAt = Date.now();
    // Detached: a terminal's Ctrl-C reaches only the launcher, which then stops each child once, gracefully.
    child = spawn(process.execPath, [...nodeArgs, join(repoRoot(), 'dist', 'services', name, 'main.js')], {
      env,
      detached: true,
      stdio: ['ignore', output, output],
    });
    child.once('exit', (code, signal) => {
      if (stopping) return;
      if (Date.now() - startedAt >= RESTART_RESET_AFTER_MS) delayMs = RESTART_FIRST_DELAY_MS;
      console.error(`[launcher] ${name} exited unexpectedly (${signal ?? `code ${code}`}); restarting in ${delayMs} ms`);
      restartTimer = setTimeout(() => {
        restarts += 1;
        start();
      }, delayMs);
      delayMs = Math.min(delayMs * 2, RESTART_MAX_DELAY_MS);
    });
  };
  start();
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    get restarts() {
      return restarts;
    },
    get pid() {
      return exited() ? undefined : child.pid;
    },
    async untilServing(port, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      const probe = new HealthProbe(`127.0.0.1:${port}`);
      try {
        while ((await probe.check()).status !== 'SERVING') {
          if (Date.now() > deadline) throw new Error(`${name} did not become healthy within ${timeoutMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      } finally {
        probe.close();
      }
    },
    signal(signal) {
      if (!exited()) child.kill(signal);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        clearTimeout(restartTimer);
        if (exited()) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
