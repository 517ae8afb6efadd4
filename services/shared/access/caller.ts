/** What an API key may do (access.proto's Scope, by name). */
export type ScopeName = 'ingest' | 'read' | 'admin';
export const scopeNames: readonly ScopeName[] = ['ingest', 'read', 'admin'];

/** Who made a call, as the gateway verified their API key. */
export interface Caller {
  keyId: string;
  game: string;
  scopes: ReadonlySet<ScopeName>;
  /** The key's own rate limit, when it was made with one (else the deployment's). */
  limit?: { perSecond: number; burst: number };
}

/**
 * How a process treats API keys (protected-mode.ts): `required` on every call; `optional` (on loopback, the local
 * default): a call without a key is served, a call with one is checked; `off`: never asked for nor checked.
 */
export type AuthMode = 'required' | 'optional' | 'off';
