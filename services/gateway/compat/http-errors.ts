import { Code, ConnectError } from '@connectrpc/connect';
import { BadRequest } from './request-body.js';

const statusOfCode: Partial<Record<Code, number>> = {
  [Code.InvalidArgument]: 400,
  [Code.NotFound]: 404,
  [Code.Unimplemented]: 501,
  [Code.Unavailable]: 503,
  [Code.DeadlineExceeded]: 504,
};

/**
 * The HTTP status and one-line reason the original routes answer for an error: the caller's mistakes (4xx) and a
 * backend that is down or slow (5xx) in full; anything else is not described (undefined → a generic 500).
 */
export function describeHttpError(error: unknown): { status: number; reason: string } | undefined {
  if (error instanceof BadRequest) return { status: error.statusCode, reason: error.message };
  if (error instanceof ConnectError) {
    const status = statusOfCode[error.code];
    if (status) return { status, reason: error.rawMessage };
  }
  return undefined;
}
