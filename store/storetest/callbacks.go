package storetest

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"frontdoor/flows"
)

// CallbackStore is what the callback suite tests: callbacks, operators and
// the outbox, written atomically with sessions.
type CallbackStore interface {
	flows.SessionStore
	flows.CallbackStore
	flows.Outbox
}

// RunCallbacks runs the callback suite; open is as for Run.
func RunCallbacks(t *testing.T, open func(t *testing.T) CallbackStore) {
	runAll(t, open, []subtest[CallbackStore]{
		{"ApplyWritesAll", testApplyWritesAll},
		{"ApplyConflictWritesNothing", testApplyConflict},
		{"ConcurrentTakeOneWins", testConcurrentTake},
		{"OutboxOrderAndSent", testOutbox},
		{"Operators", testOperators},
		{"CardsRememberedAndDeleted", testCards},
		{"CallbackOfHerChat", testCallbackOf},
		{"NumberOnlyWhileTaken", testNumberOnlyWhileTaken},
	})
}

func sampleCallback() flows.Callback {
	at := now().In(time.UTC)
	return flows.Callback{
		Ticket: "ABC234", Centre: "c1", Network: "n1", Chat: -42, Phone: "+390000000000",
		Windows: []flows.Window{{Start: at, End: at.Add(time.Hour), Key: "asap"}},
		SMS:     true, Say: "own", SayOwn: "È la palestra", Lang: "it", UILang: "en",
		Created: at, Announced: at,
	}
}

func card(chat int64, text string) flows.Outgoing {
	return flows.Outgoing{Chat: chat, Lang: "it", Reply: flows.Reply{
		Texts:   []flows.Text{flows.T("op.card.new", "Ticket", text)},
		Buttons: [][]flows.Button{{{Label: flows.T("op.button.take"), Data: "op:take:" + text}}},
		Protect: true,
	}}
}

func testApplyWritesAll(t *testing.T, s CallbackStore) {
	ctx := context.Background()
	sess := flows.Session{State: "menu", Lang: "en", Seen: now()}
	cb := sampleCallback()
	err := s.Apply(ctx, flows.Change{Chat: 7, Session: &sess, Expires: now().Add(time.Hour),
		Put: []flows.Callback{cb}, Send: []flows.Outgoing{card(-1, cb.Ticket)}})
	if err != nil {
		t.Fatal(err)
	}
	got, found, err := s.Session(ctx, 7)
	if err != nil || !found || got.State != "menu" {
		t.Errorf("session = %+v, %v, %v", got, found, err)
	}
	stored, found, err := s.Callback(ctx, cb.Ticket)
	cb.Version = 1
	if err != nil || !found || !reflect.DeepEqual(normalize(stored), normalize(cb)) {
		t.Errorf("callback = %+v, %v, %v\nwant %+v", stored, found, err, cb)
	}
	pending, err := s.Pending(ctx, 10)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending = %+v, %v", pending, err)
	}
	want := card(-1, cb.Ticket)
	want.ID = pending[0].ID
	if !reflect.DeepEqual(pending[0], want) {
		t.Errorf("outbox item = %+v\nwant %+v", pending[0], want)
	}
	if err := s.Apply(ctx, flows.Change{Delete: []string{cb.Ticket}}); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.Callback(ctx, cb.Ticket); found {
		t.Error("deleted callback still found")
	}
}

