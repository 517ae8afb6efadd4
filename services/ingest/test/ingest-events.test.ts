// The ingest fan-out's rules, against in-memory owners (the integration and end-to-end tests run the real ones):
// each owner gets its share, answers come back per event in request order, repeats share the first one's fate,
// and an owner that fails makes only its own events retryable or rejected.
import { ClientError, Status } from 'nice-grpc';
import { describe, expect, it } from 'vitest';
import { EventOutcome, type EventResult } from '../../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import type { Event } from '../../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { EngagementKind } from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { ModeAction } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { accepted } from '../../shared/batch.js';
import type { CallContext } from '../../shared/handler.js';
import { fromMillis } from '../../shared/time.js';
import { IngestEventsHandler } from '../handlers/ingest-events.js';
import type { EventOwners } from '../owners.js';

const NOW_MS = Date.UTC(2026, 11, 3, 12);
const ts = { seconds: NOW_MS / 1000 - 60, nanos: 0 };
const context: CallContext = { signal: new AbortController().signal, deadline: new Date(NOW_MS + 3000) };

type OwnerMethod = Exclude<keyof EventOwners, 'close'>;

/** Owners that accept everything (or fail as told) and remember what they were sent, and within which bounds. */
function fakeOwners(failing: Partial<Record<OwnerMethod, ClientError>> = {}) {
  const sent: Array<{ method: OwnerMethod; eventIds: string[]; idsAssigned: boolean[]; bounds: CallContext }> = [];
  const answer =
    (method: OwnerMethod) =>
    (request: { events: Array<{ eventId: string; idAssigned?: boolean }> }, bounds: CallContext): Promise<{ results: EventResult[] }> => {
      sent.push({
        method,
        eventIds: request.events.map((e) => e.eventId),
        idsAssigned: request.events.map((e) => e.idAssigned ?? false),
        bounds,
      });
      const failure = failing[method];
      if (failure) return Promise.reject(failure);
      return Promise.resolve({ results: request.events.map((e, i) => accepted(i, e.eventId)) });
    };
  const owners: EventOwners = {
    recordSessionEvents: answer('recordSessionEvents'),
    recordModeEvents: answer('recordModeEvents'),
    recordEngagements: answer('recordEngagements'),
    recordReactions: answer('recordReactions'),
    close: () => {},
  };
  return { owners, sent };
}

function grpcError(code: Status, details: string): ClientError {
  return new ClientError('/gamepulse.test.v1.Owner/Record', code, details);
}

const start = (eventId: string, playerId: string): Event => ({
  eventId,
  payload: { $case: 'sessionStart', value: { playerId, sessionId: `s-${playerId}`, country: 'FI', ts } },
});
const engagement = (eventId: string): Event => ({
  eventId,
  payload: { $case: 'engagement', value: { user: 'u1', kind: EngagementKind.ENGAGEMENT_KIND_CLICK, ts } },
});
const login = (eventId: string): Event => ({
  eventId,
  payload: { $case: 'mode', value: { userId: 'u1', areaCode: '111', mode: 'Arena', action: ModeAction.MODE_ACTION_LOGIN, ts } },
});

