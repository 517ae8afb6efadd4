import { ValidationError } from './errors.js';
import { isRejection, type Rejection } from './event-rules.js';
import { EventOutcome, type EventResult } from '../../gen/ts-proto/gamepulse/common/v1/event_result.js';

/** Most events one batch RPC takes. */
export const MAX_BATCH = 500;

export function checkBatchSize(count: number, field = 'events', max = MAX_BATCH): void {
  if (count < 1 || count > max) throw new ValidationError(field, `must hold 1 to ${max} events, got ${count}`);
}

export function accepted(index: number, eventId: string): EventResult {
  return { index, eventId, outcome: EventOutcome.EVENT_OUTCOME_ACCEPTED, reason: '', field: '' };
}

export function duplicate(index: number, eventId: string): EventResult {
  return { index, eventId, outcome: EventOutcome.EVENT_OUTCOME_DUPLICATE, reason: '', field: '' };
}

export function rejected(index: number, eventId: string, field: string, rule: string): EventResult {
  return { index, eventId, outcome: EventOutcome.EVENT_OUTCOME_REJECTED, reason: `${field}: ${rule}`, field };
}

/** Runs `task` over every item with at most `limit` running at once; results keep the items' order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** How a service records one kind of event. */
export interface RecordSteps<E, Row> {
  /** The event as a row to store, or why it is refused. */
  validate(event: E): Row | Rejection;
  /** Two events of one batch with the same key are one event: the second is a duplicate. */
  dedupeKey(row: Row): string;
  /** Stores the row; false if it was already stored (a duplicate). */
  store(row: Row): Promise<boolean>;
}

/** Events in flight per call: enough to hide Cassandra's latency, few enough to leave it room. */
const RECORD_CONCURRENCY = 32;

/**
 * The batch-recording loop every owner of events shares: size check, validation, duplicates within the batch and
 * in storage, and one result per event in request order. `stored` holds the rows stored now.
 */
export async function recordBatch<E extends { eventId: string }, Row>(
  events: readonly E[],
  steps: RecordSteps<E, Row>,
): Promise<{ results: EventResult[]; stored: Row[] }> {
  checkBatchSize(events.length);
  const inThisBatch = new Set<string>();
  const stored: Row[] = [];
  const results = await mapConcurrently(events, RECORD_CONCURRENCY, async (event, index) => {
    const row = steps.validate(event);
    if (isRejection(row as object)) {
      const { field, rule } = row as Rejection;
      return rejected(index, event.eventId, field, rule);
    }
    const valid = row as Row;
    const key = steps.dedupeKey(valid);
    if (inThisBatch.has(key)) return duplicate(index, event.eventId);
    inThisBatch.add(key);
    if (!(await steps.store(valid))) return duplicate(index, event.eventId);
    stored.push(valid);
    return accepted(index, event.eventId);
  });
  return { results, stored };
}
