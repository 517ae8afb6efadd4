import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../../services/shared/repo-root.js';
import { Latencies } from './stats.js';

export interface HttpTarget {
  method: 'GET' | 'POST';
  /** A loopback URL. */
  url: string;
}

const MAX_CONNECTIONS = 512;

/** What one open-loop attack measured: every request, and by method. */
export interface Attack {
  all: Latencies;
  byMethod: Map<string, Latencies>;
}

/**
 * An open loop at a fixed rate by vegeta (the load generator the side-by-side runs against the original systems
 * use), cycling through `targets`. A compiled generator takes a fraction of the CPU a Node one would on these 2 cores,
 * and keeps its schedule when answers are late (it adds workers rather than waiting).
 */
export async function vegetaAttack(targets: HttpTarget[], perSecond: number, seconds: number): Promise<Attack> {
  const vegeta = join(execFileSync('bash', [join(repoRoot(), 'scripts', 'go-tools.sh'), 'vegeta'], { encoding: 'utf8' }).trim(), 'vegeta');
  const dir = mkdtempSync(join(tmpdir(), 'gamepulse-vegeta-'));
  try {
    const targetsFile = join(dir, 'targets.jsonl');
    writeFileSync(targetsFile, targets.map((target) => JSON.stringify(target)).join('\n'));
    const resultsFile = join(dir, 'results.bin');
    await run(vegeta, [
      'attack',
      '-format=json',
      `-targets=${targetsFile}`,
      `-rate=${perSecond}/s`,
      `-duration=${seconds}s`,
      // Below the gateway's cap (GATEWAY_MAX_CONNECTIONS, 1,024): an overloaded server shows as latency, not refusals.
      `-max-connections=${MAX_CONNECTIONS}`,
      `-output=${resultsFile}`,
    ]);
    const encoded = join(dir, 'results.jsonl');
    await run(vegeta, ['encode', '--to=json', `--output=${encoded}`, resultsFile]);
    const attack: Attack = { all: new Latencies(), byMethod: new Map() };
    for await (const line of createInterface({ input: createReadStream(encoded) })) {
      if (!line) continue;
      const result = JSON.parse(line) as { code: number; latency: number; error: string; method: string };
      const ofMethod = attack.byMethod.get(result.method) ?? new Latencies();
      attack.byMethod.set(result.method, ofMethod);
      if (result.code === 200 || result.code === 204) {
        const ms = result.latency / 1e6;
        attack.all.add(ms);
        ofMethod.add(ms);
      } else {
        // vegeta's error names the URL (`Get "http://…": dial tcp …`): the cause after it is what counts.
        const failure = result.code ? `HTTP ${result.code}` : result.error.replace(/^\w+ "[^"]*": /, '');
        attack.all.fail(failure);
        ofMethod.fail(failure);
      }
    }
    return attack;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vegeta ${args[0]} exited with ${code}`))));
  });
}
