import type { ScopeName } from '../shared/access/caller.js';

/** The public RPCs that write: everything else a key calls through the gateway reads (or, AccessService, administers). */
const writingRpcs = new Set([
  '/gamepulse.ingest.v1.IngestService/IngestEvents',
  '/gamepulse.games.v1.GamesService/ImportGames',
  '/gamepulse.games.v1.GamesService/ImportPlayers',
]);

/** The scope a key needs to call an RPC through the gateway. */
export function scopeOfRpc(path: string): ScopeName {
  if (path.startsWith('/gamepulse.access.v1.AccessService/')) return 'admin';
  return writingRpcs.has(path) ? 'ingest' : 'read';
}

/** The scope a key needs for one of the original systems' routes: their GETs read, everything else sends events. */
export function scopeOfRoute(method: string): ScopeName {
  return method === 'GET' || method === 'HEAD' ? 'read' : 'ingest';
}
