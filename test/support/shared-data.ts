import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { csvLines } from '../../services/games/csv-lines.js';
import { sharedDataDir } from '../../services/shared/shared-data.js';

/** A file of the original systems' real data (never edited). */
export function sharedDataFile(relative: string): string {
  return join(sharedDataDir(), relative);
}

export const realGamesCsv = () => sharedDataFile('connect4/game_data.csv');
export const realPlayersCsv = () => sharedDataFile('connect4/country.csv');

/** The lines of a file, as the import reads them. */
export const linesOfFile = (path: string) => csvLines(createReadStream(path));

/** The lines of a string, as the import reads them. */
export async function* linesOfText(text: string) {
  yield* csvLines([Buffer.from(text)]);
}
