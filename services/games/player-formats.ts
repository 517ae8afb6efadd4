import { openCsv, type CsvLine } from './csv-lines.js';

/** A player's profile as imported (the Player message's fields). */
export interface PlayerFields {
  playerId: string;
  nationality: string;
  name: string;
  email: string;
  gender: string;
}

/** One player read from a body, with where it was (CSV line, or element number of a JSON array, from 1). */
export interface ReadPlayer {
  player: PlayerFields;
  line: number;
  /** Set when the item cannot be read as a player at all. */
  problem?: string;
}

/** `country.csv` of the original system: nationality and gender without names or e-mails. */
export const PLAYERS_CSV_HEADER = ['player_id', 'country', 'gender'] as const;

export async function* readPlayersCsv(lines: AsyncIterable<CsvLine>): AsyncGenerator<ReadPlayer> {
  const { columns, rows } = await openCsv(lines, PLAYERS_CSV_HEADER);
  const at = (name: (typeof PLAYERS_CSV_HEADER)[number]) => columns.indexOf(name);
  for await (const { fields, line } of rows) {
    const player = {
      playerId: fields[at('player_id')] ?? '',
      nationality: fields[at('country')] ?? '',
      name: '',
      email: '',
      gender: fields[at('gender')] ?? '',
    };
    yield fields.length === columns.length
      ? { player, line }
      : { player, line, problem: `row: expected ${columns.length} fields (${columns.join(',')}), got ${fields.length}` };
  }
}

/**
 * Players from the original's user API: an array of its elements (`{"id": 3300, "data": {"nat": "US", "email": …,
 * "name": {"first": …, "last": …}, "gender": …}}`), one page or many concatenated; an array of pages is read too.
 */
export function readUserApiPlayers(body: unknown): ReadPlayer[] {
  if (!Array.isArray(body)) throw new TypeError('body: must be a JSON array of user-API elements ({"id": …, "data": {…}})');
  const elements = body.every(Array.isArray) ? (body as unknown[][]).flat() : body;
  return elements.map((element, index) => readElement(element, index + 1));
}

function readElement(element: unknown, line: number): ReadPlayer {
  const empty = { playerId: '', nationality: '', name: '', email: '', gender: '' };
  if (typeof element !== 'object' || element === null)
    return { player: empty, line, problem: `[${line}]: must be an object with id and data` };
  const { id, data } = element as { id?: unknown; data?: Record<string, unknown> };
  const playerId = typeof id === 'number' || typeof id === 'string' ? String(id) : '';
  if (playerId === '') return { player: empty, line, problem: `[${line}].id: is required, a number or a string` };
  const info = typeof data === 'object' && data !== null ? data : {};
  const name = info.name as { first?: unknown; last?: unknown } | undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  return {
    player: {
      playerId,
      nationality: text(info.nat),
      name: [text(name?.first), text(name?.last)].filter(Boolean).join(' '),
      email: text(info.email),
      gender: text(info.gender),
    },
    line,
  };
}
