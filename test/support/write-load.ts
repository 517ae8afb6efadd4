// A write load as well-behaved game clients make it: reactions with their own event ids, sent through the gateway as
// Connect JSON, and whatever was not acknowledged (accepted or duplicate) resent unchanged until it is.
import { randomUUID } from 'node:crypto';

/** What the writers saw: ids acknowledged, attempts that failed and why, the slowest answer, the last success. */
export interface WriteLoad {
  acknowledged: Set<string>;
  failures: Map<string, number>;
  slowestMs: number;
  /** Calls answered (or given up) later than the deadline plus the slack. */
  lateCalls: number;
  lastAcknowledgedAt: number;
  /** Stops sending new events; resolves once every event sent is acknowledged. */
  stop(): Promise<void>;
}

export interface WriteLoadOptions {
  gateway: string;
  matchId: string;
  deadlineMs: number;
  slackMs: number;
  writers?: number;
  batch?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Connect JSON call to the gateway, given up after `timeoutMs`. */
export function callGateway(gateway: string, path: string, body: unknown, timeoutMs: number): Promise<Response> {
  return fetch(`${gateway}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

export function startWriteLoad({ gateway, matchId, deadlineMs, slackMs, writers = 4, batch = 20 }: WriteLoadOptions): WriteLoad {
  let stopping = false;
  const load: WriteLoad = {
    acknowledged: new Set(),
    failures: new Map(),
    slowestMs: 0,
    lateCalls: 0,
    lastAcknowledgedAt: 0,
    stop: async () => {
      stopping = true;
      await Promise.all(running);
    },
  };
  const fail = (why: string) => load.failures.set(why, (load.failures.get(why) ?? 0) + 1);
  const writer = async () => {
    while (!stopping) {
      // A retry resends the same events: same ids, same contents.
      let pending = Array.from({ length: batch }, () => {
        const eventId = randomUUID();
        const ts = new Date().toISOString();
        return { eventId, reaction: { userId: `u-${eventId.slice(0, 4)}`, matchId, emoticon: 'EMOTICON_HEART', ts } };
      });
      while (pending.length) {
        const started = Date.now();
        try {
          const response = await callGateway(
            gateway,
            'gamepulse.ingest.v1.IngestService/IngestEvents',
            { events: pending },
            deadlineMs + slackMs,
          );
          const body = (await response.json()) as { results?: { eventId: string; outcome: string }[]; code?: string };
          if (!response.ok) fail(`http ${response.status} ${body.code}`);
          const done = new Set(
            (body.results ?? [])
              .filter((result) => result.outcome === 'EVENT_OUTCOME_ACCEPTED' || result.outcome === 'EVENT_OUTCOME_DUPLICATE')
              .map((result) => result.eventId),
          );
          for (const result of body.results ?? []) if (!done.has(result.eventId)) fail(result.outcome);
          for (const id of done) load.acknowledged.add(id);
          if (done.size) load.lastAcknowledgedAt = Date.now();
          pending = pending.filter((event) => !done.has(event.eventId));
        } catch (error) {
          fail(`no answer: ${(error as Error).cause instanceof Error ? String((error as Error).cause) : (error as Error).name}`);
        }
        const took = Date.now() - started;
        load.slowestMs = Math.max(load.slowestMs, took);
        if (took > deadlineMs + slackMs) load.lateCalls++;
        if (pending.length) await sleep(100);
      }
    }
  };
  const running = Array.from({ length: writers }, writer);
  return load;
}

/** A match's reaction total as the gateway answers it. */
export async function matchTotal(gateway: string, matchId: string, timeoutMs: number): Promise<number> {
  const response = await callGateway(gateway, 'gamepulse.reaction.v1.ReactionService/GetMatchReactions', { matchId }, timeoutMs);
  if (!response.ok) throw new Error(`GetMatchReactions answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { summary?: { total?: string } };
  return Number(body.summary?.total ?? 0);
}

/** The match's total once it equals `expected`, or its last value after 10 s (the reaction cache may trail by 1 s). */
export async function settledTotal(gateway: string, matchId: string, expected: number, timeoutMs: number): Promise<number> {
  let total = -1;
  for (let attempt = 0; attempt < 20; attempt++) {
    total = await matchTotal(gateway, matchId, timeoutMs);
    if (total === expected) return total;
    await sleep(500);
  }
  return total;
}

/** The failures a load saw, for a test's log line. */
export const describeFailures = (load: WriteLoad) => JSON.stringify(Object.fromEntries(load.failures));
