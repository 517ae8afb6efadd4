import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { grpcurlPath } from './env.js';

const run = promisify(execFile);

/** Runs grpcurl (plaintext) with the given arguments; resolves with its stdout, rejects with its stderr. */
export async function grpcurl(...args: string[]): Promise<string> {
  const { stdout } = await run(grpcurlPath, ['-plaintext', ...args], { timeout: 15_000 });
  return stdout;
}
