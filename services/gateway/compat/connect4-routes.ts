import type { IncomingMessage, ServerResponse } from 'node:http';
import { GamesServiceDefinition, PlayerOutcome } from '../../../gen/ts-proto/gamepulse/games/v1/games.js';
import { csvLines, CsvHeaderError } from '../../games/csv-lines.js';
import { readGamesCsv } from '../../games/game-csv.js';
import { readPlayersCsv, readUserApiPlayers, type ReadPlayer } from '../../games/player-formats.js';
import { uploadGames, uploadPlayers, type ItemOutcome, type UploadTally } from '../../games/upload.js';
import { quoted } from '../../shared/quote.js';
import { callBackend, type UnaryBackend } from '../backend-call.js';
import { BadRequest } from '../http-errors.js';
import { MicroCache } from '../micro-cache.js';
import { queryOf, sendJson, sendJsonText, type PlainRoute } from '../plain-routes.js';
import { mediaTypeOf, readBody } from './request-body.js';

/** A CSV upload streams through in constant memory; past this many bytes it is refused (413). */
export const MAX_IMPORT_BYTES = 4 * 1024 ** 3;
/** A JSON players body is parsed whole, so it is capped lower. */
export const MAX_PLAYERS_JSON_BYTES = 64 * 1024 ** 2;
/** One import call may wait for an earlier, interrupted import of the same games to be finished (30 s at most). */
const IMPORT_CALL_DEADLINE_MS = 60_000;
/**
 * Answers (the two aggregates, pages of the single-game list) are shared for up to 900 ms, refreshed in the
 * background after 600 ms; an import through this gateway drops them all, so its caller reads its own import.
 */
const ANSWER_MAX_AGE_MS = 900;
const ANSWER_REFRESH_MS = 600;
const ANSWERS_CACHED = 1000;
const CSV_PAGE = 1000;

const outcomeNames: Record<number, string> = {
  [PlayerOutcome.PLAYER_OUTCOME_WON]: 'win',
  [PlayerOutcome.PLAYER_OUTCOME_LOST]: 'lose',
  [PlayerOutcome.PLAYER_OUTCOME_DRAW]: 'draw',
};
const outcomeOfName: Record<string, PlayerOutcome> = {
  win: PlayerOutcome.PLAYER_OUTCOME_WON,
  lose: PlayerOutcome.PLAYER_OUTCOME_LOST,
  draw: PlayerOutcome.PLAYER_OUTCOME_DRAW,
};

/**
 * The Connect-4 analytics routes: imports of the original 98point6 files (games CSV, players as CSV or user-API
 * JSON) and its three questions, answered by the games service.
 */
export function connect4Routes(channels: { games: UnaryBackend }): PlainRoute[] {
  const answers = new MicroCache<string>(ANSWER_MAX_AGE_MS, ANSWERS_CACHED, ANSWER_REFRESH_MS);
  const outcomesOf = (results: Array<{ stored: boolean; duplicate: boolean; reason: string; moveNumber: number }>): ItemOutcome[] =>
    results.map(({ stored, duplicate, reason, moveNumber }) => ({ stored, duplicate, reason, moveNumber }));
  const imported = () => answers.clear();
  return [
    {
      method: 'POST',
      path: /^\/connect4\/games\/?$/,
      streamsBody: true,
      async handle(request, response, _params, signal, game) {
        const importCall = { timeoutMs: IMPORT_CALL_DEADLINE_MS, signal, game };
        requireType(request, ['text/csv', 'application/csv']);
        const tally = await readingCsv(() =>
          uploadGames(readGamesCsv(csvLines(capped(request, MAX_IMPORT_BYTES))), async (games) =>
            outcomesOf(
              (await callBackend(channels.games, GamesServiceDefinition, GamesServiceDefinition.methods.importGames, { games }, importCall))
                .results,
            ),
          ),
        ).finally(imported);
        sendJson(response, 200, tallyAnswer('games', 'game_id', tally));
      },
    },
    {
      method: 'POST',
      path: /^\/connect4\/players\/?$/,
      streamsBody: true,
      async handle(request, response, _params, signal, game) {
        const importCall = { timeoutMs: IMPORT_CALL_DEADLINE_MS, signal, game };
        const type = requireType(request, ['text/csv', 'application/csv', 'application/json']);
        const tally = await readingCsv(async () => {
          const players: AsyncIterable<ReadPlayer> | Iterable<ReadPlayer> =
            type === 'application/json'
              ? userApiPlayers(await readBody(request, MAX_PLAYERS_JSON_BYTES))
              : readPlayersCsv(csvLines(capped(request, MAX_IMPORT_BYTES)));
          return uploadPlayers(players, async (batch) =>
            outcomesOf(
              (
                await callBackend(
                  channels.games,
                  GamesServiceDefinition,
                  GamesServiceDefinition.methods.importPlayers,
                  { players: batch },
                  importCall,
                )
              ).results,
            ),
          );
        }).finally(imported);
        sendJson(response, 200, tallyAnswer('players', 'player_id', tally));
      },
    },
    {
      method: 'GET',
      path: /^\/connect4\/first-move-columns\/?$/,
      async handle(_request, response, _params, _signal, game) {
        sendJsonText(
          response,
          200,
          await answers.get(`${game}/first-move`, async () => {
            const answer = await callBackend(
              channels.games,
              GamesServiceDefinition,
              GamesServiceDefinition.methods.getFirstMoveStats,
              {},
              { game },
            );
            return JSON.stringify({
              columns: answer.columns.map((column) => ({
                column: column.column,
                games: column.games,
                first_player_wins: column.firstPlayerWins,
                first_player_losses: column.firstPlayerLosses,
                draws: column.draws,
                win_rate: column.winRate,
                percentile_rank: column.percentileRank,
              })),
              best_column: answer.bestColumn,
            });
          }),
        );
      },
    },
    {
      method: 'GET',
      path: /^\/connect4\/games-by-nationality\/?$/,
      async handle(_request, response, _params, _signal, game) {
        sendJsonText(
          response,
          200,
          await answers.get(`${game}/nationality`, async () => {
            const answer = await callBackend(
              channels.games,
              GamesServiceDefinition,
              GamesServiceDefinition.methods.countGamesByNationality,
              {},
              { game },
            );
            return JSON.stringify({
              nationalities: answer.nationalities.map((entry) => ({
                nationality: entry.nationality,
                games: entry.games,
                appearances: entry.appearances,
              })),
            });
          }),
        );
      },
    },
    {
      method: 'GET',
      path: /^\/connect4\/single-game-players\/?$/,
      async handle(request, response, _params, signal, game) {
        const query = queryOf(request);
        const outcome = parseOutcome(query.get('outcome'));
        const format = query.get('format') ?? 'json';
        if (format !== 'json' && format !== 'csv') throw new BadRequest(`format: must be json or csv, got ${quoted(format)}`);
        if (format === 'csv') return streamSingleGameCsv(channels.games, outcome, response, { signal, game });
        const pageSize = query.has('page_size') ? parsePageSize(query.get('page_size')!) : 0;
        const pageToken = query.get('page_token') ?? '';
        const answer = await answers.get(`${game}/single/${pageSize}/${outcome}/${pageToken}`, async () => {
          const page = await callBackend(
            channels.games,
            GamesServiceDefinition,
            GamesServiceDefinition.methods.listSingleGamePlayers,
            { pageSize, pageToken, outcome },
            { game },
          );
          return JSON.stringify({
            players: page.players.map((entry) => ({
              player_id: entry.player?.playerId ?? '',
              name: entry.player?.name ?? '',
              email: entry.player?.email ?? '',
              nationality: entry.player?.nationality ?? '',
              game_id: entry.gameId,
              outcome: outcomeNames[entry.outcome] ?? '',
            })),
            next_page_token: page.nextPageToken,
          });
        });
        sendJsonText(response, 200, answer);
      },
    },
  ];
}

