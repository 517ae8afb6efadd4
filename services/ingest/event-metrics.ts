import { Counter } from 'prom-client';
import { EventOutcome, type EventResult } from '../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import type { Event } from '../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { processRegistry } from '../shared/metric-registry.js';
import { payloadName } from './payload-names.js';

const events = new Counter({
  name: 'gamepulse_events_total',
  help:
    'Events ingested, by kind and outcome (accepted, duplicate, rejected, retryable); a rejected one also by the ' +
    'field whose rule it broke (a path of the API, so the label is bounded).',
  labelNames: ['kind', 'outcome', 'field'],
  registers: [processRegistry],
});

const outcomeNames: Record<EventOutcome, string> = {
  [EventOutcome.EVENT_OUTCOME_UNSPECIFIED]: 'unspecified',
  [EventOutcome.EVENT_OUTCOME_ACCEPTED]: 'accepted',
  [EventOutcome.EVENT_OUTCOME_DUPLICATE]: 'duplicate',
  [EventOutcome.EVENT_OUTCOME_REJECTED]: 'rejected',
  [EventOutcome.EVENT_OUTCOME_RETRYABLE]: 'retryable',
  [EventOutcome.UNRECOGNIZED]: 'unspecified',
};

/** Label children by kind/outcome/field, made on first use: a batch costs a map lookup and an increment per event. */
const children = new Map<string, Counter.Internal>();

/** Counts each event of a request by what became of it. */
export function countEventOutcomes(requested: readonly Event[], results: readonly EventResult[]): void {
  results.forEach((result, index) => {
    const payload = requested[index]?.payload;
    const kind = payload ? payloadName(payload) : 'none';
    const outcome = outcomeNames[result.outcome] ?? 'unspecified';
    const field = result.outcome === EventOutcome.EVENT_OUTCOME_REJECTED ? result.field : '';
    const key = `${kind}\u0000${outcome}\u0000${field}`;
    let child = children.get(key);
    if (!child) {
      child = events.labels(kind, outcome, field);
      children.set(key, child);
    }
    child.inc();
  });
}
