// The EventSender's rules against an in-memory ingest: batching by size and by time, ids, which failures are sent
// again (and which never), the full-queue policies, flush and close. test/e2e/client-sdk.e2e.test.ts sends through
// the real stack while its ingest service is killed and restarted.
import { Code, ConnectError } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import { EventSender, type EventInit, type IngestCaller } from '../src/event-sender.js';
import { EventOutcome, type EventResult } from '../src/gen/gamepulse/common/v1/event_result_pb.js';
import type { Event } from '../src/gen/gamepulse/ingest/v1/ingest_pb.js';

type Answer = (events: Event[]) => Promise<Partial<EventResult>[]> | Partial<EventResult>[];

/** Records every call; answers each with `answer` (accepted, by default). */
class FakeIngest implements IngestCaller {
  readonly calls: Event[][] = [];

  constructor(public answer: Answer = (events) => events.map(() => ({ outcome: EventOutcome.ACCEPTED }))) {}

  async ingestEvents(request: { events?: unknown }): Promise<{ results: EventResult[] }> {
    const events = request.events as Event[];
    this.calls.push(events);
    const results = await this.answer(events);
    return { results: results.map((result, index) => ({ index, eventId: '', reason: '', field: '', ...result }) as EventResult) };
  }
}

const click = (user: string): EventInit => ({ payload: { case: 'engagement', value: { user, kind: 1 } } });
const quickRetries = { backoff: { initialMs: 1, maxMs: 5 } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const usersOf = (events: Event[]) => events.map((event) => (event.payload.case === 'engagement' ? event.payload.value.user : '?'));

describe('EventSender', () => {
  it('sends full batches at once and the rest after the linger, every event with its own id', async () => {
    const ingest = new FakeIngest();
    const sender = new EventSender(ingest, { maxBatchSize: 3, lingerMs: 40 });
    for (const user of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) await sender.send(click(user));
    expect(ingest.calls.map(usersOf)).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ]);
    await sleep(10);
    expect(ingest.calls).toHaveLength(2);
    await sleep(60);
    expect(ingest.calls.map(usersOf)).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
    const ids = ingest.calls.flat().map((event) => event.eventId);
    expect(new Set(ids).size).toBe(7);
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
    expect(await sender.close()).toMatchObject({ accepted: 7, pending: 0 });
  });

  it("keeps an event's own id", async () => {
    const ingest = new FakeIngest();
    const sender = new EventSender(ingest);
    await sender.send({ ...click('a'), eventId: 'mine-1' });
    await sender.flush();
    expect(ingest.calls[0][0].eventId).toBe('mine-1');
  });

  it('sends a batch again, same ids, after UNAVAILABLE, DEADLINE_EXCEEDED and CANCELED (a server gone), until answered', async () => {
    const failures = [Code.Unavailable, Code.DeadlineExceeded, Code.Canceled];
    const ingest = new FakeIngest((events) => {
      const code = failures.shift();
      if (code !== undefined) throw new ConnectError('down', code);
      return events.map(() => ({ outcome: EventOutcome.ACCEPTED }));
    });
    const sender = new EventSender(ingest, quickRetries);
    for (const user of ['a', 'b']) await sender.send(click(user));
    await sender.flush();
    expect(ingest.calls).toHaveLength(4);
    expect(ingest.calls[3].map((event) => event.eventId)).toEqual(ingest.calls[0].map((event) => event.eventId));
    expect(sender.stats()).toEqual({ accepted: 2, duplicate: 0, rejected: 0, dropped: 0, retried: 6, pending: 0 });
  });

  it('sends again only the events answered "not stored … retry"; a rejected one never, and it is reported', async () => {
    let round = 0;
    const ingest = new FakeIngest((events) =>
      events.map((event) => {
        const user = usersOf([event])[0];
        if (user === 'bad') return { outcome: EventOutcome.REJECTED, reason: 'engagement.ts: is required', field: 'engagement.ts' };
        if (user === 'later' && round++ === 0) return { outcome: EventOutcome.RETRYABLE, reason: 'not stored: storage unreachable; retry' };
        return { outcome: user === 'again' ? EventOutcome.DUPLICATE : EventOutcome.ACCEPTED };
      }),
    );
    const rejected: string[] = [];
    const sender = new EventSender(ingest, {
      ...quickRetries,
      onRejected: (event, reason, field) => rejected.push(`${usersOf([event])[0]} ${field} ${reason}`),
    });
    for (const user of ['ok', 'bad', 'later', 'again']) await sender.send(click(user));
    await sender.flush();
    expect(ingest.calls.map(usersOf)).toEqual([['ok', 'bad', 'later', 'again'], ['later']]);
    expect(rejected).toEqual(['bad engagement.ts engagement.ts: is required']);
    expect(sender.stats()).toMatchObject({ accepted: 2, duplicate: 1, rejected: 1, retried: 1, pending: 0 });
  });

  it('never sends again a call refused for its input or its key', async () => {
    for (const code of [Code.InvalidArgument, Code.Unauthenticated, Code.PermissionDenied]) {
      const ingest = new FakeIngest(() => {
        throw new ConnectError('no', code);
      });
      const sender = new EventSender(ingest, quickRetries);
      await sender.send(click('a'));
      await sender.flush();
      expect(ingest.calls).toHaveLength(1);
      expect(sender.stats()).toMatchObject({ rejected: 1, retried: 0, pending: 0 });
    }
  });

  it('drops the oldest queued event when full (drop-oldest), and counts it', async () => {
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    const ingest = new FakeIngest(async (events) => (await stalled, events.map(() => ({ outcome: EventOutcome.ACCEPTED }))));
    const dropped: string[] = [];
    const sender = new EventSender(ingest, {
      maxBatchSize: 1,
      maxQueued: 2,
      maxInFlight: 1,
      onDropped: (event) => dropped.push(usersOf([event])[0]),
    });
    for (const user of ['a', 'b', 'c', 'd']) await sender.send(click(user));
    expect(dropped).toEqual(['b']);
    release();
    await sender.flush();
    expect(ingest.calls.map(usersOf)).toEqual([['a'], ['c'], ['d']]);
    expect(sender.stats()).toMatchObject({ accepted: 3, dropped: 1, pending: 0 });
  });

  it('makes send wait for room when full (block), dropping nothing', async () => {
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    const ingest = new FakeIngest(async (events) => (await stalled, events.map(() => ({ outcome: EventOutcome.ACCEPTED }))));
    const sender = new EventSender(ingest, { maxBatchSize: 1, maxQueued: 2, maxInFlight: 1, whenFull: 'block' });
    for (const user of ['a', 'b', 'c']) await sender.send(click(user));
    let queued = false;
    const waiting = sender.send(click('d')).then(() => (queued = true));
    await sleep(20);
    expect(queued).toBe(false);
    release();
    await waiting;
    expect(await sender.close()).toMatchObject({ accepted: 4, dropped: 0, pending: 0 });
    expect(ingest.calls.map(usersOf)).toEqual([['a'], ['b'], ['c'], ['d']]);
  });

  it('refuses events once closed, and refuses a batch size ingest would not take', async () => {
    const sender = new EventSender(new FakeIngest());
    await sender.close();
    await expect(sender.send(click('a'))).rejects.toThrow(/closed/);
    expect(() => new EventSender(new FakeIngest(), { maxBatchSize: 501 })).toThrow(/maxBatchSize: 1 to 500/);
  });
});
