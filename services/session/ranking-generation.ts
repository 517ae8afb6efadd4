/**
 * The name of an area's ranking generation in the response cache: renewed after every write that may change who is
 * active in the area, so a ranking read under one generation is known to be current for as long as it stays.
 */
export const activeRankingGeneration = (areaCode: string) => `session:v1:modes-active-generation:${areaCode}`;
