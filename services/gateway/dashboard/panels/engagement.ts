import { timestampFromDate, type createGamepulseClients } from '@gamepulse/client';
import { formatted, Panel, poll } from '../panel.js';

/** This UTC hour's unique users, clicks and impressions, read every second. */
export function engagementPanel(clients: ReturnType<typeof createGamepulseClients>, signal: AbortSignal): void {
  const panel = new Panel('engagement');
  void poll(
    panel,
    1000,
    async () => {
      const hour = await clients.reaction.getHourlyEngagement({ timestamp: timestampFromDate(new Date()) }, { timeoutMs: 2000, signal });
      if (hour.uniqueUsers === 0n) return panel.empty('no clicks or impressions this hour yet');
      const figure = (name: string, value: bigint, label: string) =>
        `<div class="figure"><strong data-figure="${name}">${formatted(value)}</strong><span>${label}</span></div>`;
      panel.show(
        `<div class="figures">${figure('users', hour.uniqueUsers, 'unique users')}${figure('clicks', hour.clicks, 'clicks')}` +
          `${figure('impressions', hour.impressions, 'impressions')}</div>`,
      );
    },
    signal,
  );
}
