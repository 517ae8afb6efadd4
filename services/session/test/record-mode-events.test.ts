// The mode recording rules against an in-memory store whose index keeps, per row, the write with the latest write
// time (as Cassandra does); modes.integration.test.ts runs them on Cassandra. What these add: replicas racing on one
// user in the worst order the network allows still leave the index where the user's events put them.
import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { EventOutcome } from '../../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import { ModeAction, type ModeEventEnvelope } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { dayOf, fromMillis, type Micros } from '../../shared/time.js';
import { timestampAt } from '../../../test/support/caller-time.js';
import { RecordModeEventsHandler, type ModeEventsStore } from '../handlers/record-mode-events.js';
import type { ModeRow, Place } from '../mode-presence.js';

const NOW_MS = Date.now();
const IDLE_SECONDS = 7200;

/** Users' events and the index of active users, shared by the replicas' stores. */
class InMemoryModes {
  readonly events = new Map<string, ModeRow>();
  /** Index rows by `area/mode/user`: the latest write by write time, and whether it put the user there. */
  readonly index = new Map<string, { writeTimeUs: number; present: boolean }>();

  write(place: Place, userId: string, writeTimeUs: number, present: boolean): void {
    const key = `${place.areaCode}/${place.mode}/${userId}`;
    const current = this.index.get(key);
    // On a tie Cassandra keeps the deletion.
    if (!current || writeTimeUs > current.writeTimeUs || (writeTimeUs === current.writeTimeUs && !present)) {
      this.index.set(key, { writeTimeUs, present });
    }
  }

  /** Where the index has the user. */
  placesOf(userId: string): string[] {
    return [...this.index]
      .filter(([key, row]) => row.present && key.endsWith(`/${userId}`))
      .map(([key]) => key.slice(0, -userId.length - 1));
  }
}

/** One replica's view of the shared tables; `holdEnter` keeps its next index write waiting until released. */
class ReplicaStore implements ModeEventsStore {
  private held?: { released: Promise<void>; reached: () => void };
  private release?: () => void;
  /** Index writes left to fail as an unreachable Cassandra does. */
  failIndexWrites = 0;

  constructor(private readonly tables: InMemoryModes) {}

  /** Resolves once the replica's next enterArea is waiting; the returned function lets it through. */
  holdEnter(): { reached: Promise<void>; release: () => void } {
    let reached!: () => void;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    const released = new Promise<void>((resolve) => (this.release = resolve));
    this.held = { released, reached };
    return { reached: reachedPromise, release: () => this.release?.() };
  }

  hasEvent(row: ModeRow): Promise<boolean> {
    return Promise.resolve(this.tables.events.has(row.eventId));
  }

  writeEvent(row: ModeRow): Promise<void> {
    this.tables.events.set(row.eventId, row);
    return Promise.resolve();
  }

  writeLogin(): Promise<void> {
    return Promise.resolve();
  }

  async *eventsOfDay(userId: string, day: Micros): AsyncGenerator<ModeRow> {
    const rows = [...this.tables.events.values()].filter((row) => row.userId === userId && dayOf(row.tsUs) === day);
    yield* rows.sort((a, b) => b.tsUs - a.tsUs || (a.eventId < b.eventId ? 1 : -1));
  }

  async enterArea(place: Place, userId: string, writeTimeUs: number): Promise<void> {
    if (this.failIndexWrites > 0) {
      this.failIndexWrites--;
      throw new cassandra.errors.NoHostAvailableError({});
    }
    const held = this.held;
    this.held = undefined;
    if (held) {
      held.reached();
      await held.released;
    }
    this.tables.write(place, userId, writeTimeUs, true);
  }

  leaveArea(place: Place, userId: string, writeTimeUs: number): Promise<void> {
    this.tables.write(place, userId, writeTimeUs, false);
    return Promise.resolve();
  }
}

const login = (userId: string, areaCode: string, ms: number): ModeEventEnvelope => ({
  eventId: `login/${userId}/${areaCode}/${ms}`,
  event: { userId, areaCode, mode: 'Modes1', action: ModeAction.MODE_ACTION_LOGIN, ts: timestampAt(ms) },
});
const logout = (userId: string, areaCode: string, ms: number): ModeEventEnvelope => ({
  ...login(userId, areaCode, ms),
  eventId: `logout/${userId}/${areaCode}/${ms}`,
  event: { userId, areaCode, mode: 'Modes1', action: ModeAction.MODE_ACTION_LOGOUT, ts: timestampAt(ms) },
});

/** The ranking generations renewed, by name, in order. */
class RenewedGenerations {
  readonly names: string[] = [];

  renewGeneration(name: string): Promise<void> {
    this.names.push(name);
    return Promise.resolve();
  }

