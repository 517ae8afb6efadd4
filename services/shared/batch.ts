import { ValidationError } from './errors.js';
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
