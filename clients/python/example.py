"""Sends a reaction to a running gamepulse over gRPC and reads its match back.

Against `npm start`: `bash scripts/generate-clients.sh` once, then
`PYTHONPATH=clients/python/gen .local/python/bin/python clients/python/example.py`.
GAMEPULSE_GRPC (default 127.0.0.1:8080, the gateway) and GAMEPULSE_API_KEY (optional on loopback) say where and as whom.
"""

import os
import uuid

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from gamepulse.ingest.v1 import ingest_pb2, ingest_pb2_grpc
from gamepulse.reaction.v1 import reaction_pb2, reaction_pb2_grpc


def main() -> None:
    address = os.environ.get("GAMEPULSE_GRPC", "127.0.0.1:8080")
    key = os.environ.get("GAMEPULSE_API_KEY")
    metadata = [("authorization", f"Bearer {key}")] if key else []
    match_id = f"python-{uuid.uuid4().hex[:8]}"
    now = Timestamp()
    now.GetCurrentTime()
    with grpc.insecure_channel(address) as channel:
        ingest = ingest_pb2_grpc.IngestServiceStub(channel)
        reaction = reaction_pb2.Reaction(user_id="py-fan", match_id=match_id, emoticon=reaction_pb2.EMOTICON_HEART, ts=now)
        answer = ingest.IngestEvents(
            ingest_pb2.IngestEventsRequest(events=[ingest_pb2.Event(event_id=str(uuid.uuid4()), reaction=reaction)]),
            metadata=metadata,
            timeout=10,
        )
        print(f"sent 1 reaction: {answer.accepted} accepted, {answer.duplicates} duplicate, {answer.rejected} rejected")
        summary = reaction_pb2_grpc.ReactionServiceStub(channel).GetMatchReactions(
            reaction_pb2.GetMatchReactionsRequest(match_id=match_id), metadata=metadata, timeout=10
        ).summary
        print(f"match {match_id}: {summary.total} reaction(s)")


if __name__ == "__main__":
    main()
