"""The generated Python client against a running stack (GAMEPULSE_GRPC: host:port of the gateway's gRPC).

Run by test/e2e/other-clients.e2e.test.ts, which starts the stack; by hand: `.local/python/bin/python -m pytest
clients/python` with GAMEPULSE_GRPC set.
"""

import os
import uuid

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from gamepulse.common.v1 import event_result_pb2
from gamepulse.ingest.v1 import ingest_pb2, ingest_pb2_grpc
from gamepulse.reaction.v1 import reaction_pb2, reaction_pb2_grpc


@pytest.fixture(scope="module")
def channel():
    address = os.environ.get("GAMEPULSE_GRPC")
    assert address, "set GAMEPULSE_GRPC to the gateway's host:port"
    with grpc.insecure_channel(address) as opened:
        yield opened


def now() -> Timestamp:
    stamp = Timestamp()
    stamp.GetCurrentTime()
    return stamp


def reaction_event(match_id: str, event_id: str) -> ingest_pb2.Event:
    reaction = reaction_pb2.Reaction(user_id="py", match_id=match_id, emoticon=reaction_pb2.EMOTICON_FIRE, ts=now())
    return ingest_pb2.Event(event_id=event_id, reaction=reaction)


def test_ingests_reactions_and_reads_them_back_once(channel):
    ingest = ingest_pb2_grpc.IngestServiceStub(channel)
    reactions = reaction_pb2_grpc.ReactionServiceStub(channel)
    match_id = f"py-{uuid.uuid4().hex}"
    events = [reaction_event(match_id, str(uuid.uuid4())) for _ in range(3)]
    first = ingest.IngestEvents(ingest_pb2.IngestEventsRequest(events=events), timeout=10)
    assert [result.outcome for result in first.results] == [event_result_pb2.EVENT_OUTCOME_ACCEPTED] * 3
    again = ingest.IngestEvents(ingest_pb2.IngestEventsRequest(events=events), timeout=10)
    assert again.duplicates == 3
    summary = reactions.GetMatchReactions(reaction_pb2.GetMatchReactionsRequest(match_id=match_id), timeout=10).summary
    assert summary.total == 3
    assert [(count.emoticon, count.count) for count in summary.emoticons] == [(reaction_pb2.EMOTICON_FIRE, 3)]


def test_rejects_a_bad_event_naming_the_field(channel):
    ingest = ingest_pb2_grpc.IngestServiceStub(channel)
    answer = ingest.IngestEvents(ingest_pb2.IngestEventsRequest(events=[reaction_event("", str(uuid.uuid4()))]), timeout=10)
    assert answer.results[0].outcome == event_result_pb2.EVENT_OUTCOME_REJECTED
    assert answer.results[0].field == "reaction.match_id"


def test_bad_query_is_invalid_argument(channel):
    reactions = reaction_pb2_grpc.ReactionServiceStub(channel)
    with pytest.raises(grpc.RpcError) as raised:
        reactions.GetMatchReactions(reaction_pb2.GetMatchReactionsRequest(match_id=""), timeout=10)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "match_id" in raised.value.details()
