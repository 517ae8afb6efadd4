// The session service's erasure rules against in-memory stores and cache: it erases the call's game only, drops the
// counts of exactly the hours the player had starts in and renews the rankings of exactly their areas, and does so
// before it answers; a malformed player id erases nothing.
import { describe, expect, it } from 'vitest';
import { Status } from 'nice-grpc';
import { toStatusError } from '../../shared/errors.js';
import { before, fromMillis, HOUR, hours, type Micros } from '../../shared/time.js';
import { ErasePlayerHandler } from '../handlers/erase-player.js';
import { hourCountsKey } from '../handlers/count-session-starts.js';
import type { ErasedModes } from '../mode-store.js';
import { activeRankingGeneration } from '../ranking-generation.js';
import type { ErasedSessions } from '../store.js';

const now = fromMillis(Date.UTC(2026, 11, 4, 12, 30));
const context = (game?: string) => ({ signal: new AbortController().signal, deadline: undefined, game });

function setUp(sessions: ErasedSessions, modes: ErasedModes) {
  const calls: string[] = [];
  let answered = false;
  const handler = new ErasePlayerHandler(
    (game) => ({ erasePlayer: async (playerId) => (calls.push(`sessions ${game}/${playerId}`), sessions) }),
    (game) => ({
      erasePlayer: async (playerId, days: readonly Micros[]) => (calls.push(`modes ${game}/${playerId} over ${days.length} days`), modes),
    }),
    {
      invalidated: async (keys) => void calls.push(...keys.map((key) => `drop ${key}${answered ? ' (late)' : ''}`)),
      renewGeneration: async (name) => void calls.push(`renew ${name}${answered ? ' (late)' : ''}`),
    },
    { next: () => now },
    () => now,
  );
  const erase = async (playerId: string, game?: string) => {
    const response = await handler.handle({ playerId }, context(game));
    answered = true;
    return response;
  };
  return { calls, erase };
}

describe('ErasePlayerHandler (session service)', () => {
  it("erases the call's game's player, then drops what counted them before answering, and reports per table", async () => {
    const startHours = [before(now, HOUR), before(now, hours(3))];
    const { calls, erase } = setUp(
      { sessions: 3, completed: 2, starts: 3, startHours },
      { events: 4, logins: 2, activeIn: 1, areaCodes: ['E1', 'W2'] },
    );
    const response = await erase('pat', 'space-raiders');
    expect(calls).toEqual([
      'sessions space-raiders/pat',
      ...startHours.map((hour) => `drop ${hourCountsKey('space-raiders', hour)}`),
      'modes space-raiders/pat over 366 days',
      `renew ${activeRankingGeneration('space-raiders', 'E1')}`,
      `renew ${activeRankingGeneration('space-raiders', 'W2')}`,
    ]);
    expect(Object.fromEntries(response.erased.map((row) => [row.table, row.removed]))).toEqual({
      game_session_parts_by_player: 3,
      game_completed_sessions_by_player: 2,
      game_session_starts_by_country_hour: 3,
      game_session_starts_by_hour: 3,
      game_mode_events_by_user_day: 4,
      game_mode_logins_by_area_hour: 2,
      game_mode_active_users_by_area: 1,
    });
  });

  it('erases in the default game when the call names none', async () => {
    const { calls, erase } = setUp(
      { sessions: 0, completed: 0, starts: 0, startHours: [] },
      { events: 0, logins: 0, activeIn: 0, areaCodes: [] },
    );
    await erase('pat');
    expect(calls).toEqual(['sessions local/pat', 'modes local/pat over 366 days']);
  });

  it('refuses a malformed player id with INVALID_ARGUMENT naming player_id, touching nothing', async () => {
    const { calls, erase } = setUp(
      { sessions: 1, completed: 0, starts: 1, startHours: [hours(1)] },
      { events: 0, logins: 0, activeIn: 0, areaCodes: [] },
    );
    for (const playerId of ['', 'x'.repeat(300)]) {
      const error = await erase(playerId).catch((failure: unknown) => toStatusError(failure));
      expect(error).toMatchObject({ code: Status.INVALID_ARGUMENT, details: expect.stringMatching(/^player_id: /) });
    }
    expect(calls).toEqual([]);
  });
});
