import { Metadata } from 'nice-grpc';
import { GAME_METADATA } from '../shared/access/game.js';
import type { Config } from '../shared/config.js';
import { createServiceClient } from '../shared/grpc-client.js';
import type { CallContext } from '../shared/handler.js';
import type { ErasedRows } from '../../gen/ts-proto/gamepulse/common/v1/erasure.js';
import { GamesServiceDefinition } from '../../gen/ts-proto/gamepulse/games/v1/games.js';
import { ReactionServiceDefinition } from '../../gen/ts-proto/gamepulse/reaction/v1/reaction.js';
import { SessionServiceDefinition } from '../../gen/ts-proto/gamepulse/session/v1/session.js';

/** What erasing a player did, over every service that holds data of players. */
export interface PlayerErasureReport {
  erased: ErasedRows[];
  connect4AnonymousId: string;
}

/** The services that own players' data, as DeletePlayerData calls them. */
export interface PlayerDataOwners {
  erase(game: string, playerId: string, bounds: CallContext): Promise<PlayerErasureReport>;
  close(): void;
}

/**
 * nice-grpc clients of every owner's internal ErasePlayer, presenting the service credential; the three erase at
 * once. Each is idempotent, so one that found its owner away is sent again, and a caller may retry the whole.
 */
export function grpcPlayerDataOwners({ services, serviceCredential }: Pick<Config, 'services' | 'serviceCredential'>): PlayerDataOwners {
  const session = createServiceClient(SessionServiceDefinition, services.session.address, serviceCredential);
  const reaction = createServiceClient(ReactionServiceDefinition, services.reaction.address, serviceCredential);
  const games = createServiceClient(GamesServiceDefinition, services.games.address, serviceCredential);
  return {
    async erase(game, playerId, { signal, deadline }) {
      const options = { signal, deadline, metadata: Metadata({ [GAME_METADATA]: game }) };
      const [sessions, engagement, connect4] = await Promise.all([
        session.erasePlayer({ playerId }, options),
        reaction.erasePlayer({ playerId }, options),
        games.erasePlayer({ playerId }, options),
      ]);
      return { erased: [...sessions.erased, ...engagement.erased, ...connect4.erased], connect4AnonymousId: connect4.anonymousId };
    },
    close() {
      session.close();
      reaction.close();
      games.close();
    },
  };
}
