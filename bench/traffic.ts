// npm run traffic — a steady mix of what users send, to the gateway of a running `npm start` (127.0.0.1, GATEWAY_PORT,
// default 8080), so that `npm run observe` has something to show: session starts and ends, mode logins, clicks and
// impressions, reactions (Connect JSON), and the queries of each job. Bounded: TRAFFIC_SECONDS (60) at
// TRAFFIC_RATE requests/s (200). Prints a line every 10 s and a summary of statuses.
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../services/shared/config.js';
import { HttpLoad } from './support/http-load.js';

const seconds = Number(process.env.TRAFFIC_SECONDS ?? 60);
const perSecond = Number(process.env.TRAFFIC_RATE ?? 200);
const port = loadConfig().gateway.port;
const http = new HttpLoad('127.0.0.1', port, 16);
const statuses = new Map<string, number>();
const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)];
const areas = ['111', '222', '333'];
const modes = ['Arena', 'Duel', 'Raid', 'Siege'];
const matches = ['final', 'semi-1', 'semi-2'];

/** One request of the mix: mostly reads, as the original systems saw. */
const requests: Array<[weight: number, send: () => Promise<[string, number]>]> = [
  [3, async () => ['GET /stats', await http.send('GET', `/stats/?area_code=${pick(areas)}`)]],
  [3, async () => ['GET /analytics', await http.send('GET', `/analytics?timestamp=${Date.now()}`)]],
  [2, async () => ['GET /by-country', await http.send('GET', `/by-country/${pick(['FI', 'SE', 'DE'])}/1`)]],
  [
    1,
    async () => {
      const body = JSON.stringify({
        items: [
          { area_code: pick(areas), multiplayer_mode: pick(modes), user_id: `u${Math.floor(Math.random() * 500)}`, events_name: 'LOGIN' },
        ],
      });
      return ['POST /events', await http.send('POST', '/events/', body)];
    },
  ],
  [
    1,
    async () => [
      'POST /analytics',
      await http.send(
        'POST',
        `/analytics?timestamp=${Date.now()}&user=u${Math.floor(Math.random() * 500)}&${pick(['click', 'impression'])}`,
      ),
    ],
  ],
  [
    1,
    async () => {
      const [player, session, ts] = [`p${Math.floor(Math.random() * 200)}`, randomUUID(), new Date().toISOString()];
      const body = JSON.stringify([
        { event: 'start', country: pick(['FI', 'SE', 'DE']), player_id: player, session_id: session, ts },
        { event: 'end', player_id: player, session_id: session, ts },
      ]);
      return ['POST /event-handler', await http.send('POST', '/event-handler', body)];
    },
  ],
  [
    1,
    async () => {
      const events = Array.from({ length: 5 }, () => ({
        reaction: {
          userId: randomUUID(),
          matchId: pick(matches),
          emoticon: pick(['EMOTICON_HEART', 'EMOTICON_HAPPY', 'EMOTICON_SAD']),
          ts: new Date().toISOString(),
        },
      }));
      return [
        'IngestEvents (Connect)',
        await http.send('POST', '/gamepulse.ingest.v1.IngestService/IngestEvents', JSON.stringify({ events })),
      ];
    },
  ],
];
const totalWeight = requests.reduce((sum, [weight]) => sum + weight, 0);
function oneRequest(): Promise<[string, number]> {
  let draw = Math.random() * totalWeight;
  for (const [weight, send] of requests) if ((draw -= weight) < 0) return send();
  return requests[0][1]();
}

console.log(`traffic: ${perSecond} requests/s for ${seconds} s to the gateway on 127.0.0.1:${port}`);
const started = performance.now();
const inFlight = new Set<Promise<void>>();
for (let i = 0; i < seconds * perSecond; i++) {
  const due = started + (i * 1000) / perSecond;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const sent = oneRequest()
    .then(
      ([route, status]) => `${route} ${status}`,
      (error: unknown) => `failed: ${(error as Error).message}`,
    )
    .then((outcome) => void statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1))
    .finally(() => inFlight.delete(sent));
  inFlight.add(sent);
  if ((i + 1) % (perSecond * 10) === 0) console.log(`  … ${(i + 1) / perSecond} s, ${i + 1} requests sent`);
}
await Promise.all(inFlight);
http.close();
console.log('\nrequests by route and status:');
for (const [outcome, count] of [...statuses].sort()) console.log(`  ${outcome}: ${count}`);
