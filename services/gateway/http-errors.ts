import { Code, ConnectError } from '@connectrpc/connect';
import { boundedMessage } from '../shared/quote.js';

/** A request problem that becomes a 4xx with a one-line reason. */
export class BadRequest extends Error {
  constructor(
    message: string,
    readonly statusCode = 400,
  ) {
    super(boundedMessage(message));
  }
}

/** Over a rate limit: 429 with Retry-After. */
export class TooManyRequests extends BadRequest {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, 429);
  }
}

/** Seconds a caller is told to wait before retrying a 503 (a backend or the storage unreachable). */
export const RETRY_AFTER_SECONDS = 1;

const statusOfCode: Partial<Record<Code, number>> = {
  [Code.InvalidArgument]: 400,
  [Code.NotFound]: 404,
  [Code.ResourceExhausted]: 413,
  [Code.Unimplemented]: 501,
  [Code.Unavailable]: 503,
  [Code.DeadlineExceeded]: 504,
  [Code.Canceled]: 499,
};

export interface HttpErrorAnswer {
  status: number;
  reason: string;
  /** Set on 503 and 429: how long to wait before retrying. */
  retryAfterSeconds?: number;
}

/**
 * The HTTP status and one-line reason the plain routes answer for an error: the caller's mistakes (4xx) and a
 * backend that is down or slow (503 with Retry-After, 504) in full; anything else is not described (undefined → a
 * generic 500, which is a bug).
 */
export function describeHttpError(error: unknown): HttpErrorAnswer | undefined {
  if (error instanceof TooManyRequests) return { status: 429, reason: error.message, retryAfterSeconds: error.retryAfterSeconds };
  if (error instanceof BadRequest) return withRetryAfter({ status: error.statusCode, reason: error.message });
  if (error instanceof ConnectError) {
    const status = statusOfCode[error.code];
    if (status) return withRetryAfter({ status, reason: boundedMessage(error.rawMessage) });
  }
  return undefined;
}

function withRetryAfter(answer: HttpErrorAnswer): HttpErrorAnswer {
  return answer.status === 503 ? { ...answer, retryAfterSeconds: RETRY_AFTER_SECONDS } : answer;
}
