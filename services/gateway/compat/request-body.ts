import type { IncomingMessage } from 'node:http';

export const MAX_BODY_BYTES = 1 << 20;

/** A request body problem that becomes a 4xx with a one-line reason. */
export class BadRequest extends Error {
  constructor(
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

export async function readBody(request: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BadRequest(`body: larger than ${maxBytes} bytes`, 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
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
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
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
