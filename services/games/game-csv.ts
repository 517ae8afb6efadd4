import { openCsv, type CsvLine } from './csv-lines.js';
import type { GameEnd, MoveInput } from './game-rules.js';

/** The games CSV of the original system: one row a move, `result` on the last move only. */
export const GAMES_CSV_HEADER = ['game_id', 'player_id', 'move_number', 'column', 'result'] as const;

/** One move as read, with the CSV line it came from (1 is the header). */
export interface CsvMove extends MoveInput {
  line: number;
}

/** The rows of one game (contiguous rows with one game_id), or why they cannot be a game. */
export interface CsvGame {
  gameId: string;
  moves: CsvMove[];
  result: GameEnd | undefined;
  /** The game's first line. */
  line: number;
  /** Set when a row cannot be parsed or the result is not on the last move alone: the game is refused. */
  problem?: { rule: string; line: number };
}

const wholeNumber = /^\d{1,9}$/;

/**
 * Groups a games CSV into games, in one pass and constant memory: rows of one game are contiguous. Throws a
 * CsvHeaderError when the first line is not the expected header.
 */
export async function* readGamesCsv(lines: AsyncIterable<CsvLine>): AsyncGenerator<CsvGame> {
  const { columns, rows } = await openCsv(lines, GAMES_CSV_HEADER);
  const index = (name: (typeof GAMES_CSV_HEADER)[number]) => columns.indexOf(name);
  const at = {
    gameId: index('game_id'),
    playerId: index('player_id'),
    moveNumber: index('move_number'),
    column: index('column'),
    result: index('result'),
  };
  let game: CsvGame | undefined;
  let resultLines: number[] = [];
  for await (const { fields, line } of rows) {
    const gameId = fields[at.gameId] ?? '';
    if (!game || gameId !== game.gameId) {
      if (game) yield finish(game, resultLines);
      game = { gameId, moves: [], result: undefined, line };
      resultLines = [];
    }
    if (game.problem) continue;
    if (fields.length !== columns.length) {
      game.problem = { rule: `row: expected ${columns.length} fields (${columns.join(',')}), got ${fields.length}`, line };
      continue;
    }
    const moveNumber = fields[at.moveNumber];
    const column = fields[at.column];
    const result = fields[at.result].toLowerCase();
    if (!wholeNumber.test(moveNumber) || Number(moveNumber) < 1) {
      game.problem = { rule: `move_number: must be a whole number from 1, got "${moveNumber.slice(0, 20)}"`, line };
      continue;
    }
    if (!wholeNumber.test(column)) {
      game.problem = { rule: `column: must be a whole number, got "${column.slice(0, 20)}"`, line };
      continue;
    }
    if (result !== '' && result !== 'win' && result !== 'draw') {
      game.problem = { rule: `result: must be win, draw or empty, got "${result.slice(0, 20)}"`, line };
      continue;
    }
    game.moves.push({ playerId: fields[at.playerId], moveNumber: Number(moveNumber), column: Number(column), line });
    if (result) {
      game.result = result;
      resultLines.push(line);
    }
  }
  if (game) yield finish(game, resultLines);
}

/** Checks what only the CSV form can get wrong about a result: set on one move, the last. */
function finish(game: CsvGame, resultLines: number[]): CsvGame {
  if (game.problem) return game;
  if (resultLines.length === 0) {
    game.problem = { rule: 'result: missing; the last move of a game carries win or draw', line: game.line };
  } else if (resultLines.length > 1) {
    game.problem = {
      rule: `result: set on more than one move (lines ${resultLines.join(', ')}); only the last move carries it`,
      line: resultLines[1],
    };
  } else {
    const last = Math.max(...game.moves.map((move) => move.moveNumber));
    const carrier = game.moves.find((move) => move.line === resultLines[0])!;
    if (carrier.moveNumber !== last) {
      game.problem = { rule: `result: must be on the last move (move ${last}), found on move ${carrier.moveNumber}`, line: carrier.line };
    }
  }
  return game;
}
