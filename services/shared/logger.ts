import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout, one line per event, tagged with the component's name. */
export function createLogger(component: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: component, level, base: { component } });
}
