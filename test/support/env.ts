import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../services/shared/config.js';
import { repoRoot } from '../../services/shared/repo-root.js';

/** Tests never touch the development keyspace. */
export const testKeyspace = 'gamepulse_test';

export function testConfig(): Config {
  return loadConfig({ ...process.env, CASSANDRA_KEYSPACE: testKeyspace });
}

/** Ports the OS says are free right now, for servers a test starts. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const server = createServer();
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** grpcurl, installed by scripts/go-tools.sh into .local/bin. */
export const grpcurlPath = join(repoRoot(), '.local', 'bin', 'grpcurl');
