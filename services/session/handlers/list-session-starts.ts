import type { UnaryHandler } from '../../shared/handler.js';
import type { TokenSigner } from '../../shared/signed-token.js';
import { HOUR_MS, hourOf, microsToTimestamp, type Clock } from '../../shared/time.js';
import type {
  ListSessionStartsRequest,
  ListSessionStartsResponse,
  SessionStartRecord,
} from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { decodeCursor, encodeCursor, type StartsCursor } from '../page-token.js';
import type { SessionStore } from '../store.js';
import { checkCountry, checkWindowHours } from './query-rules.js';
import { sizeOrDefault } from '../../shared/page-size.js';

/**
 * A country's starts in [now − hours, now], newest first: walks the hours that hold starts of the country, newest
 * first, reading each with the driver's paging; the token carries the window, the hour and the page state.
 */
export class ListSessionStartsHandler implements UnaryHandler<ListSessionStartsRequest, ListSessionStartsResponse> {
  constructor(
    private readonly store: SessionStore,
    private readonly signer: TokenSigner,
    private readonly clock: Clock,
  ) {}

  async handle(request: ListSessionStartsRequest): Promise<ListSessionStartsResponse> {
    const country = checkCountry(request.country);
    const pageSize = sizeOrDefault('page_size', request.pageSize, 100, 1000);
    let cursor: StartsCursor;
    if (request.pageToken) {
      cursor = decodeCursor(request.pageToken, country, this.signer);
    } else {
      checkWindowHours(request.hours);
      const now = this.clock();
      cursor = { country, fromUs: (now - request.hours * HOUR_MS) * 1000, toUs: now * 1000, hourMs: hourOf(now) };
    }
    const hours = await this.store.startHours(country, hourOf(cursor.fromUs / 1000), cursor.hourMs);
    const starts: SessionStartRecord[] = [];
    for (const [i, hourMs] of hours.entries()) {
      let pageState = hourMs === cursor.hourMs ? cursor.pageState : undefined;
      do {
        const page = await this.store.listStarts(
          country,
          hourMs,
          Math.max(cursor.fromUs, hourMs * 1000),
          Math.min(cursor.toUs, (hourMs + HOUR_MS) * 1000 - 1),
          pageSize - starts.length,
          pageState,
        );
        for (const row of page.rows) {
          starts.push({ sessionId: row.sessionId, playerId: row.playerId, ts: microsToTimestamp(row.startUs) });
        }
        pageState = page.pageState;
      } while (pageState && starts.length < pageSize);
      if (starts.length >= pageSize) {
        const nextHour = hours[i + 1];
        if (pageState) return { starts, nextPageToken: encodeCursor({ ...cursor, hourMs, pageState }, this.signer) };
        if (nextHour === undefined) return { starts, nextPageToken: '' };
        return { starts, nextPageToken: encodeCursor({ ...cursor, hourMs: nextHour, pageState: undefined }, this.signer) };
      }
    }
    return { starts, nextPageToken: '' };
  }
}
