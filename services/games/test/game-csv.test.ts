import { describe, expect, it } from 'vitest';
import { CsvHeaderError } from '../csv-lines.js';
import { readGamesCsv, type CsvGame } from '../game-csv.js';
import { readPlayersCsv, readUserApiPlayers } from '../player-formats.js';
import { linesOfText } from '../../../test/support/shared-data.js';

const HEADER = 'game_id,player_id,move_number,column,result\n';
async function gamesOf(text: string): Promise<CsvGame[]> {
  const games: CsvGame[] = [];
  for await (const game of readGamesCsv(linesOfText(text))) games.push(game);
  return games;
}

describe('readGamesCsv', () => {
  it('groups contiguous rows into games, with the line of each move', async () => {
    const games = await gamesOf(`${HEADER}7,a,2,1,\r\n7,b,1,2,\n8,a,1,1,\n8,b,2,1,draw\n`);
    expect(games.map((game) => [game.gameId, game.moves.length, game.result, game.line])).toEqual([
      ['7', 2, undefined, 2],
      ['8', 2, 'draw', 4],
    ]);
    expect(games[0].moves[1]).toEqual({ playerId: 'b', moveNumber: 1, column: 2, line: 3 });
    expect(games[0].problem?.rule).toMatch(/result: missing/);
  });

  it('refuses a body without the header, before reading a row', async () => {
    await expect(gamesOf('1,2,1,1,\n')).rejects.toThrow(CsvHeaderError);
    await expect(gamesOf('')).rejects.toThrow(/body: empty/);
  });

  it('names the line and the rule of rows that cannot be read, and of misplaced results', async () => {
    const [fields, number, column, result, twice, early] = await gamesOf(
      `${HEADER}1,a,1\n2,a,x,1,\n3,a,1,-1,\n4,a,1,1,lost\n5,a,1,1,win\n5,b,2,1,win\n6,a,1,1,win\n6,b,2,2,\n`,
    );
    expect(fields.problem).toEqual({ rule: expect.stringMatching(/expected 5 fields/), line: 2 });
    expect(number.problem).toEqual({ rule: expect.stringMatching(/move_number: must be a whole number/), line: 3 });
    expect(column.problem).toEqual({ rule: expect.stringMatching(/column: must be a whole number/), line: 4 });
    expect(result.problem).toEqual({ rule: expect.stringMatching(/result: must be win, draw or empty/), line: 5 });
    expect(twice.problem).toEqual({ rule: expect.stringMatching(/set on more than one move \(lines 6, 7\)/), line: 7 });
    expect(early.problem).toEqual({ rule: 'result: must be on the last move (move 2), found on move 1', line: 8 });
  });
});

describe('player formats', () => {
  it('reads country.csv rows and user-API elements (one page, or an array of pages)', async () => {
    const players = [];
    for await (const player of readPlayersCsv(linesOfText('player_id,country,gender\n0,IE,male\n1,ES\n'))) players.push(player);
    expect(players[0]).toEqual({ player: { playerId: '0', nationality: 'IE', name: '', email: '', gender: 'male' }, line: 2 });
    expect(players[1].problem).toMatch(/expected 3 fields/);
    const element = {
      id: 3300,
      data: { gender: 'female', name: { title: 'mrs', first: 'Ann', last: 'Lee' }, email: 'ann@example.com', nat: 'US' },
    };
    const expected = { playerId: '3300', nationality: 'US', name: 'Ann Lee', email: 'ann@example.com', gender: 'female' };
    expect(readUserApiPlayers([element])[0].player).toEqual(expected);
    expect(readUserApiPlayers([[element], []])[0].player).toEqual(expected);
    expect(readUserApiPlayers([{ data: {} }])[0].problem).toBe('[1].id: is required, a number or a string');
    expect(() => readUserApiPlayers({})).toThrow(/must be a JSON array/);
  });
});
