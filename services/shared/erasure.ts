import type { ErasedRows } from '../../gen/ts-proto/gamepulse/common/v1/erasure.js';
import { ValidationError } from './errors.js';

/** The longest player id any job accepts (reactions' and engagements' users). */
export const MAX_PLAYER_ID_LENGTH = 256;

/** The player an erasure names, or INVALID_ARGUMENT naming `field`. */
export function playerToErase(playerId: string, field = 'player_id'): string {
  if (playerId.length === 0) throw new ValidationError(field, 'is required');
  if (playerId.length > MAX_PLAYER_ID_LENGTH) {
    throw new ValidationError(field, `at most ${MAX_PLAYER_ID_LENGTH} characters, got ${playerId.length}`);
  }
  return playerId;
}

/** One table's line of an erasure's report. */
export const erased = (job: string, table: string, removed: number, anonymised = 0): ErasedRows => ({ job, table, removed, anonymised });
