import { countryCodes } from '../../services/shared/countries.js';
import { DAY_MS } from '../../services/shared/time.js';

export interface GeneratorOptions {
  players: number;
  sessions: number;
  days: number;
  seed: number;
  now: number;
}

/** The kinds of junk the original data held in place of a country. */
const junkCountries = ['Code', '(.uk)', '', 'XX', 'uk', 'N/A'];

/** A small seeded PRNG (mulberry32): the same options give the same file. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Lines of the original session system's format, one session at a time so memory stays constant: players with
 * 32-hex ids and a home country (1 in 100 starts carries junk instead), UUID sessions starting within the last
 * `days` days and lasting 1 minute to 3 hours (still running sessions have no end), about 5% of ends written before
 * their starts and about 2% of lines written twice.
 */
export function* generateSessionLines(options: GeneratorOptions): Generator<string> {
  const random = seededRandom(options.seed);
  const hex = (length: number) => Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(random() * 4)]}${hex(3)}-${hex(12)}`;
  const players = Array.from({ length: options.players }, () => ({
    id: hex(32),
    // Skewed towards the first countries so that some countries are busy, as in real traffic.
    country: countryCodes[Math.floor(random() ** 2 * countryCodes.length)],
  }));
  const iso = (ms: number) => {
    const micros = String(Math.floor(random() * 1000)).padStart(3, '0');
    return new Date(ms).toISOString().replace('Z', micros);
  };
  for (let i = 0; i < options.sessions; i++) {
    const player = players[Math.floor(random() * players.length)];
    const session = uuid();
    const startMs = options.now - Math.floor(random() * options.days * DAY_MS);
    const endMs = startMs + 60_000 + Math.floor(random() * random() * 3 * 3_600_000);
    const country = random() < 0.01 ? junkCountries[Math.floor(random() * junkCountries.length)] : player.country;
    const startLine = JSON.stringify({ event: 'start', country, player_id: player.id, session_id: session, ts: iso(startMs) });
    const lines = [startLine];
    if (endMs <= options.now) {
      const endLine = JSON.stringify({ event: 'end', player_id: player.id, session_id: session, ts: iso(endMs) });
      if (random() < 0.05) lines.unshift(endLine);
      else lines.push(endLine);
    }
    for (const line of lines) {
      yield line;
      if (random() < 0.02) yield line;
    }
  }
}
