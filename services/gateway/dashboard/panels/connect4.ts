import type { createGamepulseClients } from '@gamepulse/client';
import { bars, formatted, Panel, poll } from '../panel.js';

/** The three Connect-4 answers, read every 5 s: first-move columns, games per nationality, single-game players. */
export function connect4Panel(clients: ReturnType<typeof createGamepulseClients>, signal: AbortSignal): void {
  const panel = new Panel('connect4');
  void poll(
    panel,
    5000,
    async () => {
      const options = { timeoutMs: 4000, signal };
      const [firstMoves, nationalities, singles] = await Promise.all([
        clients.games.getFirstMoveStats({}, options),
        clients.games.countGamesByNationality({}, options),
        clients.games.listSingleGamePlayers({ pageSize: 1000 }, options),
      ]);
      if (firstMoves.columns.length === 0) return panel.empty('no finished games yet');
      const rows = firstMoves.columns
        .map(
          (column) =>
            `<tr><td>${column.column}${column.column === firstMoves.bestColumn ? ' ★' : ''}</td><td>${formatted(column.games)}</td>` +
            `<td>${(100 * column.winRate).toFixed(1)}%</td><td>${column.percentileRank.toFixed(0)}</td></tr>`,
        )
        .join('');
      const singleCount = `${formatted(singles.players.length)}${singles.nextPageToken ? '+' : ''}`;
      panel.show(
        `<div class="figures"><div><table><tr><th>first move</th><th>games</th><th>first player wins</th><th>percentile</th></tr>${rows}</table></div>` +
          `<div class="grow"><strong>games per nationality</strong>${bars(nationalities.nationalities.slice(0, 8).map((entry) => ({ label: entry.nationality, value: Number(entry.games) })))}</div>` +
          `<div class="figure"><strong data-figure="single-game-players">${singleCount}</strong><span>players with exactly one game</span></div></div>`,
      );
    },
    signal,
  );
}
