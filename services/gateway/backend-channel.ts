import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { Code, ConnectError } from '@connectrpc/connect';
import { DEFAULT_GAME, GAME_METADATA } from '../shared/access/game.js';
import { SERVICE_CREDENTIAL_METADATA } from '../shared/access/service-credential.js';
import { boundedMessage } from '../shared/quote.js';
import { BALANCED_CHANNEL_OPTIONS, grpcTarget } from '../shared/service-address.js';
import { injectTraceContext } from '../shared/tracing.js';
import { RETRY_AFTER_SECONDS } from './http-errors.js';

const passBytes = (bytes: Buffer): Buffer => bytes;

/**
 * A gRPC channel to one backend (its replicas, balanced round-robin: service-address.ts) that carries already-serialized
 * messages. It is a plain @grpc/grpc-js client with
 * identity (de)serializers: the gateway hands it protobuf bytes, so no message type is mapped by hand. Chosen by
 * measurement: against the real services it carries about twice the calls per second of connect-node's gRPC
 * transport (`npm run bench:hop`, docs/benchmarks.md).
 */
export class BackendChannel {
  private readonly client: Client;

  /**
   * @param defaultDeadlineMs bounds every unary call whose caller set no deadline of its own.
   * @param serviceCredential presented on every call (backends answer only to it when auth is on).
   */
  constructor(
    readonly address: string,
    private readonly defaultDeadlineMs: number,
    private readonly serviceCredential?: string,
  ) {
    this.client = new Client(grpcTarget(address), credentials.createInsecure(), BALANCED_CHANNEL_OPTIONS);
  }

  /**
   * Sends one request for `game` and resolves with the response's bytes; failures become ConnectErrors with the same
   * code.
   */
  async unary(
    path: string,
    request: Uint8Array,
    signal?: AbortSignal,
    timeoutMs = this.defaultDeadlineMs,
    game = DEFAULT_GAME,
  ): Promise<Uint8Array> {
    const bytes = Buffer.from(request.buffer, request.byteOffset, request.byteLength);
    const deadline = new Date(Date.now() + timeoutMs);
    try {
      return await new Promise<Buffer>((resolve, reject) => {
        const cancel = () => call.cancel();
        const call = this.client.makeUnaryRequest(
          path,
          passBytes,
          passBytes,
          bytes,
          this.metadata(game),
          { deadline },
          (error, response) => {
            signal?.removeEventListener('abort', cancel);
            if (error) reject(error);
            else resolve(response!);
          },
        );
        if (signal?.aborted) cancel();
        else signal?.addEventListener('abort', cancel, { once: true });
      });
    } catch (error) {
      // Cancelled on the caller's behalf: its own reason (connect-node's is deadline_exceeded when its timeout
      // passed) says more than the CANCELLED of the call cut short here.
      throw signal?.aborted ? ConnectError.from(signal.reason) : toConnectError(error as ServiceError);
    }
  }

  /**
   * Sends one request and yields each streamed response's bytes until the backend ends, the caller goes away or the
   * caller's deadline passes (a live feed has none of its own: it lasts as long as its watcher).
   */
  async *serverStream(
    path: string,
    request: Uint8Array,
    signal: AbortSignal,
    timeoutMs?: number,
    game = DEFAULT_GAME,
  ): AsyncGenerator<Uint8Array> {
    const call = this.client.makeServerStreamRequest(
      path,
      passBytes,
      passBytes,
      Buffer.from(request.buffer, request.byteOffset, request.byteLength),
      this.metadata(game),
      timeoutMs === undefined ? {} : { deadline: new Date(Date.now() + timeoutMs) },
    );
    const cancel = () => call.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      for await (const message of call) yield message as Buffer;
    } catch (error) {
      if (signal.aborted) return;
      throw toConnectError(error as ServiceError);
    } finally {
      signal.removeEventListener('abort', cancel);
      call.cancel();
    }
  }

  close(): void {
    this.client.close();
  }

  /** A call's metadata: its game, the service credential, and the active trace context (the gateway request's span). */
  private metadata(game: string): Metadata {
    const metadata = new Metadata();
    metadata.set(GAME_METADATA, game);
    if (this.serviceCredential !== undefined) metadata.set(SERVICE_CREDENTIAL_METADATA, this.serviceCredential);
    injectTraceContext((key, value) => metadata.set(key, value));
    return metadata;
  }
}

/**
 * gRPC and Connect share their status codes, so the backend's code and message reach the caller unchanged (the
 * message bounded in length); an unavailable backend tells the caller when to retry. A backend that could not be
 * reached at all has no message of its own, only the client library's ("No connection established…"), which says
 * nothing useful to a caller: it is replaced.
 */
function toConnectError(error: ServiceError): ConnectError {
  const code = error.code in Code && error.code !== status.OK ? (error.code as number as Code) : Code.Unknown;
  if (code !== Code.Unavailable) return new ConnectError(boundedMessage(error.details || error.message), code);
  const fromService = SERVICE_RETRY_MESSAGE.test(error.details ?? '');
  const message = fromService ? boundedMessage(error.details) : 'the backend service is unreachable; retry';
  return new ConnectError(message, code, { 'retry-after': String(RETRY_AFTER_SECONDS) });
}

/** How the services phrase their own UNAVAILABLE answers (services/shared/errors.ts): they end in "retry". */
const SERVICE_RETRY_MESSAGE = /; retry$/;
