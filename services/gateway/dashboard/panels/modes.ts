import type { createGamepulseClients } from '@gamepulse/client';
import { bars, follow, Panel } from '../panel.js';

/** The most played modes of an area code now, from its live feed. */
export function modesPanel(clients: ReturnType<typeof createGamepulseClients>, areaCode: string, signal: AbortSignal): void {
  const panel = new Panel('modes');
  void follow(
    panel,
    (stop) => clients.session.watchPopularModes({ areaCode, limit: 10, intervalMs: 1000 }, { signal: stop }),
    ({ modes }) => {
      if (modes.length === 0) return panel.empty(`nobody is playing in ${areaCode} now`);
      panel.show(bars(modes.map((mode) => ({ label: `${mode.rank}. ${mode.mode}`, value: Number(mode.players), note: 'players' }))));
    },
    signal,
  );
}
