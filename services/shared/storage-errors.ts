import cassandra from 'cassandra-driver';

const { responseErrorCodes } = cassandra.types;
/** Cassandra's answers that mean "not now": the data is fine, the cluster could not serve it in time. */
const transientCodes = new Set<number>([
  responseErrorCodes.unavailableException,
  responseErrorCodes.overloaded,
  responseErrorCodes.isBootstrapping,
  responseErrorCodes.truncateError,
  responseErrorCodes.writeTimeout,
  responseErrorCodes.readTimeout,
  responseErrorCodes.readFailure,
  responseErrorCodes.writeFailure,
]);

/** Writes that took longer than their caller's rules allow; what they left undone is finished later by recovery. */
export class StorageTooSlowError extends Error {}

/** Whether a driver error means the storage was unreachable or too slow, so that the same call can succeed later. */
export function isStorageUnavailable(error: unknown): boolean {
  const { errors } = cassandra;
  if (error instanceof StorageTooSlowError) return true;
  if (error instanceof errors.NoHostAvailableError) return true;
  if (error instanceof errors.OperationTimedOutError) return true;
  if (error instanceof errors.BusyConnectionError) return true;
  if (error instanceof errors.ResponseError) return transientCodes.has(error.code);
  return false;
}
