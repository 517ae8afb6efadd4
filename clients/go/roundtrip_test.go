// The generated Go client against a running stack (GAMEPULSE_GRPC: host:port of the gateway's gRPC). Run by
// test/e2e/other-clients.e2e.test.ts, which starts the stack; by hand: `GAMEPULSE_GRPC=127.0.0.1:8080 go test ./...`.
package roundtrip_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "gamepulse/clients/go/gen/gamepulse/common/v1"
	ingestv1 "gamepulse/clients/go/gen/gamepulse/ingest/v1"
	reactionv1 "gamepulse/clients/go/gen/gamepulse/reaction/v1"
)

func connect(t *testing.T) (*grpc.ClientConn, context.Context) {
	t.Helper()
	address := os.Getenv("GAMEPULSE_GRPC")
	if address == "" {
		t.Fatal("set GAMEPULSE_GRPC to the gateway's host:port")
	}
	conn, err := grpc.NewClient(address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("connecting to %s: %v", address, err)
	}
	t.Cleanup(func() { conn.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return conn, ctx
}

func reactionOn(matchID string) *ingestv1.Event {
	reaction := &reactionv1.Reaction{UserId: "go", MatchId: matchID, Emoticon: reactionv1.Emoticon_EMOTICON_CLAP, Ts: timestamppb.Now()}
	return &ingestv1.Event{EventId: uuid.NewString(), Payload: &ingestv1.Event_Reaction{Reaction: reaction}}
}

func TestIngestsReactionsAndReadsThemBackOnce(t *testing.T) {
	conn, ctx := connect(t)
	ingest := ingestv1.NewIngestServiceClient(conn)
	matchID := "go-" + uuid.NewString()
	events := []*ingestv1.Event{reactionOn(matchID), reactionOn(matchID)}
	first, err := ingest.IngestEvents(ctx, &ingestv1.IngestEventsRequest{Events: events})
	if err != nil {
		t.Fatalf("IngestEvents: %v", err)
	}
	for _, result := range first.Results {
		if result.Outcome != commonv1.EventOutcome_EVENT_OUTCOME_ACCEPTED {
			t.Fatalf("event %d: %v %s", result.Index, result.Outcome, result.Reason)
		}
	}
	again, err := ingest.IngestEvents(ctx, &ingestv1.IngestEventsRequest{Events: events})
	if err != nil || again.Duplicates != 2 {
		t.Fatalf("sent again: %v, %v duplicates (want 2)", err, again.GetDuplicates())
	}
	counts, err := reactionv1.NewReactionServiceClient(conn).GetMatchReactions(ctx, &reactionv1.GetMatchReactionsRequest{MatchId: matchID})
	if err != nil {
		t.Fatalf("GetMatchReactions: %v", err)
	}
	if total := counts.GetSummary().GetTotal(); total != 2 {
		t.Fatalf("total %d, want 2", total)
	}
}

func TestBadQueryIsInvalidArgumentNamingTheField(t *testing.T) {
	conn, ctx := connect(t)
	_, err := reactionv1.NewReactionServiceClient(conn).GetMatchReactions(ctx, &reactionv1.GetMatchReactionsRequest{MatchId: ""})
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(status.Convert(err).Message(), "match_id") {
		t.Fatalf("got %v, want INVALID_ARGUMENT naming match_id", err)
	}
}
