import type { GenerationReads } from '../../shared/cache.js';
import { activeRankingGeneration, areaSubject, gameAndAreaOf } from '../../session/ranking-generation.js';
import { MicroCache } from '../micro-cache.js';

/** An area's modes by users active now, as `/stats/` answers them. */
export type Popularity = Array<{ count: number; multiplayer_mode: string }>;

/** What the session service answers of an area now: its ranking and when its first active user goes idle. */
export interface ActiveRanking {
  modes: Popularity;
  firstIdleMs: number | undefined;
}

interface Held extends ActiveRanking {
  /** The area's ranking generation read before the ranking (undefined: Redis could not say). */
  generation: string | null | undefined;
  loadedAt: number;
}

/**
 * A shared answer is served until it is this old, counted from its load or from the last time the area's ranking
 * generation showed it unchanged; after REFRESH_MS one background load replaces it.
 */
const MAX_AGE_MS = 900;
const REFRESH_MS = 600;
/** How often the generations of the answers held are read (one Redis MGET): what another gateway's writes wait. */
const CONFIRM_INTERVAL_MS = 100;
/**
 * An answer is re-read this long after its load even while its generation stays: a write whose generation renewal
 * was lost (its Redis write failed, its process died after storing) is then still seen within this.
 */
const MAX_CONFIRMED_AGE_MS = 5_000;
const MAX_AREAS = 1000;

/**
 * The `/stats/` answers of games' areas' users active now, shared by every caller of this gateway. Without Redis an answer is
 * re-read once 600 ms old; with it, every 100 ms the generations of the areas held say which answers are still current
 * (the session service renews an area's generation after each write to it), so an unchanged area is re-read only when
 * its first active user goes idle, or after 5 s.
 */
export class ActiveRankings {
  private readonly answers = new MicroCache<Held>(MAX_AGE_MS, MAX_AREAS, REFRESH_MS);
  private confirming = false;

  constructor(
    private readonly read: (game: string, areaCode: string) => Promise<ActiveRanking>,
    private readonly generations: GenerationReads,
    stopping: AbortSignal,
  ) {
    const timer = setInterval(() => void this.confirmUnchanged(), CONFIRM_INTERVAL_MS);
    timer.unref();
    stopping.addEventListener('abort', () => clearInterval(timer), { once: true });
  }

  async get(game: string, areaCode: string): Promise<Popularity> {
    const subject = areaSubject(game, areaCode);
    return (await this.answers.get(subject, () => this.load(subject))).modes;
  }

  /** Reads the game's area afresh (its ranking changed): its callers from now on wait for the new answer. */
  replace(game: string, areaCode: string): void {
    const subject = areaSubject(game, areaCode);
    this.answers.replace(subject, () => this.load(subject));
  }

  private async load(subject: string): Promise<Held> {
    const loadedAt = Date.now();
    const [game, areaCode] = gameAndAreaOf(subject);
    const [generation] = (await this.generations.currentGenerations([activeRankingGeneration(game, areaCode)])) ?? [undefined];
    return { ...(await this.read(game, areaCode)), generation, loadedAt };
  }

  /** Keeps every answer whose area's generation is the one it was read under, until the next check. */
  private async confirmUnchanged(): Promise<void> {
    if (this.confirming) return;
    this.confirming = true;
    try {
      const now = Date.now();
      const held = [...this.answers.settled()].filter(([, answer]) => isConfirmable(answer, now));
      if (held.length === 0) return;
      const current = await this.generations.currentGenerations(
        held.map(([subject]) => activeRankingGeneration(...gameAndAreaOf(subject))),
      );
      if (!current) return;
      held.forEach(([subject, answer], i) => {
        if (current[i] === answer.generation) this.answers.confirm(subject, answer, now);
      });
    } finally {
      this.confirming = false;
    }
  }
}

/** Whether an unchanged generation still proves `answer` current at `now`. */
function isConfirmable(answer: Held, now: number): boolean {
  if (answer.generation === undefined || now - answer.loadedAt > MAX_CONFIRMED_AGE_MS) return false;
  // Somebody active with no known idle time: a row published before idle times were kept.
  if (answer.firstIdleMs === undefined) return answer.modes.length === 0;
  return now < answer.firstIdleMs;
}
