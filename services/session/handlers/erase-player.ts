import type { AwaitedInvalidation } from '../../shared/cache.js';
import type { PerGame } from '../../shared/access/game.js';
import { erased, playerToErase } from '../../shared/erasure.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import { retainedDays } from '../../shared/retention.js';
import type { Clock } from '../../shared/time.js';
import type { ErasePlayerRequest, ErasePlayerResponse } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import type { ModeStore } from '../mode-store.js';
import { activeRankingGeneration } from '../ranking-generation.js';
import type { SessionStore } from '../store.js';
import type { WriteClock } from '../write-clock.js';
import { hourCountsKey } from './count-session-starts.js';

/**
 * Removes a player of the call's game from every session and mode table, then drops the cached answers that counted
 * them (hour counts, area rankings) before answering: a query after the answer no longer counts them.
 */
export class ErasePlayerHandler implements UnaryHandler<ErasePlayerRequest, ErasePlayerResponse> {
  constructor(
    private readonly sessions: PerGame<Pick<SessionStore, 'erasePlayer'>>,
    private readonly modes: PerGame<Pick<ModeStore, 'erasePlayer'>>,
    private readonly cache: AwaitedInvalidation,
    private readonly writeClock: Pick<WriteClock, 'next'>,
    private readonly clock: Clock,
  ) {}

  async handle(request: ErasePlayerRequest, context: CallContext): Promise<ErasePlayerResponse> {
    const playerId = playerToErase(request.playerId);
    const game = gameOf(context);
    const sessions = await this.sessions(game).erasePlayer(playerId);
    await this.cache.invalidated(sessions.startHours.map((hour) => hourCountsKey(game, hour)));
    const modes = await this.modes(game).erasePlayer(playerId, retainedDays(this.clock()), this.writeClock.next());
    await Promise.all(modes.areaCodes.map((areaCode) => this.cache.renewGeneration(activeRankingGeneration(game, areaCode))));
    return {
      erased: [
        erased('sessions', 'game_session_parts_by_player', sessions.sessions),
        erased('sessions', 'game_completed_sessions_by_player', sessions.completed),
        erased('sessions', 'game_session_starts_by_country_hour', sessions.starts),
        erased('sessions', 'game_session_starts_by_hour', sessions.starts),
        erased('modes', 'game_mode_events_by_user_day', modes.events),
        erased('modes', 'game_mode_logins_by_area_hour', modes.logins),
        erased('modes', 'game_mode_active_users_by_area', modes.activeIn),
      ],
    };
  }
}
