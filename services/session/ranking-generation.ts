/**
 * The name of a game's area's ranking generation in the response cache: renewed after every write that may change who is
 * active in the area, so a ranking read under one generation is known to be current for as long as it stays.
 */
export const activeRankingGeneration = (game: string, areaCode: string) => `session:v2:modes-active-generation:${game}:${areaCode}`;

/** A game's area as one live-feed subject (the hub's key), and back. */
export const areaSubject = (game: string, areaCode: string) => JSON.stringify([game, areaCode]);
export const gameAndAreaOf = (subject: string) => JSON.parse(subject) as [game: string, areaCode: string];
