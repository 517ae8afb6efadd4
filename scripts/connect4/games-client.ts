import { createClient, Code, ConnectError, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { GamesService } from '../../gen/es/gamepulse/games/v1/games_pb.js';
import type { GameMessage, ItemOutcome } from '../../services/games/upload.js';
import type { PlayerFields } from '../../services/games/player-formats.js';

const ATTEMPTS = 6;
const CALL_DEADLINE_MS = 60_000;

/** The games service over gRPC, for the Connect-4 scripts: import calls retried while it is unreachable. */
export class GamesClient {
  readonly rpc: Client<typeof GamesService>;

  constructor(address: string) {
    this.rpc = createClient(GamesService, createGrpcTransport({ baseUrl: `http://${address}` }));
  }

  /** Imports are idempotent, so a batch whose answer was lost is simply sent again. */
  importGames = (games: GameMessage[]): Promise<ItemOutcome[]> =>
    retried(async () => (await this.rpc.importGames({ games: games.map((game) => ({ ...game, result: game.result as number })) }, { timeoutMs: CALL_DEADLINE_MS })).results);

  importPlayers = (players: PlayerFields[]): Promise<ItemOutcome[]> =>
    retried(async () => (await this.rpc.importPlayers({ players }, { timeoutMs: CALL_DEADLINE_MS })).results);
}

async function retried<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const retryable = error instanceof ConnectError && [Code.Unavailable, Code.DeadlineExceeded].includes(error.code);
      if (!retryable || attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
  }
}
