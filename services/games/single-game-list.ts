/** Cache generation of the single-game list's pages: renewed by whatever changes the list or a listed profile. */
export const SINGLE_GAME_LIST = 'connect4:single-game-list';
