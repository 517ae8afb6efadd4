import { HealthCheckResponse_ServingStatus as ServingStatus } from 'nice-grpc-server-health/lib/proto/grpc/health/v1/health.js';
import { HealthDefinition } from 'nice-grpc-server-health';
import { createServiceClient, type ServiceClient } from './grpc-client.js';

export interface HealthReport {
  address: string;
  /** SERVING, NOT_SERVING, UNKNOWN, or UNREACHABLE when the check itself failed. */
  status: string;
  error?: string;
}

/** Asks one gRPC server's grpc.health.v1 service about its overall health (service ""). */
export class HealthProbe {
  private readonly client: ServiceClient<typeof HealthDefinition>;

  constructor(readonly address: string) {
    this.client = createServiceClient(HealthDefinition, address);
  }

  async check(timeoutMs = 1000): Promise<HealthReport> {
    try {
      const response = await this.client.check({ service: '' }, { deadline: timeoutMs });
      return { address: this.address, status: ServingStatus[response.status] };
    } catch (error) {
      return { address: this.address, status: 'UNREACHABLE', error: (error as Error).message };
    }
  }

  close(): void {
    this.client.close();
  }
}
