import { randomUUID } from 'node:crypto';
import type { EventInit } from '@gamepulse/client';
import { Emoticon, EngagementKind, ModeAction, timestampFromDate } from '@gamepulse/client';

/** The matches the simulator's reactions go to; the dashboard watches the first by default. */
export const SIMULATED_MATCHES = ['sim-match-1', 'sim-match-2', 'sim-match-3'];
/** The area codes of its mode events; the dashboard shows the first by default. */
export const SIMULATED_AREAS = ['EU1', 'NA1', 'AS1'];
const COUNTRIES = ['FR', 'DE', 'BR', 'US', 'JP', 'KR', 'GB', 'ES'];
const MODES = ['duel', 'squad', 'battle-royale', 'ranked'];
const EMOTICONS = [Emoticon.HEART, Emoticon.HAPPY, Emoticon.FIRE, Emoticon.CLAP, Emoticon.SAD, Emoticon.SURPRISED];

interface Player {
  id: string;
  country: string;
  area: string;
  /** The session they are in, if any. */
  sessionId?: string;
  /** The mode they are logged into, if any. */
  mode?: string;
}

/**
 * Players of a live game as the simulator plays them: they start and end sessions in their country, log into modes
 * of their area and switch or leave, click and see ads, and react to a few live matches, one of which has a burst of
 * reactions now and then. Each call to `next` is one event, chosen by weight.
 */
export class TrafficModel {
  private readonly players: Player[];
  private burstMatch = 0;
  private burstLeft = 0;

  constructor(
    playerCount: number,
    private readonly random: () => number = Math.random,
    private readonly newSessionId: () => string = randomUUID,
  ) {
    this.players = Array.from({ length: playerCount }, (_, index) => ({
      id: `sim-player-${index}`,
      country: COUNTRIES[index % COUNTRIES.length],
      area: SIMULATED_AREAS[index % SIMULATED_AREAS.length],
    }));
  }

  /** One event at `now`. */
  next(now: Date): EventInit {
    const ts = timestampFromDate(now);
    const roll = this.random();
    if (roll < 0.4) return this.reaction(ts);
    if (roll < 0.7) return this.engagement(ts);
    if (roll < 0.85) return this.session(ts);
    return this.mode(ts);
  }

  private reaction(ts: ReturnType<typeof timestampFromDate>): EventInit {
    if (this.burstLeft === 0 && this.random() < 0.01) {
      this.burstMatch = Math.floor(this.random() * SIMULATED_MATCHES.length);
      this.burstLeft = 200 + Math.floor(this.random() * 800);
    }
    let match = Math.floor(this.random() * SIMULATED_MATCHES.length);
    if (this.burstLeft > 0) {
      this.burstLeft--;
      match = this.burstMatch;
    }
    const player = this.pick();
    const emoticon = EMOTICONS[Math.floor(this.random() * EMOTICONS.length)];
    return { payload: { case: 'reaction', value: { userId: player.id, matchId: SIMULATED_MATCHES[match], emoticon, ts } } };
  }

  private engagement(ts: ReturnType<typeof timestampFromDate>): EventInit {
    const kind = this.random() < 0.2 ? EngagementKind.CLICK : EngagementKind.IMPRESSION;
    return { payload: { case: 'engagement', value: { user: this.pick().id, kind, ts } } };
  }

  private session(ts: ReturnType<typeof timestampFromDate>): EventInit {
    const player = this.pick();
    if (player.sessionId) {
      const sessionId = player.sessionId;
      player.sessionId = undefined;
      return { payload: { case: 'sessionEnd', value: { playerId: player.id, sessionId, ts } } };
    }
    player.sessionId = this.newSessionId();
    return { payload: { case: 'sessionStart', value: { playerId: player.id, sessionId: player.sessionId, country: player.country, ts } } };
  }

  private mode(ts: ReturnType<typeof timestampFromDate>): EventInit {
    const player = this.pick();
    if (player.mode && this.random() < 0.3) {
      const mode = player.mode;
      player.mode = undefined;
      return { payload: { case: 'mode', value: { userId: player.id, areaCode: player.area, mode, action: ModeAction.LOGOUT, ts } } };
    }
    // Popular modes stay popular: the first ones are picked more often.
    player.mode = MODES[Math.floor(this.random() ** 2 * MODES.length)];
    return {
      payload: { case: 'mode', value: { userId: player.id, areaCode: player.area, mode: player.mode, action: ModeAction.LOGIN, ts } },
    };
  }

  private pick(): Player {
    return this.players[Math.floor(this.random() * this.players.length)];
  }
}
