import { Code, ConnectError } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import type { CsvGame } from '../game-csv.js';
import { MAX_REJECTIONS_LISTED, uploadGames, UPLOAD_BATCH, type GameMessage, type ItemOutcome } from '../upload.js';

async function* games(count: number, refusedEvery = 0): AsyncGenerator<CsvGame> {
  for (let index = 0; index < count; index++) {
    const refused = refusedEvery > 0 && index % refusedEvery === 0;
    yield {
      gameId: `g${index}`,
      moves: [{ playerId: 'a', moveNumber: 1, column: 1, line: index + 2 }],
      result: 'win',
      line: index + 2,
      ...(refused ? { problem: { rule: 'row: bad', line: index + 2 } } : {}),
    };
  }
}
const storedAll = async (batch: GameMessage[]): Promise<ItemOutcome[]> =>
  batch.map(() => ({ stored: true, duplicate: false, reason: '', moveNumber: 0 }));

describe('uploadGames', () => {
  it('sends batches, tallies in upload order and lists the first rejections only', async () => {
    const sizes: number[] = [];
    const tally = await uploadGames(games(UPLOAD_BATCH * 2 + 7, 3), async (batch) => {
      sizes.push(batch.length);
      return storedAll(batch);
    });
    const refused = Math.ceil((UPLOAD_BATCH * 2 + 7) / 3);
    expect(tally).toMatchObject({ stored: UPLOAD_BATCH * 2 + 7 - refused, duplicate: 0, rejected: refused });
    expect(tally.rejections).toHaveLength(MAX_REJECTIONS_LISTED);
    expect(tally.rejections.slice(0, 2)).toEqual([
      { id: 'g0', line: 2, reason: 'row: bad' },
      { id: 'g3', line: 5, reason: 'row: bad' },
    ]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(UPLOAD_BATCH);
  });

  it('sends a batch again when the service is unavailable, but not when the input is bad', async () => {
    let calls = 0;
    const flaky = await uploadGames(games(3), async (batch) => {
      if (++calls === 1) throw new ConnectError('the storage is unavailable; retry', Code.Unavailable);
      return storedAll(batch);
    });
    expect(calls).toBe(2);
    expect(flaky.stored).toBe(3);
    calls = 0;
    const refused = uploadGames(games(3), async () => {
      calls++;
      throw new ConnectError('games: must hold 1 to 1000 games', Code.InvalidArgument);
    });
    await expect(refused).rejects.toThrow(/must hold/);
    expect(calls).toBe(1);
  });
});
