import type { ResponseCache } from '../shared/cache.js';
import { mapConcurrently } from '../shared/batch.js';
import { before, hourOf, hours as spanOfHours, toMillis, type Clock, type Micros } from '../shared/time.js';
import type { ModePopularity } from '../../gen/ts-proto/gamepulse/session/v1/session.js';
import type { PerGame } from '../shared/access/game.js';
import type { ModeStore } from './mode-store.js';

/** A window's answer moves with the clock and with every LOGIN; it is shared this long, across replicas. */
const WINDOW_ANSWER_TTL_MS = 500;
const HOUR_READ_CONCURRENCY = 16;

/** The rankings of a game's area's modes: by users active now, and by distinct users who logged in over a window. */
export class PopularModes {
  constructor(
    private readonly stores: PerGame<ModeStore>,
    private readonly cache: ResponseCache,
    private readonly clock: Clock,
  ) {}

  /**
   * Modes by users active in them now, and when the first of those users goes idle: one read of the area's index of
   * active users.
   */
  async active(game: string, areaCode: string, limit: number): Promise<{ modes: ModePopularity[]; firstIdleUs: Micros | undefined }> {
    const { counts, firstIdleUs } = await this.stores(game).countActive(areaCode);
    const modes = ranked(
      [...counts].map(([mode, players]) => ({ mode, players, logins: 0 })),
      limit,
    );
    return { modes, firstIdleUs };
  }

  /** Modes by distinct users who logged in during [now − hours, now], exact to the event time. */
  async window(game: string, areaCode: string, hours: number, limit: number): Promise<ModePopularity[]> {
    const now = this.clock();
    const key = `session:v2:modes-window:${game}:${areaCode}:${hours}:${Math.floor(toMillis(now) / WINDOW_ANSWER_TTL_MS)}`;
    const all = await this.cache.getOrCompute(key, WINDOW_ANSWER_TTL_MS, () => this.countWindow(this.stores(game), areaCode, hours, now));
    return ranked(all, limit);
  }

  private async countWindow(
    store: ModeStore,
    areaCode: string,
    hours: number,
    now: Micros,
  ): Promise<Array<{ mode: string; players: number; logins: number }>> {
    const from = before(now, spanOfHours(hours));
    const hourList = await store.loginHoursSince(areaCode, hourOf(from));
    const perHour = await mapConcurrently(hourList, HOUR_READ_CONCURRENCY, (hour) => store.loginsInHour(areaCode, hour));
    const users = new Map<string, Set<string>>();
    const logins = new Map<string, number>();
    for (const rows of perHour) {
      for (const row of rows) {
        if (row.tsUs < from || row.tsUs > now) continue;
        if (!users.has(row.mode)) users.set(row.mode, new Set());
        users.get(row.mode)!.add(row.userId);
        logins.set(row.mode, (logins.get(row.mode) ?? 0) + 1);
      }
    }
    return [...users].map(([mode, players]) => ({ mode, players: players.size, logins: logins.get(mode)! }));
  }
}

/** Most players first, then by mode name; the first `limit`, ranked from 1. */
function ranked(modes: Array<{ mode: string; players: number; logins: number }>, limit: number): ModePopularity[] {
  return modes
    .filter((mode) => mode.players > 0)
    .sort((a, b) => b.players - a.players || (a.mode < b.mode ? -1 : a.mode > b.mode ? 1 : 0))
    .slice(0, limit)
    .map((mode, index) => ({ rank: index + 1, ...mode }));
}
