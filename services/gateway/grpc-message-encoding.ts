import type { OutgoingHttpHeaders } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';

/**
 * connect-node percent-encodes the `grpc-message` trailer with encodeURIComponent, so `:` and `,` become %3A and
 * %2C; @grpc/grpc-js clients decode it with decodeURI, which leaves those escaped ("limit%3A must be ..."). The gRPC
 * spec asks only for bytes outside printable ASCII and `%` to be encoded, so re-encoding to exactly that is read
 * correctly by every client.
 */
export function encodeGrpcMessagesPerSpec(response: Http2ServerResponse): void {
  const addTrailers = response.addTrailers.bind(response);
  response.addTrailers = (trailers: OutgoingHttpHeaders) => {
    const message = trailers['grpc-message'];
    if (typeof message === 'string') trailers['grpc-message'] = percentEncodeMinimal(decodeURIComponent(message));
    addTrailers(trailers);
  };
}

export function percentEncodeMinimal(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    encoded +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}
