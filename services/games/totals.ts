import type { GameEnd } from './game-rules.js';

/** Nationality of players without a profile (or with an empty one). */
export const UNKNOWN_NATIONALITY = 'unknown';

/**
 * What an aggregate part counts, as stored (JSON): per first-move column [games, first player's wins, losses, draws],
 * per nationality [games, appearances]. Parts add up; a profile change's part holds negative entries too.
 */
export interface Totals {
  columns: Record<string, [number, number, number, number]>;
  nationalities: Record<string, [number, number]>;
}

/** What is counted of a game: its first column, how it ended for the first player, and its players. */
export interface CountedGame {
  firstColumn: number;
  firstPlayer: string;
  secondPlayer: string;
  result: GameEnd;
  winner?: string;
}

export const emptyTotals = (): Totals => ({ columns: {}, nationalities: {} });

export function addTotals(into: Totals, part: Totals): Totals {
  for (const [column, counts] of Object.entries(part.columns)) {
    const sum = (into.columns[column] ??= [0, 0, 0, 0]);
    counts.forEach((count, index) => (sum[index] += count));
  }
  for (const [nationality, counts] of Object.entries(part.nationalities)) {
    const sum = (into.nationalities[nationality] ??= [0, 0]);
    counts.forEach((count, index) => (sum[index] += count));
  }
  return into;
}

/** `totals` times `factor` (−1 to subtract). */
export function scaledTotals(totals: Totals, factor: number): Totals {
  return {
    columns: Object.fromEntries(
      Object.entries(totals.columns).map(([key, counts]) => [key, counts.map((count) => count * factor) as Totals['columns'][string]]),
    ),
    nationalities: Object.fromEntries(
      Object.entries(totals.nationalities).map(([key, counts]) => [
        key,
        counts.map((count) => count * factor) as Totals['nationalities'][string],
      ]),
    ),
  };
}

/** Adds one game: its column's counts, and its players' nationalities as `nationalityOf` knows them now. */
export function countGame(into: Totals, game: CountedGame, nationalityOf: (playerId: string) => string): void {
  const column = (into.columns[String(game.firstColumn)] ??= [0, 0, 0, 0]);
  column[0]++;
  if (game.result === 'draw') column[3]++;
  else if (game.winner === game.firstPlayer) column[1]++;
  else column[2]++;
  addNationalities(into, [nationalityOf(game.firstPlayer), nationalityOf(game.secondPlayer)], 1);
}

/**
 * Moves one game between nationalities when its players' nationalities change from `before` to `after` (one entry
 * per player of the game).
 */
export function moveGame(into: Totals, before: readonly string[], after: readonly string[]): void {
  addNationalities(into, before, -1);
  addNationalities(into, after, 1);
}

function addNationalities(into: Totals, players: readonly string[], sign: 1 | -1): void {
  for (const nationality of new Set(players)) (into.nationalities[nationality] ??= [0, 0])[0] += sign;
  for (const nationality of players) into.nationalities[nationality][1] += sign;
}

/** The entries that differ between two totals (expected − kept), for the audit; empty when they agree. */
export function differences(expected: Totals, kept: Totals): string[] {
  const found: string[] = [];
  const compare = (what: string, a: Record<string, number[]>, b: Record<string, number[]>) => {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const left = a[key] ?? [];
      const right = b[key] ?? [];
      const width = Math.max(left.length, right.length);
      for (let index = 0; index < width; index++) {
        if ((left[index] ?? 0) !== (right[index] ?? 0)) {
          found.push(`${what} ${key}: expected [${left.join(', ')}], kept [${right.join(', ')}]`);
          break;
        }
      }
    }
  };
  compare('column', expected.columns, kept.columns);
  compare('nationality', expected.nationalities, kept.nationalities);
  return found;
}

export interface ColumnAnswer {
  column: number;
  games: number;
  firstPlayerWins: number;
  firstPlayerLosses: number;
  draws: number;
  winRate: number;
  percentileRank: number;
}

/**
 * One entry per column with games, in column order, with its percentile rank among them: 100 × (L + E / 2) / (n − 1)
 * for L columns with a lower win rate and E others with the same one (100 when alone); and the best column.
 */
export function firstMoveAnswer(totals: Totals): { columns: ColumnAnswer[]; bestColumn: number } {
  const columns = Object.entries(totals.columns)
    .filter(([, [games]]) => games > 0)
    .map(([column, [games, wins, losses, draws]]) => ({
      column: Number(column),
      games,
      firstPlayerWins: wins,
      firstPlayerLosses: losses,
      draws,
      winRate: wins / games,
      percentileRank: 0,
    }))
    .sort((a, b) => a.column - b.column);
  for (const entry of columns) {
    const others = columns.filter((other) => other !== entry);
    const lower = others.filter((other) => other.winRate < entry.winRate).length;
    const same = others.filter((other) => other.winRate === entry.winRate).length;
    entry.percentileRank = others.length === 0 ? 100 : (100 * (lower + same / 2)) / others.length;
  }
  const best = columns.reduce<ColumnAnswer | undefined>((top, entry) => (!top || entry.winRate > top.winRate ? entry : top), undefined);
  return { columns, bestColumn: best?.column ?? 0 };
}

/** Nationalities with games, by games descending, then appearances descending, then code. */
export function nationalityAnswer(totals: Totals): Array<{ nationality: string; games: number; appearances: number }> {
  return Object.entries(totals.nationalities)
    .filter(([, [games, appearances]]) => games > 0 || appearances > 0)
    .map(([nationality, [games, appearances]]) => ({ nationality, games, appearances }))
    .sort((a, b) => b.games - a.games || b.appearances - a.appearances || a.nationality.localeCompare(b.nationality));
}
