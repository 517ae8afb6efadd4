// The engagement and reaction recording rules against in-memory stores (reactions.integration.test.ts runs them on
// Cassandra): an event id already stored is a duplicate and is not written again, a bad event is rejected without a
// write, and only writes into a closed (or closing) hour drop that hour's cached answer.
import { describe, expect, it } from 'vitest';
import { EventOutcome } from '../../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import {
  EngagementKind,
  Emoticon,
  type EngagementEnvelope,
  type ReactionEnvelope,
} from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { fromMillis, hourOf } from '../../shared/time.js';
import { timestampAt as at } from '../../../test/support/caller-time.js';
import { hourEngagementKey } from '../handlers/get-hourly-engagement.js';
import { RecordEngagementsHandler, type EngagementWrites } from '../handlers/record-engagements.js';
import { RecordReactionsHandler, type ReactionWrites } from '../handlers/record-reactions.js';
import { matchHourKey } from '../match-summary.js';
import type { EngagementRow, ReactionRow } from '../store.js';

const NOW_MS = Date.UTC(2026, 11, 3, 12, 30);
const CLOSED_HOUR_MS = Date.UTC(2026, 11, 3, 11);
const { EVENT_OUTCOME_ACCEPTED: ACCEPTED, EVENT_OUTCOME_DUPLICATE: DUPLICATE, EVENT_OUTCOME_REJECTED: REJECTED } = EventOutcome;

class InMemoryEngagements implements EngagementWrites {
  readonly events = new Map<string, EngagementRow>();
  readonly users = new Set<string>();
  lookups = 0;
  hasEngagement(row: EngagementRow): Promise<boolean> {
    this.lookups++;
    return Promise.resolve(this.events.has(row.eventId));
  }
  writeEngagedUser(row: EngagementRow): Promise<void> {
    this.users.add(`${hourOf(row.tsUs)}/${row.username}`);
    return Promise.resolve();
  }
  writeEngagementEvent(row: EngagementRow): Promise<void> {
    this.events.set(row.eventId, row);
    return Promise.resolve();
  }
}

class InMemoryReactions implements ReactionWrites {
  readonly rows = new Map<string, ReactionRow>();
  lookups = 0;
  hasReaction(row: ReactionRow): Promise<boolean> {
    this.lookups++;
    return Promise.resolve(this.rows.has(`${row.game}/${row.eventId}`));
  }
  writeReaction(row: ReactionRow): Promise<void> {
    this.rows.set(`${row.game}/${row.eventId}`, row);
    return Promise.resolve();
  }
}

/** A call made for `game`. */
const inGame = (game: string) => ({ signal: new AbortController().signal, deadline: undefined, game });

function invalidations() {
  const keys: string[] = [];
  return { keys, cache: { invalidate: (dropped: string[]) => void keys.push(...dropped) } };
}

const click = (eventId: string, ms: number, user = 'u1', idAssigned = false): EngagementEnvelope => ({
  eventId,
  idAssigned,
  event: { user, kind: EngagementKind.ENGAGEMENT_KIND_CLICK, ts: at(ms) },
});
const heart = (eventId: string, ms: number, matchId = 'm1', idAssigned = false): ReactionEnvelope => ({
  eventId,
  idAssigned,
  event: { userId: 'u1', matchId, emoticon: Emoticon.EMOTICON_HEART, ts: at(ms) },
});

