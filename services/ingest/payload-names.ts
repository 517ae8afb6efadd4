import type { Event } from '../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';

export type Payload = NonNullable<Event['payload']>;
export type PayloadName = 'session_start' | 'session_end' | 'mode' | 'engagement' | 'reaction';

const names = {
  sessionStart: 'session_start',
  sessionEnd: 'session_end',
  mode: 'mode',
  engagement: 'engagement',
  reaction: 'reaction',
} as const;

/** The payload's field name in the API, as callers and field paths (`session_start.ts`) spell it. */
export function payloadName(payload: Payload): PayloadName {
  return names[payload.$case];
}
