import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from './repo-root.js';

/**
 * The folder of the original systems' real data (`shared/data`, kept beside the repository and never edited):
 * GAMEPULSE_SHARED_DATA if set, else the nearest `shared/data` above the repository.
 */
export function sharedDataDir(): string {
  if (process.env.GAMEPULSE_SHARED_DATA) return process.env.GAMEPULSE_SHARED_DATA;
  for (let dir = dirname(repoRoot()); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'data');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error('cannot find the original data (shared/data beside the repository); set GAMEPULSE_SHARED_DATA to its folder');
}
