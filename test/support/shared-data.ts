import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../services/shared/repo-root.js';
import { csvLines } from '../../services/games/csv-lines.js';

/** A file of the original systems' real data, kept beside the repository in ../shared/data (never edited). */
export function sharedDataFile(relative: string): string {
  return join(dirname(repoRoot()), 'shared', 'data', relative);
}

export const realGamesCsv = () => sharedDataFile('connect4/game_data.csv');
export const realPlayersCsv = () => sharedDataFile('connect4/country.csv');

/** The lines of a file, as the import reads them. */
export const linesOfFile = (path: string) => csvLines(createReadStream(path));

/** The lines of a string, as the import reads them. */
export async function* linesOfText(text: string) {
  yield* csvLines([Buffer.from(text)]);
}
