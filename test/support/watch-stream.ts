import { isAbortError } from 'abort-controller-x';

/** A server stream read in the background: what it sent so far, how it ended, and a way to cancel it. */
export interface WatchedStream<T> {
  updates: T[];
  /** Resolves when the stream ends: finished by the server, failed (see `error`) or cancelled by `stop()`. */
  ended: Promise<void>;
  /** What the stream failed with; undefined while it runs, when it finished, and when it was cancelled. */
  readonly error: unknown;
  stop(): void;
}

/** Opens a stream (a nice-grpc client's server-streaming method, given the signal that cancels it) and reads it. */
export function watchStream<T>(open: (signal: AbortSignal) => AsyncIterable<T>): WatchedStream<T> {
  const abort = new AbortController();
  const updates: T[] = [];
  let error: unknown;
  const ended = (async () => {
    try {
      for await (const update of open(abort.signal)) updates.push(update);
    } catch (failure) {
      if (!isAbortError(failure)) error = failure;
    }
  })();
  return {
    updates,
    ended,
    get error() {
      return error;
    },
    stop: () => abort.abort(),
  };
}
