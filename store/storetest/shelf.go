package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"frontdoor/flows"
)

// ShelfStore keeps the messages of the outbox that the web door holds for
// a visitor until she next looks.
type ShelfStore interface {
	Shelve(ctx context.Context, o flows.Outgoing, until time.Time) error
	TakeShelf(ctx context.Context, chat int64, now time.Time) ([]flows.Outgoing, error)
}

// RunShelf runs the shelf part of the suite. open must return a new, empty
// store for each subtest.
func RunShelf(t *testing.T, open func(t *testing.T) ShelfStore) {
	runAll(t, open, []subtest[ShelfStore]{
		{"KeepAndTake", testShelfKeepAndTake},
		{"Once", testShelfOnce},
		{"Until", testShelfUntil},
		{"CancelledContext", testShelfCancelled},
	})
}

// kept is a message for chat with the outbox id id.
func kept(chat int64, id, text string) flows.Outgoing {
	return flows.Outgoing{ID: id, Chat: chat, Lang: "uk", Hers: true, Reply: flows.Reply{Texts: []flows.Text{flows.Raw(text)}, Protect: true}}
}

func texts(os []flows.Outgoing) []string {
	var out []string
	for _, o := range os {
		for _, t := range o.Reply.Texts {
			out = append(out, t.Data["Text"].(string))
		}
	}
	return out
}

func testShelfKeepAndTake(t *testing.T, s ShelfStore) {
	ctx, at := context.Background(), now()
	const her, other = int64(1) << 62, int64(1)<<62 + 1
	until := at.Add(flows.HersVisibleFor)
	must(t, s.Shelve(ctx, kept(her, "1", "first"), until))
	must(t, s.Shelve(ctx, kept(other, "2", "other"), until))
	must(t, s.Shelve(ctx, kept(her, "3", "second"), until))
	got, err := s.TakeShelf(ctx, her, at)
	if err != nil || len(got) != 2 || got[0].ID != "1" || got[1].ID != "3" || got[0].Chat != her || got[0].Lang != "uk" ||
		!got[0].Hers || !got[0].Reply.Protect || texts(got)[0] != "first" || texts(got)[1] != "second" {
		t.Fatalf("took %+v (%v), want her two messages in order", got, err)
	}
	if got, err := s.TakeShelf(ctx, her, at); len(got) != 0 || err != nil {
		t.Errorf("taken messages came back: %+v (%v)", got, err)
	}
	if got, err := s.TakeShelf(ctx, other, at); len(got) != 1 || got[0].ID != "2" || err != nil {
		t.Errorf("the other chat's: %+v (%v)", got, err)
	}
}

// testShelfOnce: a message delivered again after a crash is kept once.
func testShelfOnce(t *testing.T, s ShelfStore) {
	ctx, at := context.Background(), now()
	must(t, s.Shelve(ctx, kept(5, "7", "once"), at.Add(time.Hour)))
	must(t, s.Shelve(ctx, kept(5, "7", "once"), at.Add(time.Hour)))
	if got, err := s.TakeShelf(ctx, 5, at); len(got) != 1 || err != nil {
		t.Errorf("took %+v (%v), want the message once", got, err)
	}
}

func testShelfUntil(t *testing.T, s ShelfStore) {
	ctx, at := context.Background(), now()
	must(t, s.Shelve(ctx, kept(5, "1", "early"), at.Add(time.Hour)))
	must(t, s.Shelve(ctx, kept(5, "2", "late"), at.Add(2*time.Hour)))
	if got, err := s.TakeShelf(ctx, 5, at.Add(time.Hour)); err != nil || len(got) != 1 || got[0].ID != "2" {
		t.Errorf("took %+v (%v) an hour later, want only the message still standing", got, err)
	}
}

func testShelfCancelled(t *testing.T, s ShelfStore) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Shelve(ctx, kept(5, "1", "x"), now().Add(time.Hour)); !errors.Is(err, context.Canceled) {
		t.Errorf("Shelve: %v, want context.Canceled", err)
	}
	if _, err := s.TakeShelf(ctx, 5, now()); !errors.Is(err, context.Canceled) {
		t.Errorf("TakeShelf: %v, want context.Canceled", err)
	}
}
