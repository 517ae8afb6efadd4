import { ValidationError } from '../../shared/errors.js';
import { checkId } from '../../shared/event-rules.js';
import { gameOf, type CallContext, type UnaryHandler } from '../../shared/handler.js';
import type { ListPopularModesRequest, ListPopularModesResponse } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import { MAX_AREA_CODE_LENGTH } from '../mode-validation.js';
import type { PopularModes } from '../popular-modes.js';
import { checkWindowHours } from './query-rules.js';
import { sizeOrDefault } from '../../shared/page-size.js';
import { toTimestamp } from '../../shared/time.js';

export const DEFAULT_MODES_LIMIT = 10;
export const MAX_MODES_LIMIT = 100;

/** The area code of a ranking request, or INVALID_ARGUMENT. */
export function checkAreaCode(areaCode: string): void {
  const problem = checkId('area_code', areaCode, MAX_AREA_CODE_LENGTH);
  if (problem) throw new ValidationError(problem.field, problem.rule);
}

/** A game's area's modes ranked by users active now (hours 0), or by distinct users who logged in over the window. */
export class ListPopularModesHandler implements UnaryHandler<ListPopularModesRequest, ListPopularModesResponse> {
  constructor(private readonly popular: PopularModes) {}

  async handle(request: ListPopularModesRequest, context: CallContext): Promise<ListPopularModesResponse> {
    checkAreaCode(request.areaCode);
    if (request.hours !== 0) checkWindowHours(request.hours);
    const limit = sizeOrDefault('limit', request.limit, DEFAULT_MODES_LIMIT, MAX_MODES_LIMIT);
    const game = gameOf(context);
    if (request.hours !== 0)
      return { modes: await this.popular.window(game, request.areaCode, request.hours, limit), firstIdleAt: undefined };
    const { modes, firstIdleUs } = await this.popular.active(game, request.areaCode, limit);
    return { modes, firstIdleAt: firstIdleUs === undefined ? undefined : toTimestamp(firstIdleUs) };
  }
}
