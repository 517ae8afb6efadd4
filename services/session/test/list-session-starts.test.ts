// Listing a country's starts reads no more rows than the page it returns, plus the hour index, whatever the window:
// against an in-memory store that counts what it is asked for (sessions.integration.test.ts runs the same on Cassandra).
import { describe, expect, it } from 'vitest';
import { TokenSigner } from '../../shared/signed-token.js';
import { after, before, fromMillis, HOUR, hourOf, micros, type Micros } from '../../shared/time.js';
import { ListSessionStartsHandler, type StartPages } from '../handlers/list-session-starts.js';
import type { StartRow } from '../store.js';

const NOW = fromMillis(Date.UTC(2026, 11, 4, 12, 30));

/** `perHour` starts in each of the last `hours` hours, newest first; counts the rows it hands out. */
class CountingStarts implements StartPages {
  rowsRead = 0;
  indexReads = 0;
  private readonly rowsByHour = new Map<Micros, StartRow[]>();

  constructor(hours: number, perHour: number) {
    for (let h = 0; h < hours; h++) {
      const hour = before(hourOf(NOW), micros(h * HOUR));
      const rows = Array.from({ length: perHour }, (_, i) => ({
        sessionId: `s-${h}-${i}`,
        playerId: `p-${i}`,
        startUs: after(hour, micros((perHour - i) * 1000)),
      }));
      this.rowsByHour.set(hour, rows);
    }
  }

  startHours(_country: string | undefined, fromHour: Micros, toHour: Micros): Promise<Micros[]> {
    this.indexReads++;
    return Promise.resolve([...this.rowsByHour.keys()].filter((hour) => hour >= fromHour && hour <= toHour));
  }

  listStarts(_country: string, hour: Micros, fromUs: Micros, toUs: Micros, fetchSize: number, pageState: string | undefined) {
    const inWindow = (this.rowsByHour.get(hour) ?? []).filter((row) => row.startUs >= fromUs && row.startUs <= toUs);
    const offset = Number(pageState ?? 0);
    const rows = inWindow.slice(offset, offset + fetchSize);
    this.rowsRead += rows.length;
    const next = offset + rows.length;
    return Promise.resolve({ rows, pageState: next < inWindow.length ? String(next) : undefined });
  }
}

describe('ListSessionStartsHandler', () => {
  for (const [hours, perHour, pageSize] of [
    [1, 500, 100],
    [24, 500, 100],
    [24, 30, 100],
    [168, 7, 1000],
  ] as const) {
    it(`reads only the rows of each page: ${hours} h of ${perHour} starts, pages of ${pageSize}`, async () => {
      const store = new CountingStarts(hours, perHour);
      const handler = new ListSessionStartsHandler(
        () => store,
        () => new TokenSigner('test'),
        () => NOW,
      );
      const call = { signal: new AbortController().signal, deadline: undefined };
      let pageToken = '';
      let listed = 0;
      let pages = 0;
      do {
        const readBefore = store.rowsRead;
        const page = await handler.handle({ country: 'FI', hours, pageSize, pageToken }, call);
        expect(store.rowsRead - readBefore).toBe(page.starts.length);
        expect(page.starts.length).toBeLessThanOrEqual(pageSize);
        listed += page.starts.length;
        pageToken = page.nextPageToken;
        pages++;
      } while (pageToken && pages < 1000);
      expect(listed).toBe(hours * perHour);
      expect(store.indexReads).toBe(pages);
    });
  }
});
