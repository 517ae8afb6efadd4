import type { ServerResponse } from 'node:http';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { EventOutcome } from '../../../gen/es/gamepulse/common/v1/event_result_pb.js';
import { IngestService } from '../../../gen/es/gamepulse/ingest/v1/ingest_pb.js';
import { SessionService } from '../../../gen/es/gamepulse/session/v1/session_pb.js';
import { MAX_BATCH } from '../../shared/batch.js';
import { formatIsoMicros } from '../../shared/time.js';
import type { BackendChannel } from '../backend-channel.js';
import { callBackend } from '../backend-call.js';
import { queryOf, sendJson, type PlainRoute } from '../plain-routes.js';
import { describeHttpError } from './http-errors.js';
import { BadRequest, parseEventsBody, readBody } from './request-body.js';
import { convertSessionEvent } from './session-events.js';

/** The original session system allowed arrays of up to 10 events per request. */
const MAX_ARRAY_EVENTS = 10;
const outcomeNames: Record<number, string> = {
  [EventOutcome.ACCEPTED]: 'accepted',
  [EventOutcome.DUPLICATE]: 'duplicate',
  [EventOutcome.REJECTED]: 'rejected',
};

interface EventAnswer {
  index: number;
  event_id: string;
  status: string;
  reason?: string;
}

/** The original player-session system's HTTP routes, answered by the ingest and session services. */
export function sessionRoutes(channels: { ingest: BackendChannel; session: BackendChannel }): PlainRoute[] {
  return [
    {
      method: 'POST',
      path: /^\/event-handler$/,
      handle: (request, response) =>
        answer(response, async () => {
          const values = parseEventsBody(await readBody(request), MAX_ARRAY_EVENTS, MAX_BATCH);
          const converted = values.map(convertSessionEvent);
          const forwarded = converted.flatMap((c, index) => ('event' in c ? [{ index, event: c.event }] : []));
          const answerOfIngest = forwarded.length
            ? await callBackend(channels.ingest, IngestService.method.ingestEvents, {
                events: forwarded.map((f) => f.event),
              })
            : { results: [] };
          const results: Array<EventAnswer | undefined> = converted.map((c, index) =>
            'problem' in c
              ? { index, event_id: c.eventId, status: 'rejected', reason: `${c.problem.field}: ${c.problem.rule}` }
              : undefined,
          );
          answerOfIngest.results.forEach((result, k) => {
            const index = forwarded[k]!.index;
            results[index] = {
              index,
              event_id: result.eventId,
              status: outcomeNames[result.outcome] ?? 'rejected',
              ...(result.reason ? { reason: result.reason } : {}),
            };
          });
          const tally = (status: string) => results.filter((r) => r?.status === status).length;
          return {
            results,
            accepted: tally('accepted'),
            duplicates: tally('duplicate'),
            rejected: tally('rejected'),
          };
        }),
    },
    {
      method: 'GET',
      path: /^\/by-country\/(?<country>[^/]+)\/(?<hours>[^/]+)$/,
      handle: (request, response, params) =>
        answer(response, async () => {
          const query = queryOf(request);
          const hours = wholeNumber('hours', params.hours!);
          const limit = query.has('limit') ? wholeNumber('limit', query.get('limit')!) : 1000;
          const page = await callBackend(channels.session, SessionService.method.listSessionStarts, {
            country: params.country!,
            hours,
            pageSize: limit,
            pageToken: query.get('page_token') ?? '',
          });
          return {
            country: params.country!.toUpperCase(),
            hours,
            starts: page.starts.map((start) => ({
              session_id: start.sessionId,
              player_id: start.playerId,
              ts: iso(start.ts),
            })),
            next_page_token: page.nextPageToken,
          };
        }),
    },
    {
      method: 'GET',
      path: /^\/by-player\/(?<player>[^/]+)$/,
      handle: (_request, response, params) =>
        answer(response, async () => {
          const { sessions } = await callBackend(channels.session, SessionService.method.listCompletedSessions, {
            playerId: params.player!,
            limit: 20,
          });
          return {
            player_id: params.player!,
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

/** Runs a route and answers JSON: 200 with its result, or the error's status with `{"error": reason}`. */
async function answer(response: ServerResponse, produce: () => Promise<unknown>): Promise<void> {
  try {
    sendJson(response, 200, await produce());
  } catch (error) {
    const described = describeHttpError(error);
    if (!described) throw error;
    sendJson(response, described.status, { error: described.reason });
  }
}

function wholeNumber(field: string, text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new BadRequest(`${field}: must be a whole number, got "${text}"`);
  return Number(text);
}

function iso(ts: Timestamp | undefined): string {
  return ts ? formatIsoMicros(Number(ts.seconds) * 1_000_000 + Math.floor(ts.nanos / 1000)) : '';
}