describe('IngestEventsHandler', () => {
  it("sends each owner its share within the caller's bounds, and answers per event in request order", async () => {
    const { owners, sent } = fakeOwners();
    const handler = new IngestEventsHandler(owners, () => fromMillis(NOW_MS));
    const answer = await handler.handle({ events: [start('a', 'p1'), engagement('b'), login('c'), start('d', 'p2')] }, context);
    expect(answer.results.map((r) => [r.index, r.eventId, r.outcome])).toEqual([
      [0, 'a', EventOutcome.EVENT_OUTCOME_ACCEPTED],
      [1, 'b', EventOutcome.EVENT_OUTCOME_ACCEPTED],
      [2, 'c', EventOutcome.EVENT_OUTCOME_ACCEPTED],
      [3, 'd', EventOutcome.EVENT_OUTCOME_ACCEPTED],
    ]);
    expect(answer.accepted).toBe(4);
    expect(sent.map(({ method, eventIds }) => [method, eventIds]).sort()).toEqual([
      ['recordEngagements', ['b']],
      ['recordModeEvents', ['c']],
      ['recordSessionEvents', ['a', 'd']],
    ]);
    for (const call of sent) expect(call.bounds).toBe(context);
  });

  it('tells the owner which ids it made up for events sent without one, so that it need not look for them', async () => {
    const { owners, sent } = fakeOwners();
    const reaction = (eventId: string): Event => ({
      eventId,
      payload: { $case: 'reaction', value: { userId: 'u1', matchId: 'm1', emoticon: 1, ts } },
    });
    const answer = await new IngestEventsHandler(owners, () => fromMillis(NOW_MS)).handle(
      { events: [engagement(''), engagement('given'), reaction(''), reaction('r1'), start('', 'p1')] },
      context,
    );
    const [assignedEngagement, , assignedReaction] = answer.results.map((r) => r.eventId);
    expect(assignedEngagement).toMatch(/^[0-9a-f-]{36}$/);
    const byMethod = Object.fromEntries(sent.map(({ method, eventIds, idsAssigned }) => [method, { eventIds, idsAssigned }]));
    expect(byMethod.recordEngagements).toEqual({ eventIds: [assignedEngagement, 'given'], idsAssigned: [true, false] });
    expect(byMethod.recordReactions).toEqual({ eventIds: [assignedReaction, 'r1'], idsAssigned: [true, false] });
    // A session half without an id is known by its natural key, which may well be stored already.
    expect(byMethod.recordSessionEvents.idsAssigned).toEqual([false]);
  });

  it("sends a repeat within the batch once; the repeat shares the first one's fate as a duplicate", async () => {
    const { owners, sent } = fakeOwners();
    const answer = await new IngestEventsHandler(owners, () => fromMillis(NOW_MS)).handle(
      { events: [engagement('x'), engagement('x')] },
      context,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0].eventIds).toEqual(['x']);
    expect(answer.results.map((r) => r.outcome)).toEqual([EventOutcome.EVENT_OUTCOME_ACCEPTED, EventOutcome.EVENT_OUTCOME_DUPLICATE]);
  });

  it("makes only the failing owner's events retryable when it is unavailable, and rejects them when it refuses them", async () => {
    const unavailable = fakeOwners({ recordEngagements: grpcError(Status.UNAVAILABLE, 'connection refused') });
    const answer = await new IngestEventsHandler(unavailable.owners, () => fromMillis(NOW_MS)).handle(
      { events: [start('a', 'p1'), engagement('b')] },
      context,
    );
    expect(answer.results.map((r) => r.outcome)).toEqual([EventOutcome.EVENT_OUTCOME_ACCEPTED, EventOutcome.EVENT_OUTCOME_RETRYABLE]);
    expect(answer.results[1].reason).toMatch(/^not stored: the reaction service failed \(UNAVAILABLE\); retry/);
    expect(answer.retryable).toBe(1);

    const refusing = fakeOwners({ recordEngagements: grpcError(Status.INVALID_ARGUMENT, 'events: must hold 1 to 500 events') });
    const refused = await new IngestEventsHandler(refusing.owners, () => fromMillis(NOW_MS)).handle({ events: [engagement('b')] }, context);
    expect(refused.results[0]).toMatchObject({
      outcome: EventOutcome.EVENT_OUTCOME_REJECTED,
      field: 'engagement',
      reason: 'engagement: events: must hold 1 to 500 events',
    });
  });

  it('rejects an event without a payload or with an over-long id, and forwards the rest', async () => {
    const { owners, sent } = fakeOwners();
    const answer = await new IngestEventsHandler(owners, () => fromMillis(NOW_MS)).handle(
      { events: [{ eventId: 'empty', payload: undefined }, { ...engagement('y'), eventId: 'y'.repeat(129) }, engagement('ok')] },
      context,
    );
    expect(answer.results.map((r) => [r.outcome, r.field])).toEqual([
      [EventOutcome.EVENT_OUTCOME_REJECTED, 'payload'],
      [EventOutcome.EVENT_OUTCOME_REJECTED, 'event_id'],
      [EventOutcome.EVENT_OUTCOME_ACCEPTED, ''],
    ]);
    expect(sent.flatMap((call) => call.eventIds)).toEqual(['ok']);
  });
});
