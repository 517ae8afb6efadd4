import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { activeTraceIds } from './tracing.js';

export type { Logger };

/**
 * Readable, coloured lines for a person at a terminal (`npm start`), JSON lines otherwise (a file, a pipe, a log
 * collector); `LOG_FORMAT=json` or `LOG_FORMAT=pretty` chooses either way. One stream per process, shared by every
 * logger of it.
 */
let prettyStream: DestinationStream | undefined;
function destination(): DestinationStream | undefined {
  const format = process.env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (format !== 'pretty') return undefined;
  prettyStream ??= pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true });
  return prettyStream;
}

/** Logs on stdout, one line per event, tagged with the component's name and, inside a trace, its trace and span ids. */
export function createLogger(component: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  const options = { name: component, level, base: { component }, mixin: activeTraceIds };
  const stream = destination();
  return stream ? pino(options, stream) : pino(options);
}
