// Sends a reaction to a running gamepulse over gRPC and reads its match back.
//
// Against `npm start`: `bash scripts/generate-clients.sh` once, then `cd clients/go && go run ./example`.
// GAMEPULSE_GRPC (default 127.0.0.1:8080, the gateway) and GAMEPULSE_API_KEY (optional on loopback) say where and as
// whom.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/timestamppb"

	ingestv1 "gamepulse/clients/go/gen/gamepulse/ingest/v1"
	reactionv1 "gamepulse/clients/go/gen/gamepulse/reaction/v1"
)

func main() {
	address := os.Getenv("GAMEPULSE_GRPC")
	if address == "" {
		address = "127.0.0.1:8080"
	}
	conn, err := grpc.NewClient(address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		log.Fatalf("connecting to %s: %v", address, err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if key := os.Getenv("GAMEPULSE_API_KEY"); key != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+key)
	}

	matchID := "go-" + uuid.NewString()[:8]
	reaction := &reactionv1.Reaction{UserId: "go-fan", MatchId: matchID, Emoticon: reactionv1.Emoticon_EMOTICON_HEART, Ts: timestamppb.Now()}
	answer, err := ingestv1.NewIngestServiceClient(conn).IngestEvents(ctx, &ingestv1.IngestEventsRequest{
		Events: []*ingestv1.Event{{EventId: uuid.NewString(), Payload: &ingestv1.Event_Reaction{Reaction: reaction}}},
	})
	if err != nil {
		log.Fatalf("IngestEvents: %v", err)
	}
	fmt.Printf("sent 1 reaction: %d accepted, %d duplicate, %d rejected\n", answer.Accepted, answer.Duplicates, answer.Rejected)
	counts, err := reactionv1.NewReactionServiceClient(conn).GetMatchReactions(ctx, &reactionv1.GetMatchReactionsRequest{MatchId: matchID})
	if err != nil {
		log.Fatalf("GetMatchReactions: %v", err)
	}
	fmt.Printf("match %s: %d reaction(s)\n", matchID, counts.GetSummary().GetTotal())
}
