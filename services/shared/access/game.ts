/**
 * The game a call acts for. Every game's data is its own: the gateway takes the game from the caller's API key and
 * passes it on to the services with each call (GAME_METADATA), and the stores key their tables by it. Calls that
 * need no key (loopback, auth off) act for DEFAULT_GAME, the game of the key `npm start` prints.
 */
export const DEFAULT_GAME = 'local';

/** The metadata that carries the game on calls between services. */
export const GAME_METADATA = 'gamepulse-game';

/** The rule a game's name follows. */
export const GAME_RULE = '1 to 64 characters of letters, digits, ".", "_" and "-"';
const gamePattern = /^[A-Za-z0-9._-]{1,64}$/;
export const isGameName = (game: string) => gamePattern.test(game);

/** What a service keeps for each game apart (its stores): the one for a call's game. */
export type PerGame<T> = (game: string) => T;

/** A PerGame made once per game, on first use (games are few: one per API key's game). */
export function perGame<T>(make: (game: string) => T): PerGame<T> {
  const made = new Map<string, T>();
  return (game) => {
    let value = made.get(game);
    if (value === undefined) made.set(game, (value = make(game)));
    return value;
  };
}
