import type { ServerResponse } from 'node:http';
import type { GenerationReads } from '../../shared/cache.js';
import type { Event } from '../../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { ModeAction, SessionServiceDefinition } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import type { Timestamp } from '../../../gen/ts-proto/google/protobuf/timestamp.js';
import { MAX_BATCH } from '../../shared/batch.js';
import { checkId, MAX_ID_LENGTH, MAX_MODE_LENGTH } from '../../shared/event-rules.js';
import { quoted } from '../../shared/quote.js';
import { eventTimeProblem } from '../../shared/retention.js';
import { fromEpochSeconds, fromTimestamp, systemClock, toMillis, toTimestamp, type Micros } from '../../shared/time.js';
import { callBackend, type UnaryBackend } from '../backend-call.js';
import type { EventIngest } from '../in-process-ingest.js';
import { BadRequest, describeHttpError } from '../http-errors.js';
import { MicroCache } from '../micro-cache.js';
import { ActiveRankings, type Popularity } from './active-rankings.js';
import { prepareErrorAnswer, queryOf, sendJson, type PlainRoute } from '../plain-routes.js';
import { readBody } from './request-body.js';

const MAX_MODES_LISTED = 100;
/**
 * Rankings over a window of hours are shared: refreshed in the background once 600 ms old, never served 900 ms after
 * their read began, so that an accepted event shows within a second.
 */
const WINDOW_MAX_AGE_MS = 900;
const WINDOW_REFRESH_MS = 600;
const WINDOWS_CACHED = 1000;
/** What `POST /generate_data/` sends, as the original did: area codes 101–119, Modes1–10, User1–10. */
const GENERATED_EVENTS = 100;

/**
 * The original LILA mode-popularity system's routes (each with or without its trailing slash), answered by the
 * ingest and session services. Its framework answered bad input with 422 `{"detail": …}`; so do these. Answers of
 * who is active now are kept while the session service's ranking generations (in Redis) say they are current.
 */
export function modeRoutes(
  channels: { ingest: EventIngest; session: UnaryBackend },
  generations: GenerationReads,
  maxBodyBytes: number,
  stopping: AbortSignal,
): PlainRoute[] {
  const windows = new MicroCache<Popularity>(WINDOW_MAX_AGE_MS, WINDOWS_CACHED, WINDOW_REFRESH_MS);
  const rankModes = async (game: string, areaCode: string, hours: number) => {
    const answer = await callBackend(
      channels.session,
      SessionServiceDefinition,
      SessionServiceDefinition.methods.listPopularModes,
      { areaCode, hours, limit: MAX_MODES_LISTED },
      { game },
    );
    return {
      modes: answer.modes.map((mode) => ({ count: mode.players, multiplayer_mode: mode.mode })),
      firstIdleMs: answer.firstIdleAt ? toMillis(fromTimestamp(answer.firstIdleAt)) : undefined,
    };
  };
  const active = new ActiveRankings((game, areaCode) => rankModes(game, areaCode, 0), generations, stopping);
  const record = async (events: Event[], signal: AbortSignal, game: string) => {
    const answer = await channels.ingest.ingestEvents({ events }, { signal, game });
    if (answer.accepted + answer.duplicates < events.length) {
      const unstored = answer.results.find((result) => result.reason);
      // Validated here first, so only a retryable failure is left: nothing of a retry is stored twice.
      throw new BadRequest(unstored?.reason ?? 'not stored: the session service did not answer; retry', answer.retryable > 0 ? 503 : 422);
    }
    return answer;
  };
  return [
    {
      method: 'POST',
      path: /^\/events\/?$/,
      handle: (request, response, _params, signal, game) =>
        answerInDetail(response, async () => {
          const events = parseModeEvents(await readBody(request, maxBodyBytes), systemClock());
          const answer = await record(events, signal, game);
          // Who is active where changed in these areas: their reads start now, and the caller's next /stats/ through
          // this gateway waits for them, so it shows its own change (an area a user moved out of, and other gateways,
          // catch up when the session service's generation of the area is renewed).
          const touched = new Set(events.flatMap((event) => (event.payload?.$case === 'mode' ? [event.payload.value.areaCode] : [])));
          for (const areaCode of touched) active.replace(game, areaCode);
          return { status: true, accepted: answer.accepted, duplicates: answer.duplicates };
        }),
    },
    {
      method: 'GET',
      path: /^\/stats\/?$/,
      handle: (request, response, _params, _signal, game) =>
        answerInDetail(response, async () => {
          const query = queryOf(request);
          const areaCode = parseAreaCode(query.get('area_code'), 'area_code');
          const hours = query.has('hours') ? parseHours(query.get('hours')!) : 0;
          const modes = hours
            ? await windows.get(JSON.stringify([game, areaCode, hours]), async () => (await rankModes(game, areaCode, hours)).modes)
            : await active.get(game, areaCode);
          return modes.length ? { [areaCode]: modes } : {};
        }),
    },
    {
      method: 'POST',
      path: /^\/generate_data\/?$/,
      handle: (_request, response, _params, signal, game) =>
        answerInDetail(response, async () => {
          const answer = await record(generatedEvents(GENERATED_EVENTS), signal, game);
          return { cnt_records_generated: answer.accepted + answer.duplicates };
        }),
    },
  ];
}

