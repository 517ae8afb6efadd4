import { checkId } from '../shared/event-rules.js';

/** The board games are played on: `connect` discs in a row (column, row or diagonal) win. */
export interface Board {
  columns: number;
  rows: number;
  connect: number;
}

/** The original 98point6 data's board. */
export const DEFAULT_BOARD: Board = { columns: 4, rows: 4, connect: 4 };

export type GameEnd = 'win' | 'draw';

export interface MoveInput {
  playerId: string;
  moveNumber: number;
  column: number;
}

export interface GameInput {
  gameId: string;
  moves: readonly MoveInput[];
  /** Undefined when the game has no result. */
  result: GameEnd | undefined;
}

/** A game that replays to its result on the board, reduced to what is stored and counted of it. */
export interface ValidGame {
  gameId: string;
  /** Who moved first (odd moves) and second (even moves). */
  firstPlayer: string;
  secondPlayer: string;
  /** The columns of moves 1..n, in order. */
  columns: number[];
  result: GameEnd;
  /** Set when result is 'win': the player of the last move. */
  winner?: string;
}

/** Why a game is refused: the rule, naming the field, and the move it failed at (0: the game as a whole). */
export interface GameProblem {
  rule: string;
  moveNumber: number;
}

/** The game checked whole and replayed on `board`: the game as stored, or the first rule it breaks. */
export function validateGame(game: GameInput, board: Board): ValidGame | GameProblem {
  const idProblem = checkId('game_id', game.gameId);
  if (idProblem) return whole(`${idProblem.field}: ${idProblem.rule}`);
  if (game.result === undefined) return whole('result: must be win or draw');
  const cells = board.columns * board.rows;
  if (game.moves.length < 2) return whole(`moves: two players take turns, so a game has at least 2 moves, got ${game.moves.length}`);
  if (game.moves.length > cells)
    return whole(`moves: at most ${cells} moves fit on the ${board.columns}×${board.rows} board, got ${game.moves.length}`);

  const ordered = [...game.moves].sort((a, b) => a.moveNumber - b.moveNumber);
  for (let index = 0; index < ordered.length; index++) {
    const move = ordered[index];
    const expected = index + 1;
    if (move.moveNumber === expected) continue;
    if (move.moveNumber === expected - 1) return problem(`move_number: move ${move.moveNumber} appears twice`, move.moveNumber);
    return whole(`move_number: move ${expected} is missing (moves must number 1..${ordered.length} without gaps)`);
  }

  const firstPlayer = ordered[0].playerId;
  const secondPlayer = ordered[1]?.playerId;
  for (const move of ordered) {
    const playerProblem = checkId('player_id', move.playerId);
    if (playerProblem) return problem(`${playerProblem.field}: ${playerProblem.rule}`, move.moveNumber);
    const turnOf = move.moveNumber % 2 === 1 ? firstPlayer : secondPlayer;
    if (move.moveNumber === 2 && move.playerId === firstPlayer) {
      return problem(`player_id: two players take turns, but move 2 is by ${firstPlayer} again`, 2);
    }
    if (move.playerId !== turnOf) {
      return problem(
        `player_id: two players take turns, so move ${move.moveNumber} is ${turnOf}'s, not ${move.playerId}'s`,
        move.moveNumber,
      );
    }
  }

  const replay = new Replay(board);
  const last = ordered.length;
  for (const move of ordered) {
    if (!Number.isInteger(move.column) || move.column < 1 || move.column > board.columns) {
      return problem(`column: must be 1 to ${board.columns}, got ${move.column}`, move.moveNumber);
    }
    const placed = replay.drop(move.column, move.moveNumber % 2);
    if (!placed) return problem(`column: column ${move.column} is already full (${board.rows} rows)`, move.moveNumber);
    if (replay.wins(placed, board.connect) && move.moveNumber < last) {
      return problem(
        `moves: move ${move.moveNumber} makes ${board.connect} in a row, so the game ended there, yet it goes on to move ${last}`,
        move.moveNumber,
      );
    }
  }

  const lastMove = ordered[last - 1];
  const lastWins = replay.lastWins(board.connect);
  if (game.result === 'win' && !lastWins) {
    return problem(`result: win, but the last move (move ${last}) makes no ${board.connect} in a row`, last);
  }
  if (game.result === 'draw') {
    if (lastWins) return problem(`result: draw, but the last move (move ${last}) makes ${board.connect} in a row`, last);
    if (last < cells) return whole(`result: draw, but the board is not full after ${last} moves (a draw fills all ${cells} cells)`);
  }
  return {
    gameId: game.gameId,
    firstPlayer,
    secondPlayer: secondPlayer,
    columns: ordered.map((move) => move.column),
    result: game.result,
    ...(game.result === 'win' ? { winner: lastMove.playerId } : {}),
  };
}

export function isGameProblem(value: ValidGame | GameProblem): value is GameProblem {
  return 'rule' in value;
}

const whole = (rule: string): GameProblem => ({ rule, moveNumber: 0 });
const problem = (rule: string, moveNumber: number): GameProblem => ({ rule, moveNumber });

/** Discs dropped into a board, lowest free row first (also how gen:connect4 plays legal games). */
export class Replay {
  private readonly cells: Array<number | undefined>;
  private readonly heights: number[];
  private last: { column: number; row: number } | undefined;

  constructor(private readonly board: Board) {
    this.cells = new Array<number | undefined>(board.columns * board.rows);
    this.heights = new Array<number>(board.columns).fill(0);
  }

  /** Drops `disc` into the 1-based `column`; undefined if the column is full. */
  drop(column: number, disc: number): { column: number; row: number } | undefined {
    const col = column - 1;
    const row = this.heights[col];
    if (row >= this.board.rows) return undefined;
    this.heights[col] = row + 1;
    this.cells[row * this.board.columns + col] = disc;
    this.last = { column: col, row };
    return this.last;
  }

  lastWins(connect: number): boolean {
    return this.last !== undefined && this.wins(this.last, connect);
  }

  /** Whether the disc at `at` is part of `connect` in a row of its own colour. */
  wins(at: { column: number; row: number }, connect: number): boolean {
    const disc = this.at(at.column, at.row);
    const directions = [
      [1, 0],
      [0, 1],
      [1, 1],
      [1, -1],
    ] as const;
    return directions.some(([dc, dr]) => {
      let run = 1;
      for (const sign of [1, -1]) {
        let c = at.column + sign * dc;
        let r = at.row + sign * dr;
        while (this.at(c, r) === disc) {
          run++;
          c += sign * dc;
          r += sign * dr;
        }
      }
      return run >= connect;
    });
  }

  private at(column: number, row: number): number | undefined {
    if (column < 0 || row < 0 || column >= this.board.columns || row >= this.board.rows) return undefined;
    return this.cells[row * this.board.columns + column];
  }
}
