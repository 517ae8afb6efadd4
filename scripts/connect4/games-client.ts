import { Metadata } from 'nice-grpc';
import { DEFAULT_GAME, GAME_METADATA } from '../../services/shared/access/game.js';
import { loadConfig } from '../../services/shared/config.js';
import { GamesServiceDefinition } from '../../gen/ts-proto/gamepulse/games/v1/games.js';
import { createServiceClient, type ServiceClient } from '../../services/shared/grpc-client.js';
import type { GameMessage, ItemOutcome } from '../../services/games/upload.js';
import type { PlayerFields } from '../../services/games/player-formats.js';

const CALL_DEADLINE_MS = 60_000;

/**
 * The games service over gRPC, for the Connect-4 scripts (upload.ts retries a batch it could not take): as one of the
 * deployment's processes (its service credential, from the config) on behalf of `game`.
 */
export class GamesClient {
  readonly rpc: ServiceClient<typeof GamesServiceDefinition>;
  private readonly options: { deadline: number; metadata: Metadata };

  constructor(address: string, game = DEFAULT_GAME, serviceCredential = loadConfig().serviceCredential) {
    this.rpc = createServiceClient(GamesServiceDefinition, address, serviceCredential);
    this.options = { deadline: CALL_DEADLINE_MS, metadata: Metadata({ [GAME_METADATA]: game }) };
  }

  importGames = async (games: GameMessage[]): Promise<ItemOutcome[]> => (await this.rpc.importGames({ games }, this.options)).results;

  importPlayers = async (players: PlayerFields[]): Promise<ItemOutcome[]> =>
    (await this.rpc.importPlayers({ players }, this.options)).results;

  close(): void {
    this.rpc.close();
  }
}
