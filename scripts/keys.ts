// `npm run keys -- <command>`: an operator's API keys, straight in Cassandra (the first admin key of a deployment is
// made here; after that, AccessService does the same over the gateway). Runs the AccessService handlers themselves.
//   create --game <game> --scope <ingest|read|admin> [--scope …] [--label <text>] [--rate <per second>[/<burst>]]
//   list   --game <game>
//   revoke --key-id <key id>
import { parseArgs } from 'node:util';
import { Status } from 'nice-grpc';
import { Scope, type ApiKey } from '../gen/ts-proto/gamepulse/access/v1/access.js';
import { keyHandlers } from '../services/access/routes.js';
import { AccessKeyStore } from '../services/access/store.js';
import { connectCassandra } from '../services/shared/cassandra.js';
import { loadConfig } from '../services/shared/config.js';
import { toStatusError } from '../services/shared/errors.js';
import { createLogger } from '../services/shared/logger.js';

const usage = `usage: npm run keys -- create --game <game> --scope <ingest|read|admin> [--scope …] [--label <text>] [--rate <per second>[/<burst>]]
       npm run keys -- list --game <game>
       npm run keys -- revoke --key-id <key id>`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    game: { type: 'string', default: '' },
    scope: { type: 'string', multiple: true, default: [] },
    label: { type: 'string', default: '' },
    rate: { type: 'string', default: '0' },
    'key-id': { type: 'string', default: '' },
  },
});
const scopeByName: Record<string, Scope> = { ingest: Scope.SCOPE_INGEST, read: Scope.SCOPE_READ, admin: Scope.SCOPE_ADMIN };

const config = loadConfig();
const cassandra = await connectCassandra(config.cassandra, createLogger('keys', 'warn'));
const handlers = keyHandlers(new AccessKeyStore(cassandra));
const operator = { signal: new AbortController().signal, deadline: undefined };

const describe = (key: ApiKey) =>
  [
    key.keyId,
    key.game,
    key.scopes.map((s) => Scope[s].replace('SCOPE_', '').toLowerCase()).join(','),
    key.revokedAt ? 'revoked' : 'active',
    JSON.stringify(key.label),
    key.ratePerSecond ? `${key.ratePerSecond}/s, burst ${key.burst}` : 'default rate',
  ].join('\t');

try {
  switch (positionals[0]) {
    case 'create': {
      const unknown = values.scope.find((name) => !(name in scopeByName));
      if (unknown !== undefined) throw new Error(`--scope: one of ingest, read, admin, got "${unknown.slice(0, 40)}"`);
      const rate = /^(\d{1,7})(?:\/(\d{1,8}))?$/.exec(values.rate);
      if (!rate) throw new Error(`--rate: <requests per second>[/<burst>], got "${values.rate.slice(0, 40)}"`);
      const { key, secret } = await handlers.createKey.handle(
        {
          game: values.game,
          scopes: values.scope.map((name) => scopeByName[name]),
          label: values.label,
          ratePerSecond: Number(rate[1]),
          burst: Number(rate[2] ?? 0),
        },
        operator,
      );
      console.log(`created ${describe(key!)}`);
      console.log(`key (shown once; send as "Authorization: Bearer <key>"):\n${secret}`);
      break;
    }
    case 'list': {
      const { keys } = await handlers.listKeys.handle({ game: values.game }, operator);
      console.log(['key id', 'game', 'scopes', 'state', 'label', 'rate limit'].join('\t'));
      for (const key of keys) console.log(describe(key));
      console.log(`${keys.length} key(s)`);
      break;
    }
    case 'revoke': {
      const { key } = await handlers.revokeKey.handle({ keyId: values['key-id'] }, operator);
      console.log(`revoked ${describe(key!)} (every gateway refuses it within seconds)`);
      break;
    }
    default:
      throw new Error(usage);
  }
} catch (error) {
  const { code, details } = toStatusError(error);
  console.error(code === Status.INTERNAL ? (error as Error).message : details);
  process.exitCode = 2;
} finally {
  await cassandra.shutdown();
}
