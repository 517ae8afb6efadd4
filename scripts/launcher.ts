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
  const dist = join(repoRoot(), 'dist', 'services');
  const children = new Map<string, ChildProcess>();
  for (const name of processNames) {
    // Detached: a terminal's Ctrl-C reaches only the launcher, which then stops each child once, gracefully.
    const child = spawn(process.execPath, [join(dist, name, 'main.js')], {
      env,
      detached: true,
      stdio: ['ignore', options.output ?? 'inherit', options.output ?? 'inherit'],
    });
    children.set(name, child);
  }
  const stop = async () => {
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    await waitUntilServing(ports, children);
  } catch (error) {
    await stop();
    throw error;
  }
  return { ports, stop };
}

async function waitUntilServing(ports: StackPorts, children: Map<string, ChildProcess>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (const name of backendNames) {
    const probe = new HealthProbe(`127.0.0.1:${ports[name]}`);
    try {
      while ((await probe.check()).status !== 'SERVING') {
        const child = children.get(name)!;
        if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} while starting`);
        if (Date.now() > deadline) throw new Error(`${name} did not become healthy within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      probe.close();
    }
  }
}
