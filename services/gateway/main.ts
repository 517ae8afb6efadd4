import { backendNames, loadConfig, type BackendName } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { stopOnSignals } from '../shared/process.js';
import { BackendChannel } from './backend-channel.js';
import { BackendHealthChecker } from './health.js';
import { startGatewayServer } from './http-server.js';
import { connectRoutes, plainRoutes } from './routes.js';

const config = loadConfig();
const logger = createLogger('gateway', config.logLevel);
const addresses = Object.fromEntries(backendNames.map((name) => [name, config.services[name].address])) as Record<BackendName, string>;
const channels = Object.fromEntries(
  backendNames.map((name) => [name, new BackendChannel(addresses[name], config.gateway.defaultDeadlineMs)]),
) as Record<BackendName, BackendChannel>;
const health = new BackendHealthChecker(addresses);

const gateway = await startGatewayServer({
  limits: config.gateway,
  connectRoutes: connectRoutes(channels),
  plainRoutes: plainRoutes(health, channels, config.gateway),
  logger,
});
logger.info({ backends: addresses }, 'forwarding to backends');

stopOnSignals(async () => {
  await gateway.close();
  for (const channel of Object.values(channels)) channel.close();
  health.close();
}, logger);
