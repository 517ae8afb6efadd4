import type { GameEnd, ValidGame } from './game-rules.js';

/** A game as stored and counted: the outcome of validateGame. */
export type StoredGame = ValidGame;

/**
 * The stored form of a game's moves and result (both players, the columns of moves 1..n, the result): equal for
 * the same game imported again, different for a conflicting one.
 */
export function encodeContent(game: StoredGame): string {
  return JSON.stringify([game.firstPlayer, game.secondPlayer, game.columns.join(','), game.result]);
}

export function decodeContent(gameId: string, content: string): StoredGame {
  const [firstPlayer, secondPlayer, columns, result] = JSON.parse(content) as [string, string, string, GameEnd];
  const played = columns.split(',').map(Number);
  const lastByFirst = played.length % 2 === 1;
  return {
    gameId,
    firstPlayer,
    secondPlayer,
    columns: played,
    result,
    ...(result === 'win' ? { winner: lastByFirst ? firstPlayer : secondPlayer } : {}),
  };
}
