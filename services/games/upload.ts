import { ConnectError } from '@connectrpc/connect';
import { ClientError, Status } from 'nice-grpc';
import { GameResult } from '../../gen/ts-proto/gamepulse/games/v1/games.js';
import type { CsvGame } from './game-csv.js';
import type { PlayerFields, ReadPlayer } from './player-formats.js';

/**
 * Streams an upload into the games service in batches: the one write path of the HTTP routes and the CLI. Items the
 * reader already refused are tallied here; the rest are judged by the service.
 */

/** Items per ImportGames / ImportPlayers call, and calls in flight at once. */
export const UPLOAD_BATCH = 500;
export const UPLOAD_CALLS_IN_FLIGHT = 2;
/**
 * A batch the service could not take now (unavailable, out of time) is sent again, after 0.5, 1, 2, 4 s: imports are
 * idempotent, so a batch whose answer was lost changes nothing the second time.
 */
export const UPLOAD_ATTEMPTS = 5;
const FIRST_RETRY_MS = 500;
/** An answer lists this many rejections; the counts cover them all. */
export const MAX_REJECTIONS_LISTED = 100;

/** What the service answers per item (the ImportResult message's fields). */
export interface ItemOutcome {
  stored: boolean;
  duplicate: boolean;
  reason: string;
  moveNumber: number;
}

export interface Rejection {
  id: string;
  line: number;
  reason: string;
}

export interface UploadTally {
  stored: number;
  duplicate: number;
  rejected: number;
  /** The first MAX_REJECTIONS_LISTED, in the order of the upload. */
  rejections: Rejection[];
}

/** A game as the ImportGames request carries it. */
export interface GameMessage {
  gameId: string;
  moves: Array<{ playerId: string; moveNumber: number; column: number }>;
  result: GameResult;
}

export interface UploadOptions {
  /** Called after each batch is answered, with the tally so far. */
  onProgress?: (tally: UploadTally) => void;
}

export function uploadGames(
  games: AsyncIterable<CsvGame>,
  send: (batch: GameMessage[]) => Promise<ItemOutcome[]>,
  options: UploadOptions = {},
): Promise<UploadTally> {
  return upload(
    games,
    (game) => (game.problem ? { id: game.gameId, line: game.problem.line, reason: game.problem.rule } : undefined),
    (game) => ({
      gameId: game.gameId,
      moves: game.moves.map(({ playerId, moveNumber, column }) => ({ playerId, moveNumber, column })),
      result:
        game.result === 'win'
          ? GameResult.GAME_RESULT_WIN
          : game.result === 'draw'
            ? GameResult.GAME_RESULT_DRAW
            : GameResult.GAME_RESULT_UNSPECIFIED,
    }),
    (game, outcome) => game.moves.find((move) => move.moveNumber === outcome.moveNumber)?.line ?? game.line,
    (game) => game.gameId,
    send,
    options,
  );
}

export function uploadPlayers(
  players: AsyncIterable<ReadPlayer> | Iterable<ReadPlayer>,
  send: (batch: PlayerFields[]) => Promise<ItemOutcome[]>,
  options: UploadOptions = {},
): Promise<UploadTally> {
  return upload(
    players,
    (item) => (item.problem ? { id: item.player.playerId, line: item.line, reason: item.problem } : undefined),
    (item) => item.player,
    (item) => item.line,
    (item) => item.player.playerId,
    send,
    options,
  );
}

async function upload<Item, Message>(
  items: AsyncIterable<Item> | Iterable<Item>,
  refusal: (item: Item) => Rejection | undefined,
  toMessage: (item: Item) => Message,
  lineOf: (item: Item, outcome: ItemOutcome) => number,
  idOf: (item: Item) => string,
  send: (batch: Message[]) => Promise<ItemOutcome[]>,
  options: UploadOptions,
): Promise<UploadTally> {
  const tally: UploadTally = { stored: 0, duplicate: 0, rejected: 0, rejections: [] };
  const reject = (rejection: Rejection) => {
    tally.rejected++;
    if (tally.rejections.length < MAX_REJECTIONS_LISTED) tally.rejections.push(rejection);
  };
  // Answers are tallied in upload order, so that the rejections listed are the first ones.
  const inFlight: Array<Promise<() => void>> = [];
  const settleOldest = async () => {
    (await inFlight.shift()!)();
    options.onProgress?.(tally);
  };
  let batch: Item[] = [];
  let refusedBefore: Rejection[] = [];
  const flush = async () => {
    const sent = batch;
    const refused = refusedBefore;
    batch = [];
    refusedBefore = [];
    const answer = sent.length > 0 ? withRetries(() => send(sent.map(toMessage))) : Promise.resolve([]);
    const settled = answer.then((outcomes) => () => {
      refused.forEach(reject);
      outcomes.forEach((outcome, index) => {
        const item = sent[index];
        if (outcome.stored) tally.stored++;
        else if (outcome.duplicate) tally.duplicate++;
        else reject({ id: idOf(item), line: lineOf(item, outcome), reason: outcome.reason });
      });
    });
    // A failed call fails the upload when its turn to be tallied comes (what was stored before stays stored; a retry
    // reports it as duplicate); until then it must not count as unhandled.
    settled.catch(() => undefined);
    inFlight.push(settled);
    if (inFlight.length >= UPLOAD_CALLS_IN_FLIGHT) await settleOldest();
  };
  for await (const item of items) {
    const refused = refusal(item);
    if (refused) refusedBefore.push(refused);
    else batch.push(item);
    if (batch.length >= UPLOAD_BATCH || refusedBefore.length >= UPLOAD_BATCH) await flush();
  }
  if (batch.length > 0 || refusedBefore.length > 0) await flush();
  while (inFlight.length > 0) await settleOldest();
  return tally;
}

async function withRetries<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      // The gateway's calls fail with ConnectErrors, the CLI's (nice-grpc) with ClientErrors; both carry the gRPC code.
      const code = error instanceof ConnectError || error instanceof ClientError ? (error.code as number) : undefined;
      const retryable = code === Status.UNAVAILABLE || code === Status.DEADLINE_EXCEEDED;
      if (!retryable || attempt >= UPLOAD_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, FIRST_RETRY_MS * 2 ** (attempt - 1)));
    }
  }
}