describe('RecordEngagementsHandler', () => {
  it('stores an event id once: a repeat, in the same batch or a later one, is a duplicate', async () => {
    const store = new InMemoryEngagements();
    const handler = new RecordEngagementsHandler(store, invalidations().cache, () => fromMillis(NOW_MS));
    const outcomes = async (...events: EngagementEnvelope[]) =>
      (await handler.handle({ events }, inGame('g1'))).results.map((r) => r.outcome);
    expect(await outcomes(click('e1', NOW_MS - 1000), click('e1', NOW_MS - 1000), click('e2', NOW_MS - 2000, 'u2'))).toEqual([
      ACCEPTED,
      DUPLICATE,
      ACCEPTED,
    ]);
    expect(await outcomes(click('e1', NOW_MS - 1000))).toEqual([DUPLICATE]);
    expect([...store.events.keys()]).toEqual(['e1', 'e2']);
    expect(store.users.size).toBe(2);
  });

  it('stores an event whose id ingest made up without looking for it, and writes its user first', async () => {
    const store = new InMemoryEngagements();
    const handler = new RecordEngagementsHandler(store, invalidations().cache, () => fromMillis(NOW_MS));
    const answer = await handler.handle(
      { events: [click('fresh-1', NOW_MS - 1000, 'u7', true), click('e9', NOW_MS - 1000)] },
      inGame('g1'),
    );
    expect(answer.results.map((r) => r.outcome)).toEqual([ACCEPTED, ACCEPTED]);
    expect(store.lookups).toBe(1);
    expect(store.events.has('fresh-1')).toBe(true);
    expect(store.users.has(`${hourOf(fromMillis(NOW_MS - 1000))}/u7`)).toBe(true);
  });

  it('rejects a bad event without writing it', async () => {
    const store = new InMemoryEngagements();
    const handler = new RecordEngagementsHandler(store, invalidations().cache, () => fromMillis(NOW_MS));
    const unknownKind: EngagementEnvelope = {
      eventId: 'e3',
      idAssigned: false,
      event: { user: 'u1', kind: EngagementKind.ENGAGEMENT_KIND_UNSPECIFIED, ts: at(NOW_MS) },
    };
    const answer = await handler.handle({ events: [unknownKind] }, inGame('g1'));
    expect(answer.results[0]).toMatchObject({ outcome: REJECTED, field: 'event.kind' });
    expect(store.events.size).toBe(0);
  });

  it("drops a closed hour's cached counts when an event lands in it, and not the open hour's", async () => {
    const { keys, cache } = invalidations();
    const handler = new RecordEngagementsHandler(new InMemoryEngagements(), cache, () => fromMillis(NOW_MS));
    await handler.handle({ events: [click('late', CLOSED_HOUR_MS + 60_000), click('now', NOW_MS - 1000)] }, inGame('g1'));
    expect(keys).toEqual([hourEngagementKey('g1', fromMillis(CLOSED_HOUR_MS))]);
  });
});

describe('RecordReactionsHandler', () => {
  it('stores an event id once, and drops the cached summary of a closed match hour it lands in', async () => {
    const store = new InMemoryReactions();
    const { keys, cache } = invalidations();
    const handler = new RecordReactionsHandler(store, cache, () => fromMillis(NOW_MS));
    const first = await handler.handle({ events: [heart('r1', CLOSED_HOUR_MS + 60_000), heart('r2', NOW_MS - 1000)] }, inGame('g1'));
    expect(first.results.map((r) => r.outcome)).toEqual([ACCEPTED, ACCEPTED]);
    expect(keys).toEqual([matchHourKey('g1', 'm1', fromMillis(CLOSED_HOUR_MS))]);
    const again = await handler.handle({ events: [heart('r1', CLOSED_HOUR_MS + 60_000)] }, inGame('g1'));
    expect(again.results.map((r) => r.outcome)).toEqual([DUPLICATE]);
    expect(store.rows.size).toBe(2);
  });

  it("keeps each game's reactions its own: the same event id in another game is another reaction", async () => {
    const store = new InMemoryReactions();
    const handler = new RecordReactionsHandler(store, invalidations().cache, () => fromMillis(NOW_MS));
    await handler.handle({ events: [heart('r1', NOW_MS - 1000)] }, inGame('g1'));
    const other = await handler.handle({ events: [heart('r1', NOW_MS - 1000)] }, inGame('g2'));
    expect(other.results.map((r) => r.outcome)).toEqual([ACCEPTED]);
    expect([...store.rows.values()].map((row) => row.game).sort()).toEqual(['g1', 'g2']);
  });

  it('stores a reaction whose id ingest made up without looking for it', async () => {
    const store = new InMemoryReactions();
    const handler = new RecordReactionsHandler(store, invalidations().cache, () => fromMillis(NOW_MS));
    const answer = await handler.handle(
      { events: [heart('fresh-1', NOW_MS - 1000, 'm1', true), heart('r9', NOW_MS - 1000)] },
      inGame('g1'),
    );
    expect(answer.results.map((r) => r.outcome)).toEqual([ACCEPTED, ACCEPTED]);
    expect(store.lookups).toBe(1);
    expect(store.rows.size).toBe(2);
  });
});
