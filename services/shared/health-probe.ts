import { credentials, makeGenericClientConstructor, type Client } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

const HealthClient = makeGenericClientConstructor(healthService, 'grpc.health.v1.Health');

type HealthCheckCall = (
  request: { service: string },
  options: { deadline: Date },
  callback: (error: Error | null, response?: { status: string }) => void,
) => void;

export interface HealthReport {
  address: string;
  /** SERVING, NOT_SERVING, UNKNOWN, or UNREACHABLE when the check itself failed. */
  status: string;
  error?: string;
}

/** Asks one gRPC server's grpc.health.v1 service about its overall health (service ""). */
export class HealthProbe {
  private readonly client: Client;

  constructor(readonly address: string) {
    this.client = new HealthClient(address, credentials.createInsecure());
  }

  check(timeoutMs = 1000): Promise<HealthReport> {
    const call = (this.client as unknown as { Check: HealthCheckCall }).Check.bind(this.client);
    return new Promise((resolve) => {
      call({ service: '' }, { deadline: new Date(Date.now() + timeoutMs) }, (error, response) => {
        if (error) resolve({ address: this.address, status: 'UNREACHABLE', error: error.message });
        else resolve({ address: this.address, status: response!.status });
      });
    });
  }

  close(): void {
    this.client.close();
  }
}
