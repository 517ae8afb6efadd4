/** A headline figure of the benchmarks and, where an issue set one, the target it is held to. */
export interface Headline {
  name: string;
  describe: string;
  unit: 'ms' | 'µs' | 'share' | 'requests/s';
  /** The target as text, and whether a figure meets it. */
  target?: { text: string; met: (value: number) => boolean };
}

const atMost = (limit: number, unit: string) => ({ text: `≤ ${limit} ${unit}`, met: (value: number) => value <= limit });
const below = (limit: number, unit: string) => ({ text: `< ${limit} ${unit}`, met: (value: number) => value < limit });
const atLeast = (share: number) => ({ text: `≥ ${share}`, met: (value: number) => value >= share });

/**
 * The figures `npm run bench` tabulates, in order. Targets: issue 12 (engagement, sessions, write CPU no more than on
 * 2026-12-04 before it), issue 7 (modes), issue 8 (Connect-4).
 */
export const headlines: Headline[] = [
  { name: 'engagement.p99@1000', describe: 'engagement 95/5 mix, p99 at 1,000 requests/s', unit: 'ms', target: atMost(5, 'ms') },
  { name: 'engagement.p99@2000', describe: 'engagement 95/5 mix, p99 at 2,000 requests/s', unit: 'ms', target: atMost(5, 'ms') },
  { name: 'engagement.p99@4000', describe: 'engagement 95/5 mix, p99 at 4,000 requests/s', unit: 'ms', target: atMost(5, 'ms') },
  {
    name: 'engagement.post-p99@2000',
    describe: 'engagement POST p99 within the mix at 2,000 requests/s',
    unit: 'ms',
    target: atMost(10, 'ms'),
  },
  { name: 'engagement.p99@10000', describe: 'engagement 95/5 mix, p99 at 10,000 requests/s', unit: 'ms', target: below(50, 'ms') },
  {
    name: 'engagement.highest-rate-held',
    describe: 'engagement 95/5 mix, highest rate held with p99 < 50 ms (the original: 5,000)',
    unit: 'requests/s',
    target: { text: '> 5,000 /s', met: (value) => value > 5000 },
  },
  {
    name: 'sessions.by-country-p99',
    describe: 'GET /by-country p99, 400 queries/s during 1,000 events/s',
    unit: 'ms',
    target: below(50, 'ms'),
  },
  {
    name: 'sessions.by-player-p99',
    describe: 'GET /by-player p99, 400 queries/s during 1,000 events/s',
    unit: 'ms',
    target: below(50, 'ms'),
  },
  {
    name: 'sessions.ingest-share-of-raw',
    describe: 'session ingest, best rate as a share of the raw driver',
    unit: 'share',
    target: atLeast(0.6),
  },
  { name: 'write-cpu.reactions', describe: 'CPU per reaction event, ingest + reaction, at 2,000/s', unit: 'µs', target: atMost(238, 'µs') },
  { name: 'write-cpu.sessions', describe: 'CPU per session event, ingest + session, at 2,000/s', unit: 'µs', target: atMost(313, 'µs') },
  { name: 'modes.p99@3000', describe: 'modes 95/5 mix, p99 at 3,000 requests/s', unit: 'ms', target: below(20, 'ms') },
  { name: 'connect4.import-share-of-raw', describe: 'Connect-4 import as a share of the raw driver', unit: 'share', target: atLeast(0.6) },
  { name: 'connect4.p99 /connect4/first-move-columns', describe: 'Connect-4 first-move columns p99, 16 callers', unit: 'ms' },
  { name: 'connect4.p99 /connect4/games-by-nationality', describe: 'Connect-4 games by nationality p99, 16 callers', unit: 'ms' },
  {
    name: 'connect4.p99 /connect4/single-game-players',
    describe: 'Connect-4 single-game players p99, 16 callers',
    unit: 'ms',
    target: atMost(10, 'ms'),
  },
];
