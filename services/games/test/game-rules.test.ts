import { describe, expect, it } from 'vitest';
import { readGamesCsv } from '../game-csv.js';
import { DEFAULT_BOARD, isGameProblem, validateGame, type GameInput, type MoveInput } from '../game-rules.js';
import { linesOfFile, realGamesCsv } from '../../../test/support/shared-data.js';

/** Moves of players A (odd) and B (even) into the given columns. */
const game = (columns: number[], result: GameInput['result'] = 'win'): GameInput => ({
  gameId: 'g1',
  moves: columns.map((column, index): MoveInput => ({ playerId: index % 2 === 0 ? 'A' : 'B', moveNumber: index + 1, column })),
  result,
});
const ruleOf = (input: GameInput) => {
  const checked = validateGame(input, DEFAULT_BOARD);
  return isGameProblem(checked) ? checked : undefined;
};

// Game 0 of the real data: a full board without four in a row.
const DRAW = [1, 1, 2, 2, 3, 1, 2, 4, 1, 2, 3, 4, 4, 3, 3, 4];

describe('validateGame on the 4×4 board', () => {
  it('accepts every one of the 10,000 real games, with their recorded results', async () => {
    let accepted = 0;
    const ends = { win: 0, draw: 0 };
    for await (const csvGame of readGamesCsv(linesOfFile(realGamesCsv()))) {
      expect(csvGame.problem).toBeUndefined();
      const checked = validateGame(csvGame, DEFAULT_BOARD);
      if (isGameProblem(checked)) throw new Error(`${csvGame.gameId}: ${checked.rule}`);
      ends[checked.result]++;
      accepted++;
    }
    expect(accepted).toBe(10_000);
    expect(ends.win + ends.draw).toBe(10_000);
    expect(ends.draw).toBeGreaterThan(0);
  });

  it('accepts a column win, a row win, a diagonal win and a full-board draw', () => {
    expect(ruleOf(game([1, 2, 1, 2, 1, 2, 1]))).toBeUndefined();
    expect(ruleOf(game([1, 1, 2, 2, 3, 3, 4]))).toBeUndefined();
    // A builds the diagonal (1,1) (2,2) (3,3) (4,4).
    expect(ruleOf(game([1, 2, 2, 3, 3, 4, 3, 4, 4, 1, 4]))).toBeUndefined();
    const draw = validateGame(game(DRAW, 'draw'), DEFAULT_BOARD);
    expect(draw).toMatchObject({ result: 'draw', firstPlayer: 'A', secondPlayer: 'B' });
  });

  it('names the winner as the player of the last move', () => {
    expect(validateGame(game([1, 2, 1, 2, 1, 2, 1]), DEFAULT_BOARD)).toMatchObject({ winner: 'A' });
    expect(validateGame(game([3, 1, 2, 1, 2, 1, 2, 1]), DEFAULT_BOARD)).toMatchObject({ winner: 'B' });
  });

  it('refuses each broken rule with a reason naming it and the move', () => {
    const gap = game([1, 2, 1, 2, 1, 2, 1]);
    expect(ruleOf({ ...gap, moves: gap.moves.filter((move) => move.moveNumber !== 3) })?.rule).toMatch(/move_number: move 3 is missing/);
    expect(ruleOf({ ...gap, moves: [...gap.moves, { ...gap.moves[1] }] })?.rule).toMatch(/move_number: move 2 appears twice/);
    const samePlayer = game([1, 2, 1, 2, 1, 2, 1]);
    samePlayer.moves = samePlayer.moves.map((move) => (move.moveNumber === 4 ? { ...move, playerId: 'C' } : move));
    expect(ruleOf(samePlayer)).toMatchObject({ moveNumber: 4, rule: expect.stringMatching(/player_id: two players take turns/) });
    expect(ruleOf(game([1, 5, 1, 2, 1, 2, 1]))).toMatchObject({ moveNumber: 2, rule: 'column: must be 1 to 4, got 5' });
    expect(ruleOf(game([1, 1, 1, 1, 1]))).toMatchObject({ moveNumber: 5, rule: expect.stringMatching(/column 1 is already full/) });
    expect(ruleOf(game([1, 2, 1, 2, 1, 2, 1, 2]))).toMatchObject({
      moveNumber: 7,
      rule: expect.stringMatching(/makes 4 in a row, so the game ended there/),
    });
    expect(ruleOf(game([1, 2, 1, 2, 1, 2, 3]))?.rule).toMatch(/result: win, but the last move \(move 7\) makes no 4 in a row/);
    expect(ruleOf(game([1, 2, 3], 'draw'))?.rule).toMatch(/result: draw, but the board is not full after 3 moves/);
    expect(ruleOf(game([1, 2, 1, 2, 1, 2, 1], 'draw'))?.rule).toMatch(/result: draw, but the last move \(move 7\) makes 4 in a row/);
    expect(ruleOf({ ...game([1, 2, 1, 2, 1, 2, 1]), result: undefined })?.rule).toBe('result: must be win or draw');
    expect(ruleOf({ ...game([1, 2]), gameId: '' })?.rule).toBe('game_id: is required');
  });

  it('follows the board setting: connect 3 on 5 columns', () => {
    const board = { columns: 5, rows: 3, connect: 3 };
    expect(isGameProblem(validateGame(game([5, 1, 5, 1, 5]), board))).toBe(false);
    expect(validateGame(game([5, 1, 5, 1, 5]), DEFAULT_BOARD)).toMatchObject({ rule: 'column: must be 1 to 4, got 5' });
    expect(validateGame(game([4, 1, 4, 1, 4]), DEFAULT_BOARD)).toMatchObject({ rule: expect.stringMatching(/no 4 in a row/) });
  });
});
