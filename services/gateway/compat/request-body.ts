import type { IncomingMessage } from 'node:http';
import { quoted } from '../../shared/quote.js';
import { BadRequest } from '../http-errors.js';

/** Content types a JSON body may come with: JSON, JSON lines, none, or what `curl -d` sends by default. */
const jsonBodyTypes = new Set([
  '',
  'application/json',
  'application/x-ndjson',
  'application/jsonl',
  'text/plain',
  'application/x-www-form-urlencoded',
]);

/** The request's media type, lower case, without parameters ('' when none was sent). */
export function mediaTypeOf(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** A whole request body of at most `maxBytes` (413 past that, before reading it when its length is declared). */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const mediaType = mediaTypeOf(request);
  if (!jsonBodyTypes.has(mediaType)) {
    throw new BadRequest(`content-type: must be application/json or application/x-ndjson, got ${quoted(mediaType)}`, 415);
  }
  if (Number(request.headers['content-length'] ?? 0) > maxBytes) {
    throw new BadRequest(`body: larger than ${maxBytes} bytes`, 413);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      // Refused now; what still arrives is dropped until the connection closes after the 413.
      request.off('data', onData).off('end', onEnd);
      request.resume();
      reject(new BadRequest(`body: larger than ${maxBytes} bytes`, 413));
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    request.on('data', onData).once('end', onEnd).once('error', reject);
  });
}

/**
 * The events of a POST /event-handler body: one JSON object, a JSON array of up to `maxArray` events, or JSON lines
 * (one event per line, up to `maxLines`).
 */
export function parseEventsBody(body: string, maxArray: number, maxLines: number): unknown[] {
  const text = body.trim();
  if (text === '') throw new BadRequest('body: empty; send one event object, a JSON array of events, or JSON lines');
  if (text.startsWith('[')) {
    const parsed = parseJson(text, 'body');
    if (!Array.isArray(parsed)) throw new BadRequest('body: malformed JSON array');
    if (parsed.length < 1 || parsed.length > maxArray) {
      throw new BadRequest(`body: a JSON array holds 1 to ${maxArray} events, got ${parsed.length}`);
    }
    return parsed;
  }
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length > maxLines) throw new BadRequest(`body: at most ${maxLines} JSON lines per request, got ${lines.length}`);
  return lines.map((line, i) => parseJson(line, lines.length === 1 ? 'body' : `body line ${i + 1}`));
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequest(`${where}: malformed JSON (${(error as Error).message})`);
  }
}
