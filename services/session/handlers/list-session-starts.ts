import type { PerGame } from '../../shared/access/game.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import type { TokenSigner } from '../../shared/signed-token.js';
import { before, earliest, hourOf, hours as spanOfHours, lastMicroOfHour, latest, toTimestamp, type Clock } from '../../shared/time.js';
import type {
  ListSessionStartsRequest,
  ListSessionStartsResponse,
  SessionStartRecord,
} from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { decodeCursor, encodeCursor, type StartsCursor } from '../page-token.js';
import type { SessionStore } from '../store.js';
import { checkCountry, checkWindowHours } from './query-rules.js';
import { sizeOrDefault } from '../../shared/page-size.js';

/** What listing starts needs of the store: the hour index and one page of an hour. */
export type StartPages = Pick<SessionStore, 'startHours' | 'listStarts'>;

/**
 * A country's starts in the call's game in [now − hours, now], newest first: walks the hours that hold starts of the country, newest
 * first, reading each with the driver's paging; the token carries the window, the hour and the page state.
 */
export class ListSessionStartsHandler implements UnaryHandler<ListSessionStartsRequest, ListSessionStartsResponse> {
  constructor(
    private readonly stores: PerGame<StartPages>,
    private readonly signers: PerGame<TokenSigner>,
    private readonly clock: Clock,
  ) {}

  async handle(request: ListSessionStartsRequest, context: CallContext): Promise<ListSessionStartsResponse> {
    const game = gameOf(context);
    const store = this.stores(game);
    const signer = this.signers(game);
    const country = checkCountry(request.country);
    const pageSize = sizeOrDefault('page_size', request.pageSize, 100, 1000);
    let cursor: StartsCursor;
    if (request.pageToken) {
      cursor = decodeCursor(request.pageToken, country, signer);
    } else {
      checkWindowHours(request.hours);
      const now = this.clock();
      cursor = { country, fromUs: before(now, spanOfHours(request.hours)), toUs: now, hour: hourOf(now) };
    }
    const hours = await store.startHours(country, hourOf(cursor.fromUs), cursor.hour);
    const starts: SessionStartRecord[] = [];
    for (const [i, hour] of hours.entries()) {
      let pageState = hour === cursor.hour ? cursor.pageState : undefined;
      do {
        const page = await store.listStarts(
          country,
          hour,
          latest(cursor.fromUs, hour),
          earliest(cursor.toUs, lastMicroOfHour(hour)),
          pageSize - starts.length,
          pageState,
        );
        for (const row of page.rows) {
          starts.push({ sessionId: row.sessionId, playerId: row.playerId, ts: toTimestamp(row.startUs) });
        }
        pageState = page.pageState;
      } while (pageState && starts.length < pageSize);
      if (starts.length >= pageSize) {
        const nextHour = hours[i + 1];
        if (pageState) return { starts, nextPageToken: encodeCursor({ ...cursor, hour, pageState }, signer) };
        if (nextHour === undefined) return { starts, nextPageToken: '' };
        return { starts, nextPageToken: encodeCursor({ ...cursor, hour: nextHour, pageState: undefined }, signer) };
      }
    }
    return { starts, nextPageToken: '' };
  }
}
