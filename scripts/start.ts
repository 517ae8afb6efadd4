// `npm start`: runs every service and the gateway as separate processes and prints where they listen.
import { loadConfig } from '../services/shared/config.js';
import { startStack } from './launcher.js';
import { LOCAL_GAME, localApiKey } from './local-key.js';

const config = loadConfig();
const stack = await startStack({});
const { ports } = stack;
const apiKey = await localApiKey(config);
const keyNeeded = config.auth === 'on' ? 'required' : config.auth === 'off' ? 'not asked for (GAMEPULSE_AUTH=off)' : 'optional on loopback';
console.log(`
gamepulse is running (Ctrl-C stops it)
  API key   ${apiKey}
            game "${LOCAL_GAME}", every scope; ${keyNeeded}: -H 'Authorization: Bearer <key>'
  gateway   http://127.0.0.1:${ports.gateway}   Connect JSON, gRPC-Web, gRPC (h2c); GET /healthz, /livez
  dashboard http://127.0.0.1:${ports.gateway}/dashboard   (traffic for it: npm run simulate -- --rate 300 --duration 120)
  ingest    127.0.0.1:${ports.ingest}   gRPC (reflection, grpc.health.v1)
  session   127.0.0.1:${ports.session}
  reaction  127.0.0.1:${ports.reaction}
  games     127.0.0.1:${ports.games}
  metrics   ${Object.entries(ports.metrics)
    .map(([name, port]) => `${name} http://127.0.0.1:${port}/metrics`)
    .join('\n            ')}
`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  console.log('stopping every service...');
  void stack.stop().then(() => {
    console.log('stopped');
    process.exit(0);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
