import { GamesServiceDefinition } from '../../gen/ts-proto/gamepulse/games/v1/games.js';
import { createServiceClient, type ServiceClient } from '../../services/shared/grpc-client.js';
import type { GameMessage, ItemOutcome } from '../../services/games/upload.js';
import type { PlayerFields } from '../../services/games/player-formats.js';

const CALL_DEADLINE_MS = 60_000;

/** The games service over gRPC, for the Connect-4 scripts (upload.ts retries a batch it could not take). */
export class GamesClient {
  readonly rpc: ServiceClient<typeof GamesServiceDefinition>;

  constructor(address: string) {
    this.rpc = createServiceClient(GamesServiceDefinition, address);
  }

  importGames = async (games: GameMessage[]): Promise<ItemOutcome[]> =>
    (await this.rpc.importGames({ games }, { deadline: CALL_DEADLINE_MS })).results;

  importPlayers = async (players: PlayerFields[]): Promise<ItemOutcome[]> =>
    (await this.rpc.importPlayers({ players }, { deadline: CALL_DEADLINE_MS })).results;

  close(): void {
    this.rpc.close();
  }
}
