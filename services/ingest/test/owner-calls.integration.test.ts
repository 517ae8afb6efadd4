// Ingest's calls to the owners are bounded by its own caller: the caller's deadline goes on to the owner call, a
// caller that cancels cancels the owner calls it started, and a call that finds its owner away (UNAVAILABLE: a
// replica restarting) is sent again within that deadline. The owner here is a real gRPC server whose handler sleeps
// until its call ends (user "sleepy"), so that the test sees when (and whether) that happens, or answers at once.
import { isAbortError } from 'abort-controller-x';
import { ClientError, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventOutcome } from '../../../gen/ts-proto/gamepulse/common/v1/event_result.js';
import type { IngestEventsRequest, IngestServiceDefinition } from '../../../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { ModeAction } from '../../../gen/ts-proto/gamepulse/session/v1/session.js';
import type { ServiceClient } from '../../shared/grpc-client.js';
import { freePorts } from '../../../test/support/env.js';
import { OwnerHarness } from '../../../test/support/owner-harness.js';

const harness = new OwnerHarness();
let client: ServiceClient<typeof IngestServiceDefinition>;

beforeAll(async () => {
  const owner = await harness.startOwner();
  client = harness.ingestClient(await harness.startIngest(owner.port));
});

afterAll(() => harness.stop());

const loginOf = (userId: string): IngestEventsRequest => ({
  events: [
    {
      eventId: '',
      payload: { $case: 'mode', value: { userId, areaCode: '111', mode: 'Arena', action: ModeAction.MODE_ACTION_LOGIN, ts: undefined } },
    },
  ],
});
const oneModeEvent = loginOf('sleepy');

describe("ingest's owner calls", () => {
  it("end at the caller's deadline: DEADLINE_EXCEEDED comes quickly, and the owner call stops with it", async () => {
    const deadline = new Date(Date.now() + 300);
    const started = Date.now();
    const error = await client.ingestEvents(oneModeEvent, { deadline }).catch((e: ClientError) => e);
    const answeredAfter = Date.now() - started;
    expect(error).toMatchObject({ code: Status.DEADLINE_EXCEEDED });
    expect(answeredAfter).toBeLessThan(1000);
    const seen = await harness.received(1);
    // The owner was given the caller's deadline, not ingest's own 10 s: each hop counts the time left from when the
    // call reached it, so on a loaded machine it drifts later by the time spent in between.
    expect(seen.deadline).toBeDefined();
    expect(seen.deadline!.getTime()).toBeLessThan(deadline.getTime() + 1000);
    expect((await harness.ended(seen)) - deadline.getTime()).toBeLessThan(1000);
  });

  it('are cancelled when the caller cancels: no owner call is left running', async () => {
    const before = harness.calls.length;
    const caller = new AbortController();
    const answer = client.ingestEvents(oneModeEvent, { deadline: 8000, signal: caller.signal }).catch((e: unknown) => e);
    const seen = await harness.received(before + 1);
    expect(seen.endedAt).toBeUndefined();
    const cancelledAt = Date.now();
    caller.abort();
    expect((await harness.ended(seen)) - cancelledAt).toBeLessThan(1000);
    expect(isAbortError(await answer)).toBe(true);
  });

  it('are sent again while the owner is away, and the event is stored once it is back', async () => {
    const [port] = await freePorts(1);
    const ingestOfAbsentOwner = harness.ingestClient(await harness.startIngest(port));
    const started = Date.now();
    const answer = ingestOfAbsentOwner.ingestEvents(loginOf('u1'), { deadline: 3000 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await harness.startOwner(port);
    expect((await answer).results[0]?.outcome).toBe(EventOutcome.EVENT_OUTCOME_ACCEPTED);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('give up on an owner that stays away: the event is answered retryable, well within the deadline', async () => {
    const [port] = await freePorts(1);
    const ingestOfAbsentOwner = harness.ingestClient(await harness.startIngest(port));
    const started = Date.now();
    const [answer] = (await ingestOfAbsentOwner.ingestEvents(loginOf('u1'), { deadline: 8000 })).results;
    expect(answer.outcome).toBe(EventOutcome.EVENT_OUTCOME_RETRYABLE);
    expect(answer.reason).toMatch(/^not stored: the session service failed \(UNAVAILABLE\); retry/);
    // Five tries with waits of at most 50 + 100 + 200 + 400 ms.
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