/** The whole list as CSV for the mailing tool, page by page as the service gives it. */
async function streamSingleGameCsv(
  games: UnaryBackend,
  outcome: PlayerOutcome,
  response: ServerResponse,
  call: { signal: AbortSignal; game: string },
): Promise<void> {
  let pageToken = '';
  let started = false;
  do {
    const page = await callBackend(
      games,
      GamesServiceDefinition,
      GamesServiceDefinition.methods.listSingleGamePlayers,
      { pageSize: CSV_PAGE, pageToken, outcome },
      call,
    );
    if (!started) {
      response.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="single-game-players.csv"',
      });
      response.write('player_id,email,name,nationality,outcome,game_id\n');
      started = true;
    }
    const rows = page.players.map((entry) =>
      [
        entry.player?.playerId,
        entry.player?.email,
        entry.player?.name,
        entry.player?.nationality,
        outcomeNames[entry.outcome],
        entry.gameId,
      ]
        .map(csvField)
        .join(','),
    );
    if (rows.length > 0 && !response.write(`${rows.join('\n')}\n`)) await new Promise((resolve) => response.once('drain', resolve));
    pageToken = page.nextPageToken;
  } while (pageToken);
  response.end();
}

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
function csvField(value: string | undefined): string {
  const text = value ?? '';
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function tallyAnswer(kind: 'games' | 'players', idName: string, tally: UploadTally) {
  return {
    [kind]: { stored: tally.stored, duplicate: tally.duplicate, rejected: tally.rejected },
    rejections: tally.rejections.map((rejection) => ({ [idName]: rejection.id, line: rejection.line, reason: rejection.reason })),
  };
}

/** The request's media type, which must be one of `allowed` (415 otherwise). */
function requireType(request: IncomingMessage, allowed: string[]): string {
  const type = mediaTypeOf(request);
  if (!allowed.includes(type)) throw new BadRequest(`content-type: must be ${allowed.join(' or ')}, got ${quoted(type)}`, 415);
  return type;
}

/** A header problem of a CSV body is the caller's: 400, before anything is stored. */
async function readingCsv<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof CsvHeaderError) throw new BadRequest(error.message);
    if (error instanceof TypeError && error.message.startsWith('body:')) throw new BadRequest(error.message);
    throw error;
  }
}

function userApiPlayers(body: string): ReadPlayer[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new BadRequest('body: must be a JSON array of user-API elements ({"id": …, "data": {…}})');
  }
  return readUserApiPlayers(parsed);
}

/** The body's chunks, refused with a 413 once more than `maxBytes` have come. */
async function* capped(request: IncomingMessage, maxBytes: number): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BadRequest(`body: larger than ${maxBytes} bytes`, 413);
    yield chunk;
  }
}

function parseOutcome(value: string | null): PlayerOutcome {
  if (value === null || value === '') return PlayerOutcome.PLAYER_OUTCOME_UNSPECIFIED;
  const outcome = outcomeOfName[value.toLowerCase()];
  if (outcome === undefined) throw new BadRequest(`outcome: must be win, lose or draw, got ${quoted(value)}`);
  return outcome;
}

function parsePageSize(text: string): number {
  if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > 1000) {
    throw new BadRequest(`page_size: must be a whole number from 1 to 1000, got ${quoted(text)}`);
  }
  return Number(text);
}
