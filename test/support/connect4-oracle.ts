import { readFileSync } from 'node:fs';

/**
 * The three Connect-4 answers computed straight from the CSV files, independently of the service's code: the test's
 * oracle. Profiles are `player_id → {nationality, name, email}`.
 */
export interface OracleProfile {
  nationality: string;
  name?: string;
  email?: string;
}

interface OracleGame {
  id: string;
  first: string;
  second: string;
  firstColumn: number;
  result: 'win' | 'draw';
  winner?: string;
}

export class Connect4Oracle {
  readonly games = new Map<string, OracleGame>();
  readonly profiles = new Map<string, OracleProfile>();

  addGamesCsv(text: string): this {
    const rows = new Map<string, Array<{ player: string; move: number; column: number; result: string }>>();
    for (const line of text.trim().split('\n').slice(1)) {
      const [id, player, move, column, result] = line.trim().split(',');
      const list = rows.get(id) ?? [];
      rows.set(id, list);
      list.push({ player: player, move: Number(move), column: Number(column), result: result ?? '' });
    }
    for (const [id, moves] of rows) {
      if (this.games.has(id)) continue;
      moves.sort((a, b) => a.move - b.move);
      const last = moves[moves.length - 1];
      const result = last.result as 'win' | 'draw';
      this.games.set(id, {
        id,
        first: moves[0].player,
        second: moves[1].player,
        firstColumn: moves[0].column,
        result,
        ...(result === 'win' ? { winner: last.player } : {}),
      });
    }
    return this;
  }

  addPlayersCsv(text: string): this {
    for (const line of text.trim().split('\n').slice(1)) {
      const [id, country] = line.trim().split(',');
      this.profiles.set(id, { ...this.profiles.get(id), nationality: country });
    }
    return this;
  }

  static fromFiles(gamesCsv: string, playersCsv?: string): Connect4Oracle {
    const oracle = new Connect4Oracle().addGamesCsv(readFileSync(gamesCsv, 'utf8'));
    return playersCsv ? oracle.addPlayersCsv(readFileSync(playersCsv, 'utf8')) : oracle;
  }

  firstMoveColumns() {
    const byColumn = new Map<number, { games: number; wins: number; losses: number; draws: number }>();
    for (const game of this.games.values()) {
      const entry = byColumn.get(game.firstColumn) ?? { games: 0, wins: 0, losses: 0, draws: 0 };
      byColumn.set(game.firstColumn, entry);
      entry.games++;
      if (game.result === 'draw') entry.draws++;
      else if (game.winner === game.first) entry.wins++;
      else entry.losses++;
    }
    const columns = [...byColumn.keys()]
      .sort((a, b) => a - b)
      .map((column) => {
        const entry = byColumn.get(column)!;
        return {
          column,
          games: entry.games,
          first_player_wins: entry.wins,
          first_player_losses: entry.losses,
          draws: entry.draws,
          win_rate: entry.wins / entry.games,
        };
      });
    const ranked = columns.map((entry) => {
      const others = columns.filter((other) => other.column !== entry.column);
      const score = others.reduce(
        (sum, other) => sum + (other.win_rate < entry.win_rate ? 1 : other.win_rate === entry.win_rate ? 0.5 : 0),
        0,
      );
      return { ...entry, percentile_rank: others.length ? (score / others.length) * 100 : 100 };
    });
    const best = [...ranked].sort((a, b) => b.win_rate - a.win_rate || a.column - b.column)[0];
    return { columns: ranked, best_column: best?.column ?? 0 };
  }

  gamesByNationality() {
    const counts = new Map<string, { games: number; appearances: number }>();
    const nationalityOf = (player: string) => this.profiles.get(player)?.nationality || 'unknown';
    for (const game of this.games.values()) {
      const nationalities = [nationalityOf(game.first), nationalityOf(game.second)];
      for (const nationality of nationalities) {
        const entry = counts.get(nationality) ?? { games: 0, appearances: 0 };
        counts.set(nationality, entry);
        entry.appearances++;
      }
      for (const nationality of new Set(nationalities)) counts.get(nationality)!.games++;
    }
    return [...counts]
      .map(([nationality, entry]) => ({ nationality, ...entry }))
      .sort((a, b) => b.games - a.games || b.appearances - a.appearances || (a.nationality < b.nationality ? -1 : 1));
  }

  singleGamePlayers() {
    const played = new Map<string, OracleGame[]>();
    for (const game of this.games.values()) {
      for (const player of [game.first, game.second]) played.set(player, [...(played.get(player) ?? []), game]);
    }
    return [...played]
      .filter(([, games]) => games.length === 1)
      .map(([player, [game]]) => ({
        player_id: player,
        name: this.profiles.get(player)?.name ?? '',
        email: this.profiles.get(player)?.email ?? '',
        nationality: this.profiles.get(player)?.nationality ?? '',
        game_id: game.id,
        outcome: game.result === 'draw' ? 'draw' : game.winner === player ? 'win' : 'lose',
      }))
      .sort((a, b) => (a.player_id < b.player_id ? -1 : 1));
  }
}
