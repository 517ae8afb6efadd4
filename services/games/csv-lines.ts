import { StringDecoder } from 'node:string_decoder';

/** One line of a CSV body, without its line ending; `line` counts from 1. */
export interface CsvLine {
  text: string;
  line: number;
}

/** Longer lines are cut here, so that a body without line breaks cannot fill memory. */
export const MAX_CSV_LINE = 4096;

/** A CSV body whose first line is not the expected header: nothing of it is read. */
export class CsvHeaderError extends Error {}

/** The lines of a streamed body (UTF-8, `\n` or `\r\n`, a leading byte-order mark dropped), in constant memory. */
export async function* csvLines(chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): AsyncGenerator<CsvLine> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  const cut = (text: string) => (text.endsWith('\r') ? text.slice(0, -1) : text).slice(0, MAX_CSV_LINE);
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      line++;
      yield { text: cut(line === 1 ? dropBom(pending.slice(start, end)) : pending.slice(start, end)), line };
      start = end + 1;
    }
    pending = pending.slice(start);
    // An unended line longer than the cap keeps only its first part.
    if (pending.length > MAX_CSV_LINE * 2) pending = pending.slice(0, MAX_CSV_LINE + 1);
  }
  pending += decoder.end();
  if (pending !== '') {
    line++;
    yield { text: cut(line === 1 ? dropBom(pending) : pending), line };
  }
}

/** A CSV body opened: its header's column names, and its non-empty rows split into trimmed fields. */
export interface OpenedCsv {
  columns: string[];
  rows: AsyncGenerator<{ fields: string[]; line: number }>;
}

/**
 * Reads the header line, which must name exactly `expected` (in any order; CsvHeaderError otherwise), and hands
 * back the rows that follow.
 */
export async function openCsv(lines: AsyncIterable<CsvLine>, expected: readonly string[]): Promise<OpenedCsv> {
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  const want = `the header ${expected.join(',')}`;
  if (first.done) throw new CsvHeaderError(`body: empty; a CSV starts with ${want}`);
  const columns = first.value.text.split(',').map((name) => name.trim().toLowerCase());
  const missing = expected.filter((name) => !columns.includes(name));
  if (missing.length > 0 || columns.length !== expected.length) {
    throw new CsvHeaderError(`body: the first line must be ${want}, got "${first.value.text.slice(0, 80)}"`);
  }
  async function* rows() {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const { text, line } = next.value;
      if (text.trim() !== '') yield { fields: text.split(',').map((field) => field.trim()), line };
    }
  }
  return { columns, rows: rows() };
}

function dropBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
