// The Python (grpcio) and Go (grpc-go) clients generated from the same protos (scripts/generate-clients.sh, which
// `npm test` runs first), each calling the running stack through the gateway's gRPC: their tests (ingest reactions,
// read them back, a duplicate, a rejection naming its field, INVALID_ARGUMENT) and their examples.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../scripts/launcher.js';
import { repoRoot } from '../../services/shared/repo-root.js';
import { startIsolatedStack } from '../support/stack.js';

const run = promisify(execFile);
let stack: RunningStack;
let grpcAddress: string;
const python = join(repoRoot(), '.local/python/bin/python');
const generated = [join(repoRoot(), 'clients/python/gen/gamepulse'), join(repoRoot(), 'clients/go/gen/gamepulse')];

beforeAll(async () => {
  for (const folder of generated) expect(existsSync(folder), `${folder}: run bash scripts/generate-clients.sh`).toBe(true);
  stack = await startIsolatedStack('other_clients');
  grpcAddress = `127.0.0.1:${stack.ports.gateway}`;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

/** Runs a command of a client's; resolves with its output, or fails showing it. */
async function output(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args, {
      cwd,
      env: { ...process.env, GAMEPULSE_GRPC: grpcAddress, ...env },
      timeout: 240_000,
    });
    return stdout + stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`, {
      cause: error,
    });
  }
}

describe('Python client', () => {
  it('passes its tests against the stack', { timeout: 120_000 }, async () => {
    const report = await output(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'clients/python'], repoRoot());
    expect(report).toMatch(/3 passed/);
  });

  it('runs its example', { timeout: 60_000 }, async () => {
    const printed = await output(python, ['clients/python/example.py'], repoRoot(), { PYTHONPATH: 'clients/python/gen' });
    expect(printed).toContain('sent 1 reaction: 1 accepted, 0 duplicate, 0 rejected');
    expect(printed).toMatch(/match python-[0-9a-f]{8}: 1 reaction\(s\)/);
  });
});

describe('Go client', () => {
  it('passes its tests against the stack', { timeout: 240_000 }, async () => {
    const report = await output('go', ['test', '-count=1', '-v', './...'], join(repoRoot(), 'clients/go'));
    expect(report).toContain('--- PASS: TestIngestsReactionsAndReadsThemBackOnce');
    expect(report).toContain('--- PASS: TestBadQueryIsInvalidArgumentNamingTheField');
  });

  it('runs its example', { timeout: 120_000 }, async () => {
    const printed = await output('go', ['run', './example'], join(repoRoot(), 'clients/go'));
    expect(printed).toContain('sent 1 reaction: 1 accepted, 0 duplicate, 0 rejected');
    expect(printed).toMatch(/match go-[0-9a-f]{8}: 1 reaction\(s\)/);
  });
});