/**
 * The items of a `POST /events/` body as ingest events, all of them valid, or a 422 naming the first bad one:
 * nothing of a request with a bad item is stored.
 */
export function parseModeEvents(body: string, now: Micros): Event[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new BadRequest('body: must be JSON such as {"items": [{"area_code": "111", …}]}', 422);
  }
  const items = (parsed as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) throw new BadRequest('items: is required, a list of events', 422);
  if (items.length < 1 || items.length > MAX_BATCH) {
    throw new BadRequest(`items: must hold 1 to ${MAX_BATCH} events, got ${items.length}`, 422);
  }
  return items.map((item, index) => parseItem(item, `items[${index}]`, now));
}

function parseItem(item: unknown, path: string, now: Micros): Event {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new BadRequest(`${path}: must be an object`, 422);
  const raw = item as Record<string, unknown>;
  const areaCode = parseAreaCode(raw.area_code, `${path}.area_code`);
  const mode = requiredText(raw.multiplayer_mode, `${path}.multiplayer_mode`, MAX_MODE_LENGTH);
  const userId = requiredText(raw.user_id, `${path}.user_id`, MAX_ID_LENGTH);
  const name = typeof raw.events_name === 'string' ? raw.events_name.toUpperCase() : undefined;
  if (name !== 'LOGIN' && name !== 'LOGOUT') throw new BadRequest(`${path}.events_name: must be LOGIN or LOGOUT`, 422);
  const ts =
    raw.epoch_timestamp === undefined || raw.epoch_timestamp === null
      ? undefined
      : epochTime(raw.epoch_timestamp, `${path}.epoch_timestamp`, now);
  const action = name === 'LOGIN' ? ModeAction.MODE_ACTION_LOGIN : ModeAction.MODE_ACTION_LOGOUT;
  return { eventId: '', payload: { $case: 'mode', value: { userId, areaCode, mode, action, ts } } };
}

/** An area code as the original took it: an integer from 100 to 999, as a number or a string. */
function parseAreaCode(value: unknown, field: string): string {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{3}$/.test(text) || Number(text) < 100) {
    throw new BadRequest(`${field}: must be an integer from 100 to 999, got ${quoted(value ?? null)}`, 422);
  }
  return text;
}

function parseHours(text: string): number {
  if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > 8760) {
    throw new BadRequest(`hours: must be a whole number from 1 to 8760, got ${quoted(text)}`, 422);
  }
  return Number(text);
}

function requiredText(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw new BadRequest(`${field}: must be a string of 1 to ${max} characters`, 422);
  const problem = checkId(field, value, max);
  if (problem) throw new BadRequest(`${field}: ${problem.rule}`, 422);
  return value;
}

/** Seconds since the epoch (fractions allowed) as a Timestamp, within the retention bounds. */
function epochTime(value: unknown, field: string, now: Micros): Timestamp {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new BadRequest(`${field}: must be seconds since the epoch`, 422);
  const time = fromEpochSeconds(value);
  const problem = eventTimeProblem(time, now);
  if (problem) throw new BadRequest(`${field}: ${problem}`, 422);
  return toTimestamp(time);
}

function generatedEvents(count: number): Event[] {
  const pick = (prefix: string, from: number, to: number) => `${prefix}${from + Math.floor(Math.random() * (to - from + 1))}`;
  return Array.from({ length: count }, () => ({
    eventId: '',
    payload: {
      $case: 'mode' as const,
      value: {
        userId: pick('User', 1, 10),
        areaCode: pick('', 101, 119),
        mode: pick('Modes', 1, 10),
        action: Math.random() < 0.5 ? ModeAction.MODE_ACTION_LOGIN : ModeAction.MODE_ACTION_LOGOUT,
        ts: undefined,
      },
    },
  }));
}

/** Runs a route and answers JSON: 200 with its result, or the error's status with `{"detail": reason}`. */
async function answerInDetail(response: ServerResponse, produce: () => Promise<unknown>): Promise<void> {
  try {
    sendJson(response, 200, await produce());
  } catch (error) {
    const described = describeHttpError(error);
    if (!described) throw error;
    // The original answered every input problem with 422.
    const status = described.status === 400 ? 422 : described.status;
    sendJson(response, status, { detail: described.reason }, prepareErrorAnswer({ ...described, status }, response));
  }
}
