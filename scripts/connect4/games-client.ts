import { createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { GamesService } from '../../gen/es/gamepulse/games/v1/games_pb.js';
import type { GameMessage, ItemOutcome } from '../../services/games/upload.js';
import type { PlayerFields } from '../../services/games/player-formats.js';

const CALL_DEADLINE_MS = 60_000;

/** The games service over gRPC, for the Connect-4 scripts (upload.ts retries a batch it could not take). */
export class GamesClient {
  readonly rpc: Client<typeof GamesService>;

  constructor(address: string) {
    this.rpc = createClient(GamesService, createGrpcTransport({ baseUrl: `http://${address}` }));
  }

  importGames = async (games: GameMessage[]): Promise<ItemOutcome[]> =>
    (
      await this.rpc.importGames(
        { games: games.map((game) => ({ ...game, result: Number(game.result) })) },
        { timeoutMs: CALL_DEADLINE_MS },
      )
    ).results;

  importPlayers = async (players: PlayerFields[]): Promise<ItemOutcome[]> =>
    (await this.rpc.importPlayers({ players }, { timeoutMs: CALL_DEADLINE_MS })).results;
}
