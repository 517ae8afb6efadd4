import { ClientError, Status } from 'nice-grpc';
import { boundedMessage } from './quote.js';
import { isStorageUnavailable } from './storage-errors.js';

/** Bad input from a caller: becomes INVALID_ARGUMENT (HTTP 400) with a message that names the field and the rule. */
export class ValidationError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
    this.name = 'ValidationError';
  }
}

/** Something the caller asked for does not exist: becomes NOT_FOUND. */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

export interface StatusError {
  code: Status;
  details: string;
}

/** Failures of a call to another service that a retry may fix. */
const RETRYABLE_DOWNSTREAM = new Set([Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED]);

/**
 * What a caller is told about an error: its own mistakes in full (bounded in length), storage that cannot be reached
 * as UNAVAILABLE and another service that did not answer as its UNAVAILABLE or DEADLINE_EXCEEDED (retry), our failures
 * without internals.
 */

export function toStatusError(error: unknown): StatusError {
  if (error instanceof ValidationError) return { code: Status.INVALID_ARGUMENT, details: boundedMessage(error.message) };
  if (isStorageUnavailable(error)) return { code: Status.UNAVAILABLE, details: 'the storage is unavailable; retry' };
  if (error instanceof NotFoundError) return { code: Status.NOT_FOUND, details: error.message };
  if (error instanceof PermissionError) return { code: Status.PERMISSION_DENIED, details: boundedMessage(error.message) };
  // Another service this call needed did not answer in time or at all: the caller may retry, as with the storage.
  if (error instanceof ClientError && RETRYABLE_DOWNSTREAM.has(error.code)) {
    return { code: error.code, details: boundedMessage(`${error.path.slice(1)}: ${error.details}`) };
  }
  return { code: Status.INTERNAL, details: 'internal error' };
}

/** The caller may not do this, whoever they are authenticated as: becomes PERMISSION_DENIED. */
export class PermissionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermissionError';
  }
}
