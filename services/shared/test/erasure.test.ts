import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { MAX_PLAYER_ID_LENGTH, playerToErase } from '../erasure.js';
import { HourIndexWrites } from '../hour-index.js';
import { micros } from '../time.js';

describe('playerToErase', () => {
  it('takes a player id of 1 to 256 characters as it is', () => {
    expect(playerToErase('p')).toBe('p');
    expect(playerToErase('p'.repeat(MAX_PLAYER_ID_LENGTH))).toHaveLength(MAX_PLAYER_ID_LENGTH);
  });

  it('refuses an empty or longer id, naming the field and the rule', () => {
    expect(() => playerToErase('')).toThrow(new ValidationError('player_id', 'is required'));
    expect(() => playerToErase('p'.repeat(257))).toThrow(/^player_id: at most 256 characters, got 257$/);
  });
});

describe('HourIndexWrites.forget', () => {
  it("writes a forgotten scope's hours again, and only that scope's", async () => {
    const index = new HourIndexWrites();
    const writes: string[] = [];
    const write = (scope: string) => index.once(scope, micros(0), 60, async () => void writes.push(scope));
    for (const scope of ['game/ann', 'game/annie', 'game/ann']) await write(scope);
    index.forget('game/ann');
    for (const scope of ['game/ann', 'game/annie']) await write(scope);
    expect(writes).toEqual(['game/ann', 'game/annie', 'game/ann']);
  });
});
