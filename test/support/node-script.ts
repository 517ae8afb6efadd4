import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../services/shared/repo-root.js';

/**
 * Runs a script of the repository (`dist/scripts/erase.js`, `examples/send-events.mjs`) with node, `args` and `env`
 * added to this process's, and resolves with how it exited and everything it printed; killed after `timeoutMs`.
 */
export function runNodeScript(
  script: string,
  { args = [], env = {}, timeoutMs = 60_000 }: { args?: string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot(), script), ...args], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}
