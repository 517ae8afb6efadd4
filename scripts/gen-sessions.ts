// npm run gen:sessions -- --players N --sessions M --days D --out file[.gz] [--seed S]
// Writes a realistic file of session events in the original system's format (see scripts/sessions/generator.ts).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import { generateSessionLines } from './sessions/generator.js';
import { systemClock } from '../services/shared/time.js';

const { values } = parseArgs({
  options: {
    players: { type: 'string', default: '1000' },
    sessions: { type: 'string', default: '10000' },
    days: { type: 'string', default: '7' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
const number = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number of at least 1`);
  return value;
};
if (!values.out) {
  console.error('usage: npm run gen:sessions -- --players N --sessions M --days D --out file[.gz] [--seed S]');
  process.exit(2);
}
const options = {
  players: number('players'),
  sessions: number('sessions'),
  days: number('days'),
  seed: number('seed'),
  now: systemClock(),
};
if (options.days > 365) throw new Error('--days must be at most 365: older events would be rejected');

const file = createWriteStream(values.out);
const out: Writable = values.out.endsWith('.gz') ? createGzip() : file;
if (out !== file) out.pipe(file);

let lines = 0;
const started = Date.now();
for (const line of generateSessionLines(options)) {
  if (!out.write(`${line}\n`)) await once(out, 'drain');
  lines++;
  if (lines % 200_000 === 0) console.log(`  ${lines.toLocaleString()} lines`);
}
out.end();
await once(file, 'close');
console.log(
  `wrote ${lines.toLocaleString()} lines (${options.sessions.toLocaleString()} sessions of ${options.players.toLocaleString()} players ` +
    `over ${options.days} days) to ${values.out} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
