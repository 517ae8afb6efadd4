import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { Code, ConnectError } from '@connectrpc/connect';

const passBytes = (bytes: Buffer): Buffer => bytes;

/**
 * A gRPC channel to one backend that carries already-serialized messages. It is a plain @grpc/grpc-js client with
 * identity (de)serializers: the gateway hands it protobuf bytes, so no message type is mapped by hand. Chosen by
 * measurement: against the real services it carries about twice the calls per second of connect-node's gRPC
 * transport (`npm run bench:hop`, docs/benchmarks.md).
 */
export class BackendChannel {
  private readonly client: Client;

  constructor(readonly address: string) {
    this.client = new Client(address, credentials.createInsecure());
  }

  /** Sends one request and resolves with the response's bytes; failures become ConnectErrors with the same code. */
  unary(path: string, request: Uint8Array, signal?: AbortSignal, timeoutMs?: number): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const cancel = () => call.cancel();
      const call = this.client.makeUnaryRequest(
        path,
        passBytes,
        passBytes,
        Buffer.from(request.buffer, request.byteOffset, request.byteLength),
        new Metadata(),
        { deadline: deadlineOf(timeoutMs) },
        (error, response) => {
          signal?.removeEventListener('abort', cancel);
          if (error) reject(toConnectError(error));
          else resolve(response!);
        },
      );
      signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  /** Sends one request and yields each streamed response's bytes until the backend ends or the caller goes away. */
  async *serverStream(path: string, request: Uint8Array, signal: AbortSignal): AsyncGenerator<Uint8Array> {
    const call = this.client.makeServerStreamRequest(
      path,
      passBytes,
      passBytes,
      Buffer.from(request.buffer, request.byteOffset, request.byteLength),
      new Metadata(),
      {},
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
}

function deadlineOf(timeoutMs: number | undefined): Date | number {
  return timeoutMs === undefined ? Infinity : new Date(Date.now() + timeoutMs);
}

/** gRPC and Connect share their status codes, so the backend's code and message reach the caller unchanged. */
function toConnectError(error: ServiceError): ConnectError {
  const code = error.code in Code && error.code !== status.OK ? (error.code as number as Code) : Code.Unknown;
  return new ConnectError(error.details || error.message, code);
}