func testCallbackOf(t *testing.T, s CallbackStore) {
	ctx := context.Background()
	hers, other := sampleCallback(), sampleCallback()
	other.Ticket, other.Chat = "XYZ789", 43
	if err := s.Apply(ctx, flows.Change{Put: []flows.Callback{hers, other}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []flows.Callback{hers, other} {
		got, found, err := s.CallbackOf(ctx, want.Chat)
		if err != nil || !found || got.Ticket != want.Ticket || got.Chat != want.Chat {
			t.Errorf("callback of chat %d = %s, %v, %v; want %s", want.Chat, got.Ticket, found, err, want.Ticket)
		}
	}
	if _, found, err := s.CallbackOf(ctx, 44); found || err != nil {
		t.Errorf("a chat without a request: found = %v, err = %v", found, err)
	}
	// An operator taking it changes it; it is still hers.
	taken, _, _ := s.Callback(ctx, hers.Ticket)
	taken.TakenBy = 100
	if err := s.Apply(ctx, flows.Change{Put: []flows.Callback{taken}}); err != nil {
		t.Fatal(err)
	}
	if got, found, _ := s.CallbackOf(ctx, hers.Chat); !found || got.TakenBy != 100 {
		t.Errorf("after a take: %+v, %v", got, found)
	}
	if err := s.Apply(ctx, flows.Change{Delete: []string{hers.Ticket}}); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.CallbackOf(ctx, hers.Chat); found {
		t.Error("a deleted request is still found for her chat")
	}
	if _, found, _ := s.CallbackOf(ctx, other.Chat); !found {
		t.Error("deleting her request lost the other chat's")
	}
}

// normalize makes times comparable after a JSON round trip.
func normalize(cb flows.Callback) flows.Callback {
	cb.Created, cb.Announced = cb.Created.UTC(), cb.Announced.UTC()
	for i := range cb.Windows {
		cb.Windows[i].Start, cb.Windows[i].End = cb.Windows[i].Start.UTC(), cb.Windows[i].End.UTC()
	}
	return cb
}

func testApplyConflict(t *testing.T, s CallbackStore) {
	ctx := context.Background()
	cb := sampleCallback()
	if err := s.Apply(ctx, flows.Change{Put: []flows.Callback{cb}}); err != nil {
		t.Fatal(err)
	}
	sess := flows.Session{State: "lang", Seen: now()}
	err := s.Apply(ctx, flows.Change{Chat: 8, Session: &sess, Expires: now().Add(time.Hour),
		Put: []flows.Callback{cb}, Send: []flows.Outgoing{card(-1, cb.Ticket)}})
	if !errors.Is(err, flows.ErrConflict) {
		t.Fatalf("stale put: err = %v, want ErrConflict", err)
	}
	if _, found, _ := s.Session(ctx, 8); found {
		t.Error("the session of a refused change was written")
	}
	if p, _ := s.Pending(ctx, 10); len(p) != 0 {
		t.Errorf("the messages of a refused change were queued: %+v", p)
	}
}

func testConcurrentTake(t *testing.T, s CallbackStore) {
	ctx := context.Background()
	cb := sampleCallback()
	if err := s.Apply(ctx, flows.Change{Put: []flows.Callback{cb}}); err != nil {
		t.Fatal(err)
	}
	read, _, err := s.Callback(ctx, cb.Ticket)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	won := 0
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			take := read
			take.TakenBy = int64(100 + i)
			err := s.Apply(ctx, flows.Change{Put: []flows.Callback{take}, Send: []flows.Outgoing{card(take.TakenBy, cb.Ticket)}})
			switch {
			case err == nil:
				mu.Lock()
				won++
				mu.Unlock()
			case !errors.Is(err, flows.ErrConflict):
				t.Errorf("take %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d takes succeeded, want 1", won)
	}
	if p, _ := s.Pending(ctx, 100); len(p) != 1 {
		t.Errorf("%d messages queued, want the winner's only", len(p))
	}
}

func testOutbox(t *testing.T, s CallbackStore) {
	ctx := context.Background()
	for _, text := range []string{"A", "B", "C"} {
		if err := s.Apply(ctx, flows.Change{Send: []flows.Outgoing{card(1, text)}}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.Pending(ctx, 2)
	if err != nil || len(p) != 2 || p[0].Reply.Texts[0].Data["Ticket"] != "A" || p[1].Reply.Texts[0].Data["Ticket"] != "B" {
		t.Fatalf("first two pending = %+v, %v", p, err)
	}
	for range 2 { // twice: a duplicate Sent is harmless
		if _, err := s.Sent(ctx, p[0], 0); err != nil {
			t.Fatal(err)
		}
	}
	p, _ = s.Pending(ctx, 10)
	if len(p) != 2 || p[0].Reply.Texts[0].Data["Ticket"] != "B" {
		t.Errorf("after sending A: %+v", p)
	}
	if _, err := s.Sent(ctx, flows.Outgoing{ID: "not a number"}, 0); err == nil {
		t.Error("a malformed id was accepted")
	}
}

func testOperators(t *testing.T, s CallbackStore) {
	ctx := context.Background()
	ops := []flows.Operator{{Chat: -100, Centre: "c1"}, {Chat: 5, Centre: "c2", OnCall: true}}
	for _, op := range ops {
		if err := s.SaveOperator(ctx, op); err != nil {
			t.Fatal(err)
		}
	}
	// Read once before the change: a store that keeps them in memory must
	// not return this list again.
	if got, err := s.Operators(ctx); err != nil || len(got) != 2 {
		t.Fatalf("operators = %+v, %v", got, err)
	}
	ops[0].OnCall = true
	if err := s.SaveOperator(ctx, ops[0]); err != nil {
		t.Fatal(err)
	}
	got, err := s.Operators(ctx)
	if err != nil || len(got) != 2 {
		t.Fatalf("operators = %+v, %v", got, err)
	}
	for _, op := range got {
		if !op.OnCall {
			t.Errorf("operator %+v lost its on-call flag", op)
		}
	}
	if found, err := s.DeleteOperator(ctx, 5); err != nil || !found {
		t.Errorf("delete = %v, %v", found, err)
	}
	if found, err := s.DeleteOperator(ctx, 5); err != nil || found {
		t.Errorf("delete again = %v, %v", found, err)
	}
	if got, _ := s.Operators(ctx); len(got) != 1 || got[0].Chat != -100 {
		t.Errorf("after delete: %+v", got)
	}
}

func testCards(t *testing.T, s CallbackStore) {
	ctx := context.Background()
	cb := sampleCallback()
	cardA, cardB, stray, again := card(-1, cb.Ticket), card(5, cb.Ticket), card(6, "ZZZ999"), card(-1, cb.Ticket)
	cardA.Card, cardB.Card, stray.Card, again.Card = cb.Ticket, cb.Ticket, "ZZZ999", cb.Ticket
	if err := s.Apply(ctx, flows.Change{Put: []flows.Callback{cb}, Send: []flows.Outgoing{cardA, cardB, stray, again}}); err != nil {
		t.Fatal(err)
	}
	p, err := s.Pending(ctx, 10)
	if err != nil || len(p) != 4 {
		t.Fatalf("pending = %+v, %v", p, err)
	}
	for i, o := range p {
		if stale, err := s.Sent(ctx, o, 100+i); err != nil || stale {
			t.Fatal(stale, err)
		}
	}
	refs, err := s.Cards(ctx, cb.Ticket)
	if err != nil || len(refs) != 3 {
		t.Fatalf("cards = %+v, %v; want every card, a chat's second one too", refs, err)
	}
	got := map[int64]int{}
	for _, r := range refs {
		got[r.Chat] += r.Message
	}
	if got[-1] != 100+103 || got[5] != 101 {
		t.Errorf("cards = %+v", refs)
	}
	if refs, _ := s.Cards(ctx, "ZZZ999"); len(refs) != 0 {
		t.Errorf("a card of a callback that does not exist was remembered: %+v", refs)
	}
	if err := s.Apply(ctx, flows.Change{Delete: []string{cb.Ticket}}); err != nil {
		t.Fatal(err)
	}
	if refs, _ := s.Cards(ctx, cb.Ticket); len(refs) != 0 {
		t.Errorf("cards outlive their callback: %+v", refs)
	}
}

// testNumberOnlyWhileTaken: a message with her number is remembered like a
// card while its operator holds the request; one that waited while the
// request passed to someone else comes Stale, and one sent while it ended
// is reported stale so that the transport deletes it.
func testNumberOnlyWhileTaken(t *testing.T, s CallbackStore) {
	ctx := context.Background()
	cb := sampleCallback()
	cb.TakenBy = 5
	number := func(chat int64) flows.Outgoing {
		o := card(chat, cb.Ticket)
		o.Card, o.Number = cb.Ticket, true
		return o
	}
	if err := s.Apply(ctx, flows.Change{Put: []flows.Callback{cb}, Send: []flows.Outgoing{number(5), number(6)}}); err != nil {
		t.Fatal(err)
	}
	p, err := s.Pending(ctx, 10)
	if err != nil || len(p) != 2 || p[0].Stale || !p[1].Stale {
		t.Fatalf("pending = %+v, %v; want chat 5's number live and chat 6's stale", p, err)
	}
	if stale, err := s.Sent(ctx, p[0], 100); err != nil || stale {
		t.Fatalf("sent = %v, %v", stale, err)
	}
	if stale, err := s.Sent(ctx, p[1], 0); err != nil || stale {
		t.Fatalf("a stale number dropped unsent = %v, %v", stale, err)
	}
	refs, err := s.Cards(ctx, cb.Ticket)
	if err != nil || len(refs) != 1 || !refs[0].Number || refs[0].Chat != 5 || refs[0].Message != 100 {
		t.Fatalf("cards = %+v, %v; want chat 5's number remembered", refs, err)
	}
	// Sent again while the request is deleted in between.
	if err := s.Apply(ctx, flows.Change{Send: []flows.Outgoing{number(5)}}); err != nil {
		t.Fatal(err)
	}
	p, _ = s.Pending(ctx, 10)
	if len(p) != 1 || p[0].Stale {
		t.Fatalf("pending = %+v", p)
	}
	if err := s.Apply(ctx, flows.Change{Delete: []string{cb.Ticket}}); err != nil {
		t.Fatal(err)
	}
	if stale, err := s.Sent(ctx, p[0], 101); err != nil || !stale {
		t.Errorf("a number sent after its request ended: stale = %v, %v; want true", stale, err)
	}
	if refs, _ := s.Cards(ctx, cb.Ticket); len(refs) != 0 {
		t.Errorf("cards of a deleted request: %+v", refs)
	}
}
