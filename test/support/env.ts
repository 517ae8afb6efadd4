import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../services/shared/config.js';
import { repoRoot } from '../../services/shared/repo-root.js';

/** Tests never touch the development keyspace. */
export const testKeyspace = 'gamepulse_test';

export function testConfig(): Config {
  return loadConfig({ ...process.env, CASSANDRA_KEYSPACE: testKeyspace });
}

/**
 * Below Linux's ephemeral range (32768–60999 by default), so that no client socket of any process takes a port
 * between the test choosing it and a server binding it.
 */
const TEST_PORTS = { from: 20_000, to: 32_000 };
/** One file per port handed out in this run, so that test files running at once never get the same port. */
export const testPortsDir = join(repoRoot(), '.local', 'test-ports');

/** Ports for servers a test starts: free now, and handed to no other test of this run. */
export async function freePorts(count: number): Promise<number[]> {
  mkdirSync(testPortsDir, { recursive: true });
  const ports: number[] = [];
  for (let tries = 0; ports.length < count; tries++) {
    if (tries > 1000) throw new Error(`no free test port found in ${TEST_PORTS.from}–${TEST_PORTS.to}`);
    const port = TEST_PORTS.from + Math.floor(Math.random() * (TEST_PORTS.to - TEST_PORTS.from));
    try {
      writeFileSync(join(testPortsDir, String(port)), String(process.pid), { flag: 'wx' });
    } catch {
      continue; // handed out already in this run
    }
    if (await canListen(port)) ports.push(port);
  }
  return ports;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** grpcurl, installed by scripts/go-tools.sh into .local/bin. */
export const grpcurlPath = join(repoRoot(), '.local', 'bin', 'grpcurl');
