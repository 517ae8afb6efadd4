import { describe, expect, it } from 'vitest';
import { parseEventsBody } from '../compat/request-body.js';
import { BadRequest } from '../http-errors.js';
import { convertSessionEvent } from '../compat/session-events.js';

describe('convertSessionEvent', () => {
  it('converts a start of the original format, keeping microseconds', () => {
    const converted = convertSessionEvent({
      event: 'start',
      country: 'FI',
      player_id: '0a2d12a1a7e145de8bae44c0c6e06629',
      session_id: '4a0c43c9-c43a-42ff-ba55-67563dfa35d4',
      ts: '2016-12-02T12:48:05.520022',
    });
    expect(converted).toEqual({
      eventId: '',
      event: {
        eventId: '',
        payload: {
          $case: 'sessionStart',
          value: {
            playerId: '0a2d12a1a7e145de8bae44c0c6e06629',
            sessionId: '4a0c43c9-c43a-42ff-ba55-67563dfa35d4',
            country: 'FI',
            ts: { seconds: Date.UTC(2016, 11, 2, 12, 48, 5) / 1000, nanos: 520_022_000 },
          },
        },
      },
    });
  });

  it('converts an end, which has no country', () => {
    const converted = convertSessionEvent({ event: 'end', player_id: 'p', session_id: 's', ts: '2016-12-02T13:01:44Z' });
    expect('event' in converted && converted.event.payload).toMatchObject({ $case: 'sessionEnd' });
  });

  it.each([
    [{ event: 'pause', ts: '2016-12-02T13:01:44' }, 'event'],
    [{ event: 'start', ts: 'yesterday' }, 'ts'],
    [{ event: 'start' }, 'ts'],
    [{ event: 'start', ts: '2016-12-02T13:01:44', player_id: 7 }, 'player_id'],
    [[1, 2], 'event'],
  ])('reports %j by field %s', (value, field) => {
    expect(convertSessionEvent(value)).toMatchObject({ problem: { field } });
  });
});

describe('parseEventsBody', () => {
  it('reads one object, an array, or JSON lines', () => {
    expect(parseEventsBody('{"a":1}', 10, 500)).toEqual([{ a: 1 }]);
    expect(parseEventsBody('[{"a":1},{"a":2}]', 10, 500)).toHaveLength(2);
    expect(parseEventsBody('{"a":1}\n\n{"a":2}\n', 10, 500)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('refuses malformed bodies with a one-line reason', () => {
    expect(() => parseEventsBody('', 10, 500)).toThrow(BadRequest);
    expect(() => parseEventsBody('[{"a":1}', 10, 500)).toThrow(/malformed JSON/);
    expect(() => parseEventsBody(JSON.stringify(Array(11).fill({})), 10, 500)).toThrow(/1 to 10 events, got 11/);
    expect(() => parseEventsBody('{"a":1}\n{"a":', 10, 500)).toThrow(/line 2/);
    expect(() => parseEventsBody('{}\n{}\n{}', 10, 2)).toThrow(/at most 2 JSON lines/);
  });
});
