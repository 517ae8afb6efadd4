import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { AuthMode } from './caller.js';

/** Whether `host` is a loopback address: a process bound there is reachable from this machine only. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * How a process treats callers, like Redis' protected mode: bound to loopback (the `npm start` default) API keys are
 * optional; bound to any other address it refuses to start unless auth is on (with the service credential every
 * process shares) or switched off explicitly with GAMEPULSE_AUTH=off, which is logged as a warning. Throws the
 * refusal, for the process to exit on.
 */
export function authModeOf(config: Pick<Config, 'auth' | 'host' | 'serviceCredential'>, logger: Logger): AuthMode {
  if (config.auth === 'off') {
    logger.warn({ host: config.host }, 'GAMEPULSE_AUTH=off: no API key is asked for; whoever reaches a port may read and write every game');
    return 'off';
  }
  if (config.auth === 'on') {
    if (!config.serviceCredential) {
      throw new Error('GAMEPULSE_AUTH=on needs GAMEPULSE_SERVICE_CREDENTIAL, the secret every process of the deployment shares');
    }
    return 'required';
  }
  if (isLoopback(config.host)) return 'optional';
  throw new Error(
    `refusing to start: bound to ${config.host} (GAMEPULSE_HOST), not loopback, with GAMEPULSE_AUTH unset. ` +
      'Set GAMEPULSE_AUTH=on and GAMEPULSE_SERVICE_CREDENTIAL, then create keys with npm run keys (README, Security); ' +
      'or GAMEPULSE_AUTH=off to serve anyone who reaches the ports',
  );
}

/** The exit status of a process that refuses to start for its configuration (sysexits' EX_CONFIG). */
const EXIT_CONFIG = 78;

/** authModeOf for a process starting up: a refusal is logged and ends the process. */
export function authModeOrExit(config: Pick<Config, 'auth' | 'host' | 'serviceCredential'>, logger: Logger): AuthMode {
  try {
    return authModeOf(config, logger);
  } catch (error) {
    logger.fatal((error as Error).message);
    process.exit(EXIT_CONFIG);
  }
}
