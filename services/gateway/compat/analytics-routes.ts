import type { ServerResponse } from 'node:http';
import { Code, ConnectError } from '@connectrpc/connect';
import { EventOutcome } from '../../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import { EngagementKind, ReactionServiceDefinition } from '../../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { callBackend, type UnaryBackend } from '../backend-call.js';
import type { EventIngest } from '../in-process-ingest.js';
import { BadRequest, describeHttpError } from '../http-errors.js';
import { prepareErrorAnswer, queryOf, sendText, type PlainRoute } from '../plain-routes.js';
import { quoted } from '../../shared/quote.js';
import { fromMillis, hourOf, toTimestamp, type Micros } from '../../shared/time.js';
import { MicroCache } from '../micro-cache.js';

/**
 * An hour's answer is served from memory at most `maxAgeMs` after its load began; past `refreshMs` it is still served
 * while one load in the background replaces it, so steady traffic never waits.
 */
const ANSWER_AGES = { maxAgeMs: 200, refreshMs: 100 };
const HOURS_CACHED = 10_000;

type KindName = 'click' | 'impression';
const kinds: Record<KindName, EngagementKind> = {
  click: EngagementKind.ENGAGEMENT_KIND_CLICK,
  impression: EngagementKind.ENGAGEMENT_KIND_IMPRESSION,
};

/**
 * The original engagement system's routes, exactly: POST a click or an impression (204, empty body), GET an hour's
 * counts as `unique_users,n\nclicks,n\nimpressions,n\n`, each within the caller's game. Bad input is a 400 with a one-line reason and stores nothing.
 */
export function analyticsRoutes(channels: { ingest: EventIngest; reaction: UnaryBackend }, answerAges = ANSWER_AGES): PlainRoute[] {
  // Nearly every GET asks for the current hour: answering those from memory for 200 ms keeps the gateway from
  // crossing to the reaction service thousands of times a second, and refreshing them after 100 ms in the background
  // keeps every GET of a busy hour from waiting on that crossing. With the service's own cache (700 ms for the open
  // hour) an accepted event still shows within a second.
  const hourBodies = new MicroCache<string>(answerAges.maxAgeMs, HOURS_CACHED, answerAges.refreshMs);
  const record = async (
    response: ServerResponse,
    call: { signal: AbortSignal; game: string },
    { timestamp, user, kind, eventId }: { timestamp: string; user: string; kind: KindName; eventId: string },
  ) => {
    const time = timeOf(timestamp);
    if (!user) throw new BadRequest('user: is required');
    const { results } = await channels.ingest.ingestEvents(
      { events: [{ eventId, payload: { $case: 'engagement', value: { user, kind: kinds[kind], ts: toTimestamp(time) } } }] },
      call,
    );
    const result = results[0];
    if (result?.outcome === EventOutcome.EVENT_OUTCOME_REJECTED) throw new BadRequest(result.reason);
    if (result?.outcome === EventOutcome.EVENT_OUTCOME_RETRYABLE) throw new ConnectError(result.reason, Code.Unavailable);
    response.writeHead(204).end();
  };

  return [
    {
      method: 'POST',
      path: /^\/analytics$/,
      handle: (request, response, _params, signal, game) =>
        answer(response, async () => {
          const query = queryOf(request);
          await record(
            response,
            { signal, game },
            {
              timestamp: query.get('timestamp') ?? '',
              user: query.get('user') ?? '',
              kind: kindOf(query),
              eventId: query.get('event_id') ?? '',
            },
          );
        }),
    },
    {
      method: 'POST',
      path: /^\/analytics\/(?<timestamp>[^/]+)\/(?<user>[^/]+)\/(?<kind>[^/]+)$/,
      handle: (request, response, params, signal, game) =>
        answer(response, async () => {
          const kind = params.kind;
          if (kind !== 'click' && kind !== 'impression') {
            throw new BadRequest(`event: must be click or impression, got ${quoted(kind)}`);
          }
          await record(
            response,
            { signal, game },
            {
              timestamp: params.timestamp,
              user: params.user,
              kind,
              eventId: queryOf(request).get('event_id') ?? '',
            },
          );
        }),
    },
    {
      method: 'GET',
      path: /^\/analytics$/,
      handle: (request, response, _params, _signal, game) =>
        answer(response, async () => {
          const hour = hourOf(timeOf(queryOf(request).get('timestamp') ?? ''));
          const body = await hourBodies.get(`${game}:${hour}`, async () => {
            const counts = await callBackend(
              channels.reaction,
              ReactionServiceDefinition,
              ReactionServiceDefinition.methods.getHourlyEngagement,
              { timestamp: toTimestamp(hour) },
              { game },
            );
            return `unique_users,${counts.uniqueUsers}\nclicks,${counts.clicks}\nimpressions,${counts.impressions}\n`;
          });
          sendText(response, 200, body);
        }),
    },
  ];
}

/** The event kind of a POST: a bare `click` or `impression` flag, or `event=click|impression`; exactly one. */
function kindOf(query: URLSearchParams): KindName {
  const flags = (['click', 'impression'] as const).filter((flag) => query.has(flag));
  const event = query.get('event');
  if (flags.length === 2) throw new BadRequest('event: send either click or impression, not both');
  if (event !== null && event !== 'click' && event !== 'impression') {
    throw new BadRequest(`event: must be click or impression, got ${quoted(event)}`);
  }
  if (event !== null && flags.length === 1 && flags[0] !== event) {
    throw new BadRequest(`event: the ${flags[0]} flag contradicts event=${event}`);
  }
  const kind = event ?? flags[0];
  if (!kind) throw new BadRequest('event: missing; add &click, &impression or &event=click|impression');
  return kind;
}

/** The original API's timestamp: milliseconds since the epoch. */
function timeOf(text: string): Micros {
  if (text === '') throw new BadRequest('timestamp: is required (milliseconds since the epoch)');
  if (!/^\d{1,15}$/.test(text)) throw new BadRequest(`timestamp: must be milliseconds since the epoch, got ${quoted(text)}`);
  return fromMillis(Number(text));
}

/** Runs a route; errors become their status with a one-line text/plain reason. */
async function answer(response: ServerResponse, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const described = describeHttpError(error);
    if (!described) throw error;
    sendText(response, described.status, `${described.reason}\n`, prepareErrorAnswer(described, response));
  }
}
