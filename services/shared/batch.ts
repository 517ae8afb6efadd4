import { ValidationError } from './errors.js';
import { isRejection, type Rejection } from './event-rules.js';
import { isStorageUnavailable } from './storage-errors.js';
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

/** Not stored for a reason a retry can fix (`reason` says what could not be reached). */
export function retryable(index: number, eventId: string, reason: string): EventResult {
  return { index, eventId, outcome: EventOutcome.EVENT_OUTCOME_RETRYABLE, reason, field: '' };
}

/** A repeat of an earlier event of the same batch shares its fate: stored once, so a duplicate; else the same. */
export function fateOfRepeat(first: EventResult, index: number): EventResult {
  return first.outcome === EventOutcome.EVENT_OUTCOME_ACCEPTED || first.outcome === EventOutcome.EVENT_OUTCOME_DUPLICATE
    ? duplicate(index, first.eventId)
    : { ...first, index };
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
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** How a service records one kind of event. */
export interface RecordSteps<E, Row> {
  /**
   * The event (at `index` in its request) as a row to store, or why it is refused. Called for every event, in order,
   * before `store` is called for any, so a service can see the whole batch (the session service pairs halves).
   */
  validate(event: E, index: number): Row | Rejection;
  /** Two events of one batch with the same key are one event: the second is a duplicate. */
  dedupeKey(row: Row): string;
  /** Stores the row; false if it was already stored (a duplicate). */
  store(row: Row): Promise<boolean>;
}

/** Events in flight per call: enough to hide Cassandra's latency, few enough to leave it room. */
const RECORD_CONCURRENCY = 32;

export const STORAGE_RETRY_REASON = 'not stored: the storage is unavailable; retry the event';

/**
 * The batch-recording loop every owner of events shares: size check, validation, duplicates within the batch and
 * in storage, and one result per event in request order. An event whose write fails because the storage is
 * unavailable is retryable (its writes are idempotent upserts, so a retry completes it); the others of the batch are
 * unaffected. Any other failure fails the call. `stored` holds the rows
 * stored now.
 */
export async function recordBatch<E extends { eventId: string }, Row>(
  events: readonly E[],
  steps: RecordSteps<E, Row>,
): Promise<{ results: EventResult[]; stored: Row[] }> {
  checkBatchSize(events.length);
  const results = new Array<EventResult>(events.length);
  const firstIndexOf = new Map<string, number>();
  const repeats: Array<{ index: number; first: number }> = [];
  const toStore: Array<{ index: number; row: Row }> = [];
  events.forEach((event, index) => {
    const row = steps.validate(event, index);
    if (isRejection(row as object)) {
      const { field, rule } = row as Rejection;
      results[index] = rejected(index, event.eventId, field, rule);
      return;
    }
    const key = steps.dedupeKey(row as Row);
    const first = firstIndexOf.get(key);
    if (first !== undefined) repeats.push({ index, first });
    else {
      firstIndexOf.set(key, index);
      toStore.push({ index, row: row as Row });
    }
  });
  const stored: Row[] = [];
  await mapConcurrently(toStore, RECORD_CONCURRENCY, async ({ index, row }) => {
    const { eventId } = events[index];
    try {
      if (!(await steps.store(row))) {
        results[index] = duplicate(index, eventId);
        return;
      }
    } catch (error) {
      if (!isStorageUnavailable(error)) throw error;
      results[index] = retryable(index, eventId, STORAGE_RETRY_REASON);
      return;
    }
    stored.push(row);
    results[index] = accepted(index, eventId);
  });
  for (const { index, first } of repeats) results[index] = fateOfRepeat(results[first], index);
  return { results, stored };
}
