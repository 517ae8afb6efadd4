import { randomUUID } from 'node:crypto';
import { Status, type ClientError } from 'nice-grpc';
import { checkBatchSize, fateOfRepeat, rejected, retryable } from '../../shared/batch.js';
import { arrivalTime } from '../../shared/event-rules.js';
import type { CallContext, UnaryHandler } from '../../shared/handler.js';
import { systemClock, type Clock, type Micros } from '../../shared/time.js';
import { inSpan, SpanKind } from '../../shared/tracing.js';
import { EventOutcome, type EventResult } from '../../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import type { IngestEventsRequest, IngestEventsResponse } from '../../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import type { Engagement, Reaction } from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import type { ModeEvent, SessionEnd } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { countEventOutcomes } from '../event-metrics.js';
import type { EventOwners } from '../owners.js';
import { payloadName, type Payload, type PayloadName } from '../payload-names.js';

const MAX_EVENT_ID_LENGTH = 128;

/** One owner's share of a batch: the events it gets, and where each came from in the request. */
/** An event on its way to its owner; `idAssigned` when its id is a fresh one made up here (it came with none). */
interface ForwardedEvent {
  id: string;
  payload: Payload;
  idAssigned: boolean;
}

interface Share {
  owner: string;
  send(events: Array<ForwardedEvent>): Promise<{ results: EventResult[] }>;
  events: Array<ForwardedEvent & { index: number }>;
}

/**
 * The front door: checks each event's envelope, gives it an id (the client's, else its natural key, else a fresh
 * one), drops repeats within the batch, forwards each owner's share over gRPC, and answers per event in order.
 * When an owner cannot be reached its events are retryable: nothing is half-done, because every owner's writes are
 * idempotent.
 */
export class IngestEventsHandler implements UnaryHandler<IngestEventsRequest, IngestEventsResponse> {
  constructor(
    private readonly owners: EventOwners,
    private readonly clock: Clock = systemClock,
  ) {}

  handle(request: IngestEventsRequest, context: CallContext): Promise<IngestEventsResponse> {
    return inSpan('ingest events', SpanKind.INTERNAL, { 'gamepulse.events': request.events.length }, () => this.ingest(request, context));
  }

  private async ingest(request: IngestEventsRequest, context: CallContext): Promise<IngestEventsResponse> {
    checkBatchSize(request.events.length);
    const arrivedAt = this.clock();
    const results = new Array<EventResult>(request.events.length);
    const shares = this.shares(context);
    const firstIndexOf = new Map<string, number>();
    const repeats: Array<{ index: number; first: number }> = [];
    request.events.forEach((event, index) => {
      if (event.eventId.length > MAX_EVENT_ID_LENGTH) {
        results[index] = rejected(index, event.eventId, 'event_id', `must be at most ${MAX_EVENT_ID_LENGTH} characters`);
        return;
      }
      if (!event.payload) {
        results[index] = rejected(
          index,
          event.eventId,
          'payload',
          'one of session_start, session_end, mode, engagement, reaction must be set',
        );
        return;
      }
      const payload = withArrivalTime(event.payload, arrivedAt, index);
      const givenId = event.eventId || naturalKey(payload);
      const id = givenId || randomUUID();
      const first = firstIndexOf.get(id);
      if (first !== undefined) {
        repeats.push({ index, first });
        return;
      }
      firstIndexOf.set(id, index);
      shares[shareOf(payload)].events.push({ id, payload, index, idAssigned: !givenId });
    });
    await Promise.all(Object.values(shares).map((share) => this.forward(share, results)));
    for (const { index, first } of repeats) results[index] = fateOfRepeat(results[first], index);
    countEventOutcomes(request.events, results);
    return {
      results,
      accepted: count(results, EventOutcome.EVENT_OUTCOME_ACCEPTED),
      duplicates: count(results, EventOutcome.EVENT_OUTCOME_DUPLICATE),
      rejected: count(results, EventOutcome.EVENT_OUTCOME_REJECTED),
      retryable: count(results, EventOutcome.EVENT_OUTCOME_RETRYABLE),
    };
  }

