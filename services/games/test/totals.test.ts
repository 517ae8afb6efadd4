import { describe, expect, it } from 'vitest';
import { addTotals, countGame, differences, emptyTotals, firstMoveAnswer, moveGame, nationalityAnswer } from '../totals.js';

describe('totals', () => {
  it('ranks columns by first-player win rate: 100 × (lower + ties / 2) / (n − 1)', () => {
    const totals = emptyTotals();
    totals.columns = { '1': [10, 5, 5, 0], '2': [10, 8, 2, 0], '3': [4, 2, 1, 1], '4': [10, 1, 9, 0] };
    const { columns, bestColumn } = firstMoveAnswer(totals);
    expect(columns.map((column) => [column.column, column.winRate, column.percentileRank])).toEqual([
      [1, 0.5, 50],
      [2, 0.8, 100],
      [3, 0.5, 50],
      [4, 0.1, 0],
    ]);
    expect(bestColumn).toBe(2);
    expect(firstMoveAnswer(emptyTotals())).toEqual({ columns: [], bestColumn: 0 });
  });

  it('counts a game once per distinct nationality and once per player appearance', () => {
    const totals = emptyTotals();
    const nationality: Record<string, string> = { a: 'IE', b: 'IE', c: 'US' };
    countGame(totals, { firstColumn: 2, firstPlayer: 'a', secondPlayer: 'b', result: 'win', winner: 'a' }, (p) => nationality[p]);
    countGame(totals, { firstColumn: 2, firstPlayer: 'c', secondPlayer: 'a', result: 'draw' }, (p) => nationality[p]);
    expect(totals.columns['2']).toEqual([2, 1, 0, 1]);
    expect(nationalityAnswer(totals)).toEqual([
      { nationality: 'IE', games: 2, appearances: 3 },
      { nationality: 'US', games: 1, appearances: 1 },
    ]);
    // b turns out to be from the US: the first game now counts for both.
    const moved = emptyTotals();
    moveGame(moved, ['IE', 'IE'], ['IE', 'US']);
    const after = addTotals(addTotals(emptyTotals(), totals), moved);
    expect(nationalityAnswer(after)).toEqual([
      { nationality: 'IE', games: 2, appearances: 2 },
      { nationality: 'US', games: 2, appearances: 2 },
    ]);
    expect(differences(after, totals)).toEqual([
      'nationality IE: expected [2, 2], kept [2, 3]',
      'nationality US: expected [2, 2], kept [1, 1]',
    ]);
  });
});
