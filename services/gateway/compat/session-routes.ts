import type { ServerResponse } from 'node:http';
import { EventOutcome } from '../../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import { SessionServiceDefinition } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import type { Timestamp } from '../../../gen/ts-proto/google/protobuf/timestamp.js';
import { MAX_BATCH } from '../../shared/batch.js';
import { formatIso, fromTimestamp } from '../../shared/time.js';
import { quoted } from '../../shared/quote.js';
import { callBackend, type UnaryBackend } from '../backend-call.js';
import { MicroCache } from '../micro-cache.js';
import type { EventIngest } from '../in-process-ingest.js';
import { BadRequest, describeHttpError, RETRY_AFTER_SECONDS } from '../http-errors.js';
import { prepareErrorAnswer, queryOf, sendJson, type PlainRoute } from '../plain-routes.js';
import { parseEventsBody, readBody } from './request-body.js';
import { convertSessionEvent } from './session-events.js';

const FIRST_PAGE_MAX_AGE_MS = 500;
const FIRST_PAGE_REFRESH_MS = 250;
const FIRST_PAGES_CACHED = 5000;

/** The original session system allowed arrays of up to 10 events per request. */
const MAX_ARRAY_EVENTS = 10;
const outcomeNames: Record<number, string> = {
  [EventOutcome.EVENT_OUTCOME_ACCEPTED]: 'accepted',
  [EventOutcome.EVENT_OUTCOME_DUPLICATE]: 'duplicate',
  [EventOutcome.EVENT_OUTCOME_REJECTED]: 'rejected',
  [EventOutcome.EVENT_OUTCOME_RETRYABLE]: 'retry',
};

interface EventAnswer {
  index: number;
  event_id: string;
  status: string;
  reason?: string;
}

/** The original player-session system's HTTP routes, answered by the ingest and session services. */
export function sessionRoutes(channels: { ingest: EventIngest; session: UnaryBackend }, maxBodyBytes: number): PlainRoute[] {
  // A country's first page is asked for over and over (a dashboard, the original's clients): held for at most 500 ms and
  // replaced in the background from 250 ms on, so an accepted start still shows within a second and no caller waits on
  // the refresh. The original systems held this answer 50 seconds.
  const firstPages = new MicroCache<unknown>(FIRST_PAGE_MAX_AGE_MS, FIRST_PAGES_CACHED, FIRST_PAGE_REFRESH_MS);
  return [
    {
      method: 'POST',
      path: /^\/event-handler$/,
      handle: (request, response, _params, signal, game) =>
        answer(response, async () => {
          const values = parseEventsBody(await readBody(request, maxBodyBytes), MAX_ARRAY_EVENTS, MAX_BATCH);
          const converted = values.map(convertSessionEvent);
          const forwarded = converted.flatMap((c, index) => ('event' in c ? [{ index, event: c.event }] : []));
          const answerOfIngest = forwarded.length
            ? await channels.ingest.ingestEvents({ events: forwarded.map((f) => f.event) }, { signal, game })
            : { results: [] };
          const results: Array<EventAnswer | undefined> = converted.map((c, index) =>
            'problem' in c
              ? { index, event_id: c.eventId, status: 'rejected', reason: `${c.problem.field}: ${c.problem.rule}` }
              : undefined,
          );
          answerOfIngest.results.forEach((result, k) => {
            const index = forwarded[k].index;
            results[index] = {
              index,
              event_id: result.eventId,
              status: outcomeNames[result.outcome] ?? 'rejected',
              ...(result.reason ? { reason: result.reason } : {}),
            };
          });
          const tally = (status: string) => results.filter((r) => r?.status === status).length;
          const body = {
            results,
            accepted: tally('accepted'),
            duplicates: tally('duplicate'),
            rejected: tally('rejected'),
            retry: tally('retry'),
          };
          // Nothing stored, and some of it can be: the whole request is worth retrying, and says so.
          if (body.accepted + body.duplicates === 0 && body.retry > 0) return new RetryLater(body);
          return body;
        }),
    },
    {
      method: 'GET',
      path: /^\/by-country\/(?<country>[^/]+)\/(?<hours>[^/]+)$/,
      handle: (request, response, params, signal, game) =>
        answer(response, async () => {
          const query = queryOf(request);
          const hours = wholeNumber('hours', params.hours);
          const limit = query.has('limit') ? wholeNumber('limit', query.get('limit')!) : 1000;
          const pageToken = query.get('page_token') ?? '';
          const read = async (signal?: AbortSignal) => {
            const page = await callBackend(
              channels.session,
              SessionServiceDefinition,
              SessionServiceDefinition.methods.listSessionStarts,
              { country: params.country, hours, pageSize: limit, pageToken },
              { signal, game },
            );
            return {
              country: params.country.toUpperCase(),
              hours,
              starts: page.starts.map((start) => ({
                session_id: start.sessionId,
                player_id: start.playerId,
                ts: iso(start.ts),
              })),
              next_page_token: page.nextPageToken,
            };
          };
          // Later pages continue a window fixed by their token; first pages are shared (the read is then no one caller's).
          if (pageToken) return read(signal);
          return firstPages.get(`${game}/${params.country.toUpperCase()}/${hours}/${limit}`, () => read());
        }),
    },
    {
      method: 'GET',
      path: /^\/by-player\/(?<player>[^/]+)$/,
      handle: (_request, response, params, signal, game) =>
        answer(response, async () => {
          const { sessions } = await callBackend(
            channels.session,
            SessionServiceDefinition,
            SessionServiceDefinition.methods.listCompletedSessions,
            { playerId: params.player, limit: 20 },
            { signal, game },
          );
          return {
            player_id: params.player,
            sessions: sessions.map((session) => ({
              session_id: session.sessionId,
              country: session.country,
              start: iso(session.start),
              end: iso(session.end),
              duration_seconds: Number(session.durationMs) / 1000,
            })),
          };
        }),
    },
  ];
}

/** An answer of 503 with Retry-After and a body: nothing of the request was stored, and a retry can store it. */
class RetryLater {
  constructor(readonly body: unknown) {}
}

/**
 * Runs a route and answers JSON: 200 with its result, 503 for a RetryLater, or the error's status with
 * `{"error": reason}`.
 */
async function answer(response: ServerResponse, produce: () => Promise<unknown>): Promise<void> {
  try {
    const result = await produce();
    if (result instanceof RetryLater) {
      sendJson(response, 503, result.body, { 'retry-after': String(RETRY_AFTER_SECONDS) });
    } else sendJson(response, 200, result);
  } catch (error) {
    const described = describeHttpError(error);
    if (!described) throw error;
    sendJson(response, described.status, { error: described.reason }, prepareErrorAnswer(described, response));
  }
}

function wholeNumber(field: string, text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new BadRequest(`${field}: must be a whole number, got ${quoted(text)}`);
  return Number(text);
}

function iso(ts: Timestamp | undefined): string {
  return ts ? formatIso(fromTimestamp(ts)) : '';
}