  private async forward(share: Share, results: EventResult[]): Promise<void> {
    if (share.events.length === 0) return;
    try {
      const answer = await share.send(share.events);
      answer.results.forEach((result, k) => {
        const { index, id, payload } = share.events[k];
        results[index] = { ...result, index, eventId: id, ...renamedField(result, payloadName(payload)) };
      });
    } catch (error) {
      const failure = ownerFailure(share.owner, error as ClientError);
      for (const { index, id, payload } of share.events) {
        results[index] = failure.retry ? retryable(index, id, failure.reason) : rejected(index, id, payloadName(payload), failure.reason);
      }
    }
  }

  /** Each owner's share, sent within the caller's deadline and cancelled with its call. */
  private shares(bounds: CallContext): Record<'session' | 'mode' | 'engagement' | 'reaction', Share> {
    const { owners } = this;
    return {
      session: {
        owner: 'session',
        events: [],
        send: (events) =>
          owners.recordSessionEvents(
            {
              events: events.map(({ id, payload }) => ({
                eventId: id,
                kind:
                  payload.$case === 'sessionStart'
                    ? { $case: 'start', value: payload.value }
                    : { $case: 'end', value: payload.value as SessionEnd },
              })),
            },
            bounds,
          ),
      },
      mode: {
        owner: 'session',
        events: [],
        send: (events) =>
          owners.recordModeEvents(
            { events: events.map(({ id, payload }) => ({ eventId: id, event: payload.value as ModeEvent })) },
            bounds,
          ),
      },
      engagement: {
        owner: 'reaction',
        events: [],
        send: (events) =>
          owners.recordEngagements(
            {
              events: events.map(({ id, payload, idAssigned }) => ({ eventId: id, event: payload.value as Engagement, idAssigned })),
            },
            bounds,
          ),
      },
      reaction: {
        owner: 'reaction',
        events: [],
        send: (events) =>
          owners.recordReactions(
            {
              events: events.map(({ id, payload, idAssigned }) => ({ eventId: id, event: payload.value as Reaction, idAssigned })),
            },
            bounds,
          ),
      },
    };
  }
}

function shareOf(payload: Payload): 'session' | 'mode' | 'engagement' | 'reaction' {
  return payload.$case === 'sessionStart' || payload.$case === 'sessionEnd' ? 'session' : payload.$case;
}

/** A mode event without a time takes its arrival time (see ModeEvent.ts), before its natural key is derived. */
function withArrivalTime(payload: Payload, arrivedAt: Micros, index: number): Payload {
  if (payload.$case !== 'mode' || payload.value.ts) return payload;
  return { $case: 'mode', value: { ...payload.value, ts: arrivalTime(arrivedAt, index) } };
}

/** Session events are keyed by their session and half; mode events by everything they say. */
function naturalKey(payload: Payload): string | undefined {
  switch (payload.$case) {
    case 'sessionStart':
      return `session_start/${payload.value.playerId}/${payload.value.sessionId.toLowerCase()}`;
    case 'sessionEnd':
      return `session_end/${payload.value.playerId}/${payload.value.sessionId.toLowerCase()}`;
    case 'mode': {
      const { userId, areaCode, mode, action, ts } = payload.value;
      return `mode/${userId}/${areaCode}/${mode}/${action}/${ts?.seconds}.${ts?.nanos}`;
    }
    default:
      return undefined;
  }
}

/** The owner names fields in its own message (`start.ts`, `event.user`); callers sent `session_start.ts`. */
function renamedField(result: EventResult, name: PayloadName): Pick<EventResult, 'field' | 'reason'> {
  if (!result.field) return { field: result.field, reason: result.reason };
  const field = result.field.replace(/^(start|end|event|kind)(?=\.|$)/, name);
  return { field, reason: result.reason.replace(result.field, field) };
}

/**
 * What a failed owner call means for its events: the owner refusing them (not supported, bad batch) is final; the
 * owner unreachable, slow or failing is not, and every owner's writes are idempotent, so a retry is safe.
 */
function ownerFailure(owner: string, error: ClientError): { retry: boolean; reason: string } {
  if (error.code === Status.UNIMPLEMENTED) {
    return { retry: false, reason: `this kind of event is not supported yet by the ${owner} service` };
  }
  if (error.code === Status.INVALID_ARGUMENT) return { retry: false, reason: error.details };
  return { retry: true, reason: `not stored: the ${owner} service failed (${Status[error.code] ?? 'UNKNOWN'}); retry the event` };
}

function count(results: EventResult[], outcome: EventOutcome): number {
  return results.filter((result) => result.outcome === outcome).length;
}
