import { Emoticon, type createGamepulseClients } from '@gamepulse/client';
import { bars, escaped, follow, formatted, Panel } from '../panel.js';

/** A match's reactions from its live feed: the total, the rate, and each emoticon's count and intensity. */
export function reactionsPanel(clients: ReturnType<typeof createGamepulseClients>, matchId: string, signal: AbortSignal): void {
  const panel = new Panel('reactions');
  void follow(
    panel,
    (stop) => clients.reaction.watchMatchReactions({ matchId, intervalMs: 500 }, { signal: stop }),
    ({ summary }) => {
      if (!summary || summary.total === 0n) return panel.empty(`no reactions on ${matchId} yet`);
      const emoticons = [...summary.emoticons].sort((a, b) => Number(b.count - a.count));
      panel.show(
        `<div class="figures"><div class="figure"><strong data-figure="total">${formatted(summary.total)}</strong>` +
          `<span>reactions on ${escaped(matchId)}</span></div><div class="figure"><strong>${summary.ratePerSecond.toFixed(1)}</strong>` +
          `<span>per second, last minute</span></div></div>` +
          bars(
            emoticons.map((count) => ({
              label: Emoticon[count.emoticon].toLowerCase(),
              value: Number(count.count),
              note: `intensity ${count.intensity}`,
            })),
          ),
      );
    },
    signal,
  );
}
