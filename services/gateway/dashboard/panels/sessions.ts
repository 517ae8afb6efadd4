import type { createGamepulseClients } from '@gamepulse/client';
import { bars, Panel, poll } from '../panel.js';

/** Session starts per country over the chosen window, read every 2 s. */
export function sessionsPanel(clients: ReturnType<typeof createGamepulseClients>, windowHours: () => number, signal: AbortSignal): void {
  const panel = new Panel('sessions');
  void poll(
    panel,
    2000,
    async () => {
      const hours = windowHours();
      const { countries } = await clients.session.countSessionStarts({ hours }, { timeoutMs: 3000, signal });
      if (countries.length === 0) return panel.empty(`no session starts in the last ${hours} h`);
      const rows = countries.map((entry) => ({ label: entry.country, value: Number(entry.starts) })).sort((a, b) => b.value - a.value);
      panel.show(bars(rows));
    },
    signal,
  );
}
