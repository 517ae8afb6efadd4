// The session recording rules against an in-memory store (sessions.integration.test.ts runs them on Cassandra):
// a half already stored is a duplicate, a session completes when its second half arrives in either order, a retry
// completes a session whose completion was lost, and a start in a closed hour drops that hour's cached count.
import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { EventOutcome } from '../../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import type { SessionEvent } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { fromMillis, hourOf } from '../../shared/time.js';
import { timestampAt as at } from '../../../test/support/caller-time.js';
import { hourCountsKey } from '../handlers/count-session-starts.js';
import { RecordSessionEventsHandler, type SessionHalvesStore } from '../handlers/record-session-events.js';
import type { CompletedSessionRow, SessionHalf, SessionParts } from '../store.js';

const NOW_MS = Date.UTC(2026, 11, 3, 12, 30);
const sessionId = '4a0c43c9-c43a-42ff-ba55-67563dfa35d4';

/** Session halves and completed sessions in maps; `failCompletions` makes the next writes of completions throw. */
class InMemorySessions implements SessionHalvesStore {
  readonly parts = new Map<string, SessionParts>();
  readonly completed = new Map<string, CompletedSessionRow>();
  failCompletions = 0;
  /** The kind of half whose next write throws the driver's "no host available". */
  failWriteOf?: SessionHalf['kind'];
  reads = 0;

  readParts(playerId: string, id: string): Promise<SessionParts | undefined> {
    this.reads++;
    const parts = this.parts.get(`${playerId}/${id}`);
    return Promise.resolve(parts && { ...parts });
  }

  writeHalf(half: SessionHalf): Promise<void> {
    if (this.failWriteOf === half.kind) {
      this.failWriteOf = undefined;
      return Promise.reject(new cassandra.errors.NoHostAvailableError({}));
    }
    const key = `${half.playerId}/${half.sessionId}`;
    const parts = { ...this.parts.get(key) };
    if (half.kind === 'start') Object.assign(parts, { startUs: half.tsUs, country: half.country });
    else parts.endUs = half.tsUs;
    this.parts.set(key, parts);
    return Promise.resolve();
  }

  writeCompleted(playerId: string, session: CompletedSessionRow): Promise<void> {
    if (this.failCompletions > 0) {
      this.failCompletions--;
      return Promise.reject(new Error('Cassandra timed out'));
    }
    this.completed.set(`${playerId}/${session.sessionId}`, session);
    return Promise.resolve();
  }
}

const start = (ms: number, playerId = 'p1'): SessionEvent => ({
  eventId: `start/${playerId}`,
  kind: { $case: 'start', value: { playerId, sessionId, country: 'fi', ts: at(ms) } },
});
const end = (ms: number, playerId = 'p1'): SessionEvent => ({
  eventId: `end/${playerId}`,
  kind: { $case: 'end', value: { playerId, sessionId, ts: at(ms) } },
});

function recorder() {
  const store = new InMemorySessions();
  const invalidated: string[] = [];
  const handler = new RecordSessionEventsHandler(
    () => store,
    { invalidate: (keys) => void invalidated.push(...keys) },
    () => fromMillis(NOW_MS),
  );
  const inGame = { signal: new AbortController().signal, deadline: undefined, game: 'g1' };
  const record = async (...events: SessionEvent[]) => (await handler.handle({ events }, inGame)).results.map((r) => r.outcome);
  return { store, invalidated, record };
}

const {
  EVENT_OUTCOME_ACCEPTED: ACCEPTED,
  EVENT_OUTCOME_DUPLICATE: DUPLICATE,
  EVENT_OUTCOME_REJECTED: REJECTED,
  EVENT_OUTCOME_RETRYABLE: RETRYABLE,
} = EventOutcome;

