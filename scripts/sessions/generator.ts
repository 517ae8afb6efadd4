import { countryCodes } from '../../services/shared/countries.js';
import { after, before, days, formatIso, hours, micros, minutes, type Micros } from '../../services/shared/time.js';

export interface GeneratorOptions {
  players: number;
  sessions: number;
  days: number;
  seed: number;
  now: Micros;
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
  // The original's format: microseconds, no zone.
  const iso = (time: Micros) => formatIso(after(time, micros(Math.floor(random() * 1000)))).replace('Z', '');
  for (let i = 0; i < options.sessions; i++) {
    const player = players[Math.floor(random() * players.length)];
    const session = uuid();
    const start = before(options.now, micros(Math.floor(random() * days(options.days))));
    const end = after(after(start, minutes(1)), micros(Math.floor(random() * random() * hours(3))));
    const country = random() < 0.01 ? junkCountries[Math.floor(random() * junkCountries.length)] : player.country;
    const startLine = JSON.stringify({ event: 'start', country, player_id: player.id, session_id: session, ts: iso(start) });
    const lines = [startLine];
    if (end <= options.now) {
      const endLine = JSON.stringify({ event: 'end', player_id: player.id, session_id: session, ts: iso(end) });
      if (random() < 0.05) lines.unshift(endLine);
      else lines.push(endLine);
    }
    for (const line of lines) {
      yield line;
      if (random() < 0.02) yield line;
    }
  }
}
