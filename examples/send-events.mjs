// Sends a few hundred events of every kind to a running gamepulse with @gamepulse/client's EventSender, then reads
// some back. Against `npm start` (another terminal): `node examples/send-events.mjs`.
// GAMEPULSE_URL (default http://127.0.0.1:8080) and GAMEPULSE_API_KEY (optional on loopback) say where and as whom.
import { randomUUID } from 'node:crypto';
import { createGamepulseClients, Emoticon, EngagementKind, EventSender, ModeAction, timestampFromDate } from '@gamepulse/client';
import { createNodeTransport } from '@gamepulse/client/node';

const transport = createNodeTransport({
  baseUrl: process.env.GAMEPULSE_URL ?? 'http://127.0.0.1:8080',
  apiKey: process.env.GAMEPULSE_API_KEY,
});
const clients = createGamepulseClients(transport);
const sender = new EventSender(clients.ingest, {
  onRejected: (event, reason) => console.error(`rejected ${event.payload.case}: ${reason}`),
});

const ts = timestampFromDate(new Date());
const matchId = `example-${randomUUID().slice(0, 8)}`;
for (let player = 0; player < 50; player++) {
  const playerId = `example-player-${player}`;
  const sessionId = randomUUID();
  await sender.send({ payload: { case: 'sessionStart', value: { playerId, sessionId, country: ['FR', 'DE', 'BR'][player % 3], ts } } });
  await sender.send({
    payload: {
      case: 'mode',
      value: { userId: playerId, areaCode: 'EU1', mode: player % 4 ? 'duel' : 'squad', action: ModeAction.LOGIN, ts },
    },
  });
  for (const kind of [EngagementKind.CLICK, EngagementKind.IMPRESSION])
    await sender.send({ payload: { case: 'engagement', value: { user: playerId, kind, ts } } });
  for (let reaction = 0; reaction < 4; reaction++) {
    await sender.send({
      payload: {
        case: 'reaction',
        value: { userId: playerId, matchId, emoticon: [Emoticon.HEART, Emoticon.FIRE, Emoticon.CLAP][reaction % 3], ts },
      },
    });
  }
}
const counts = await sender.close();
console.log(`sent: ${counts.accepted} accepted, ${counts.duplicate} duplicate, ${counts.rejected} rejected, ${counts.dropped} dropped`);

const { summary } = await clients.reaction.getMatchReactions({ matchId });
console.log(
  `match ${matchId}: ${summary?.emoticons.map((count) => `${Emoticon[count.emoticon]} ${count.count} (intensity ${count.intensity})`).join(', ')}`,
);
const engagement = await clients.reaction.getHourlyEngagement({ timestamp: ts });
console.log(`this hour: ${engagement.uniqueUsers} unique users, ${engagement.clicks} clicks, ${engagement.impressions} impressions`);
const { modes } = await clients.session.listPopularModes({ areaCode: 'EU1' });
console.log(`area EU1: ${modes.map((mode) => `${mode.mode} ${mode.players}`).join(', ')}`);
