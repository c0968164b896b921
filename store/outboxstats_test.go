package store

import (
	"context"
	"testing"

	"frontdoor/flows"
)

func TestOutboxBacklog(t *testing.T) {
	ctx := context.Background()
	db := freshDB(t)
	if n, oldest, err := db.OutboxBacklog(ctx); n != 0 || oldest != 0 || err != nil {
		t.Fatalf("empty outbox: %d, %d, %v", n, oldest, err)
	}
	msg := flows.Outgoing{Chat: -100, Lang: "it", Reply: flows.Reply{Texts: []flows.Text{flows.T("menu.title")}}}
	for range 3 {
		if err := db.Apply(ctx, flows.Change{Send: []flows.Outgoing{msg}}); err != nil {
			t.Fatal(err)
		}
	}
	n, oldest, err := db.OutboxBacklog(ctx)
	if n != 3 || oldest == 0 || err != nil {
		t.Fatalf("backlog: %d, %d, %v; want 3 and the first's sequence", n, oldest, err)
	}
	pending, err := db.Pending(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Sent(ctx, pending[0], 1); err != nil {
		t.Fatal(err)
	}
	n, next, err := db.OutboxBacklog(ctx)
	if n != 2 || next <= oldest || err != nil {
		t.Errorf("after one sent: %d, %d (was %d), %v", n, next, oldest, err)
	}
}
