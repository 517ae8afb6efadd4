import { Replay, type Board } from '../../services/games/game-rules.js';

/**
 * Legal random games on `board`, as rows of the games CSV: two distinct players from a pool of `players`, random
 * non-full columns until a move makes `connect` in a row (win) or the board is full (draw).
 */
export function* generatedGameRows(
  count: number,
  players: number,
  board: Board,
  idPrefix = 'gen-',
  random = Math.random,
): Generator<string> {
  const pick = () => `gen-player-${Math.floor(random() * players)}`;
  for (let index = 0; index < count; index++) {
    const first = pick();
    let second = pick();
    while (second === first && players > 1) second = pick();
    const replay = new Replay(board);
    const heights = new Array<number>(board.columns).fill(0);
    const rows: string[] = [];
    for (let move = 1; move <= board.columns * board.rows; move++) {
      const open = heights.flatMap((height, column) => (height < board.rows ? [column + 1] : []));
      const column = open[Math.floor(random() * open.length)];
      heights[column - 1]++;
      const placed = replay.drop(column, move % 2)!;
      const won = replay.wins(placed, board.connect);
      const full = move === board.columns * board.rows;
      rows.push(`${idPrefix}${index},${move % 2 ? first : second},${move},${column},${won ? 'win' : full ? 'draw' : ''}`);
      if (won) break;
    }
    yield rows.join('\n');
  }
}
