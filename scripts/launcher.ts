import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { backendNames } from '../services/shared/config.js';
import { HealthProbe } from '../services/shared/health-probe.js';
import { repoRoot } from '../services/shared/repo-root.js';

/** Where each process of a running stack listens. */
export interface StackPorts {
  ingest: number;
  session: number;
  reaction: number;
  games: number;
  gateway: number;
}

export interface RunningStack {
  ports: StackPorts;
  /** SIGTERM to every process, then wait for all of them to exit. */
  stop(): Promise<void>;
}

export const defaultPorts: StackPorts = { ingest: 50051, session: 50052, reaction: 50053, games: 50054, gateway: 8080 };

const processNames = [...backendNames, 'gateway'] as const;

/**
 * Starts every service and the gateway from the build (dist/) as separate processes, wired to each other on the
 * given ports, and resolves once every backend answers its health check as SERVING.
 */
export async function startStack(options: {
  ports?: StackPorts;
  env?: NodeJS.ProcessEnv;
  output?: 'inherit' | 'ignore';
}): Promise<RunningStack> {
  const ports = options.ports ?? defaultPorts;
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, GATEWAY_PORT: String(ports.gateway) };
  for (const name of backendNames) {
    env[`${name.toUpperCase()}_PORT`] = String(ports[name]);
    env[`${name.toUpperCase()}_ADDR`] = `127.0.0.1:${ports[name]}`;
  }
  const children = processNames.map((name) => spawnService(name, env, options.output));
  const stop = async () => {
    await Promise.all(children.map((child) => child.stop()));
  };
  try {
    for (const [i, name] of backendNames.entries()) await children[i]!.untilServing(ports[name]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { ports, stop };
}

/** One service process started from dist/. */
export interface ServiceProcess {
  /** Resolves once the process answers its health check on `port` as SERVING. */
  untilServing(port: number, timeoutMs?: number): Promise<void>;
  /** SIGTERM (a graceful drain), then wait for the exit. */
  stop(): Promise<void>;
}

export function spawnService(name: string, env: NodeJS.ProcessEnv, output: 'inherit' | 'ignore' = 'inherit'): ServiceProcess {
  // Detached: a terminal's Ctrl-C reaches only the launcher, which then stops each child once, gracefully.
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot(), 'dist', 'services', name, 'main.js')], {
    env,
    detached: true,
    stdio: ['ignore', output, output],
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    async untilServing(port, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      const probe = new HealthProbe(`127.0.0.1:${port}`);
      try {
        while ((await probe.check()).status !== 'SERVING') {
          if (exited()) throw new Error(`${name} exited with code ${child.exitCode} while starting`);
          if (Date.now() > deadline) throw new Error(`${name} did not become healthy within ${timeoutMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      } finally {
        probe.close();
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited()) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