  /** The area codes renewed, sorted, forgetting them. */
  takeAreas(): string[] {
    return this.names
      .splice(0)
      .map((name) => name.split(':').at(-1)!)
      .sort();
  }
}

function twoReplicas() {
  const tables = new InMemoryModes();
  const generations = new RenewedGenerations();
  const stores = [new ReplicaStore(tables), new ReplicaStore(tables)] as const;
  const handlers = stores.map(
    (store) =>
      new RecordModeEventsHandler(
        () => store,
        generations,
        IDLE_SECONDS,
        () => fromMillis(NOW_MS),
      ),
  );
  const call = { signal: new AbortController().signal, deadline: undefined, game: 'g1' };
  const record = (replica: 0 | 1, ...events: ModeEventEnvelope[]) =>
    handlers[replica].handle({ events }, call).then((answer) => answer.results.map((result) => result.outcome));
  return { tables, stores, record, generations };
}

describe('RecordModeEventsHandler', () => {
  it('moves a user on a LOGIN elsewhere and takes them out on a LOGOUT of their place', async () => {
    const { tables, record } = twoReplicas();
    expect(await record(0, login('u1', '111', NOW_MS - 3000))).toEqual([EventOutcome.EVENT_OUTCOME_ACCEPTED]);
    expect(tables.placesOf('u1')).toEqual(['111/Modes1']);
    await record(1, login('u1', '222', NOW_MS - 2000));
    expect(tables.placesOf('u1')).toEqual(['222/Modes1']);
    await record(0, logout('u1', '111', NOW_MS - 1000));
    expect(tables.placesOf('u1')).toEqual(['222/Modes1']);
    await record(0, logout('u1', '222', NOW_MS - 500));
    expect(tables.placesOf('u1')).toEqual([]);
  });

  it('leaves the user where their latest event puts them when a replica that saw less publishes last', async () => {
    const { tables, stores, record } = twoReplicas();
    // Replica 0 stores a LOGIN at 111 and reads the user's history before replica 1 stores the later LOGIN at 222;
    // its publication of 111 is held back until replica 1 has published 222.
    const hold = stores[0].holdEnter();
    const stale = record(0, login('u1', '111', NOW_MS - 2000));
    await hold.reached;
    await new Promise((resolve) => setTimeout(resolve, 2));
    await record(1, login('u1', '222', NOW_MS - 1000));
    expect(tables.placesOf('u1')).toEqual(['222/Modes1']);
    hold.release();
    expect(await stale).toEqual([EventOutcome.EVENT_OUTCOME_ACCEPTED]);
    expect(tables.placesOf('u1')).toEqual(['222/Modes1']);
  });

  it('answers a resent event duplicate and publishes again, completing a call that failed after storing it', async () => {
    const { tables, record } = twoReplicas();
    const event = login('u1', '111', NOW_MS - 1000);
    tables.events.set(event.eventId, {
      eventId: event.eventId,
      userId: 'u1',
      areaCode: '111',
      mode: 'Modes1',
      action: 'login',
      tsUs: fromMillis(NOW_MS - 1000),
    });
    expect(tables.placesOf('u1')).toEqual([]);
    expect(await record(1, event)).toEqual([EventOutcome.EVENT_OUTCOME_DUPLICATE]);
    expect(tables.placesOf('u1')).toEqual(['111/Modes1']);
  });

  it('answers an event retryable when the index cannot be written, and its resend completes it as a duplicate', async () => {
    const { tables, stores, record } = twoReplicas();
    const event = login('u1', '111', NOW_MS - 1000);
    stores[0].failIndexWrites = 1;
    expect(await record(0, event)).toEqual([EventOutcome.EVENT_OUTCOME_RETRYABLE]);
    expect(tables.placesOf('u1')).toEqual([]);
    expect(await record(0, event)).toEqual([EventOutcome.EVENT_OUTCOME_DUPLICATE]);
    expect(tables.placesOf('u1')).toEqual(['111/Modes1']);
  });

  it('renews the ranking generation of every area a publication touched, once its index writes landed', async () => {
    const { stores, record, generations } = twoReplicas();
    await record(0, login('u1', '111', NOW_MS - 3000));
    expect(generations.takeAreas()).toEqual(['111']);
    await record(0, login('u1', '222', NOW_MS - 2000));
    expect(generations.takeAreas()).toEqual(['111', '222']);
    stores[0].failIndexWrites = 1;
    await record(0, login('u1', '333', NOW_MS - 1000));
    expect(generations.takeAreas()).toEqual([]);
    await record(0, logout('u2', '444', NOW_MS - 1000));
    expect(generations.takeAreas()).toEqual([]);
  });
});
