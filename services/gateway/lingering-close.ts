import type { ServerResponse } from 'node:http';

/**
 * A refused upload goes on being read (and dropped) after its answer was sent while its bytes keep coming: until
 * the client has sent nothing for LINGER_IDLE_MS, and for LINGER_MAX_MS at most. Idle rather than a fixed time,
 * because a client still pushing a large body on a loaded machine would otherwise be cut off (EPIPE) before it reads
 * the answer.
 */
const LINGER_IDLE_MS = 2000;
const LINGER_MAX_MS = 30_000;

/**
 * Ends an HTTP/1.1 connection cleanly after an answer sent before the request body was read (a 413): the answer
 * goes out with `Connection: close`, the write side closes, and what the client still sends is read and dropped for
 * a moment so that it reads the answer instead of a reset (RFC 9112 §9.6, "lingering close"). HTTP/2 resets just
 * the stream, so it needs none of this.
 */
export function closeAfterAnswer(response: ServerResponse): void {
  if (response.req.httpVersionMajor !== 1 || response.headersSent) return;
  response.setHeader('connection', 'close');
  const socket = response.socket;
  if (!socket) return;
  socket.destroySoon = () => {
    socket.end();
    socket.resume();
    socket.once('end', () => socket.destroy());
    socket.setTimeout(LINGER_IDLE_MS, () => socket.destroy());
    setTimeout(() => socket.destroy(), LINGER_MAX_MS).unref();
  };
}