describe('RecordSessionEventsHandler', () => {
  it('completes a session when its second half arrives, whichever comes first', async () => {
    for (const order of [
      [start(NOW_MS - 60_000), end(NOW_MS - 1000)],
      [end(NOW_MS - 1000), start(NOW_MS - 60_000)],
    ]) {
      const { store, record } = recorder();
      expect(await record(order[0])).toEqual([ACCEPTED]);
      expect(store.completed.size).toBe(0);
      expect(await record(order[1])).toEqual([ACCEPTED]);
      expect(store.completed.get(`p1/${sessionId}`)).toEqual({
        sessionId,
        country: 'FI',
        startUs: fromMillis(NOW_MS - 60_000),
        endUs: fromMillis(NOW_MS - 1000),
      });
    }
  });

  it('answers a half that is already stored as a duplicate, in a later batch or the same one', async () => {
    const { store, record } = recorder();
    expect(await record(start(NOW_MS - 60_000), start(NOW_MS - 60_000))).toEqual([ACCEPTED, DUPLICATE]);
    expect(await record(start(NOW_MS - 60_000))).toEqual([DUPLICATE]);
    expect(store.parts.size).toBe(1);
  });

  it('completes the session on the retry of a call that stored its half but failed to complete it', async () => {
    const { store, record } = recorder();
    await record(start(NOW_MS - 60_000));
    store.failCompletions = 1;
    await expect(record(end(NOW_MS - 1000))).rejects.toThrow(/timed out/);
    expect(store.completed.size).toBe(0);
    expect(await record(end(NOW_MS - 1000))).toEqual([DUPLICATE]);
    expect(store.completed.size).toBe(1);
  });

  it('rejects bad events without storing them, and stores the rest of the batch', async () => {
    const { store, record } = recorder();
    const badCountry = start(NOW_MS - 60_000, 'p2');
    if (badCountry.kind?.$case === 'start') badCountry.kind.value.country = 'XX';
    expect(await record(badCountry, start(NOW_MS - 60_000))).toEqual([REJECTED, ACCEPTED]);
    expect([...store.parts.keys()]).toEqual([`p1/${sessionId}`]);
  });

  it("drops a closed hour's cached start count when a start lands in it, and leaves the open hour's alone", async () => {
    const { invalidated, record } = recorder();
    const closedHourMs = Date.UTC(2026, 11, 3, 11);
    await record(start(closedHourMs + 5 * 60_000, 'late'), start(NOW_MS - 60_000, 'now'));
    expect(invalidated).toEqual([hourCountsKey('g1', hourOf(fromMillis(closedHourMs)))]);
  });

  describe('both halves of a session in one batch', () => {
    const completedSession = (startMs: number, endMs: number) => ({
      sessionId,
      country: 'FI',
      startUs: fromMillis(startMs),
      endUs: fromMillis(endMs),
    });

    it('stores and completes them with one read, in either order', async () => {
      for (const order of [
        [start(NOW_MS - 60_000), end(NOW_MS - 1000)],
        [end(NOW_MS - 1000), start(NOW_MS - 60_000)],
      ]) {
        const { store, record } = recorder();
        expect(await record(...order)).toEqual([ACCEPTED, ACCEPTED]);
        expect(store.reads).toBe(1);
        expect(store.completed.get(`p1/${sessionId}`)).toEqual(completedSession(NOW_MS - 60_000, NOW_MS - 1000));
      }
    });

    it('keeps a half stored before as it is and answers its repeat as a duplicate', async () => {
      const { store, record } = recorder();
      await record(start(NOW_MS - 60_000));
      expect(await record(start(NOW_MS - 50_000), end(NOW_MS - 1000))).toEqual([DUPLICATE, ACCEPTED]);
      expect(store.completed.get(`p1/${sessionId}`)).toEqual(completedSession(NOW_MS - 60_000, NOW_MS - 1000));
      expect(await record(start(NOW_MS - 60_000), end(NOW_MS - 1000))).toEqual([DUPLICATE, DUPLICATE]);
    });

    it('answers a half whose write failed as retryable, the other as stored, and completes on the retry', async () => {
      const { store, record } = recorder();
      store.failWriteOf = 'end';
      expect(await record(start(NOW_MS - 60_000), end(NOW_MS - 1000))).toEqual([ACCEPTED, RETRYABLE]);
      expect(store.completed.size).toBe(0);
      expect(await record(start(NOW_MS - 60_000), end(NOW_MS - 1000))).toEqual([DUPLICATE, ACCEPTED]);
      expect(store.completed.get(`p1/${sessionId}`)).toEqual(completedSession(NOW_MS - 60_000, NOW_MS - 1000));
    });

    it('pairs only valid halves: an end beside a rejected start is stored on its own', async () => {
      const { store, record } = recorder();
      const badStart = start(NOW_MS - 60_000);
      if (badStart.kind?.$case === 'start') badStart.kind.value.country = 'XX';
      expect(await record(badStart, end(NOW_MS - 1000))).toEqual([REJECTED, ACCEPTED]);
      expect(store.parts.get(`p1/${sessionId}`)).toEqual({ endUs: fromMillis(NOW_MS - 1000) });
      expect(store.completed.size).toBe(0);
    });
  });
});
