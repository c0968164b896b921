package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/bot/telegramtest"
	"frontdoor/flows"
	"frontdoor/store/memstore"
)

// runOutbox delivers box through srv until the test ends, with a
// transport built from cfg as the only door and a delivery that logs
// where cfg does; tune changes the delivery.
func runOutbox(t *testing.T, srv *telegramtest.Server, box flows.Outbox, cfg bot.TelegramConfig, tune ...func(*bot.Delivery)) {
	t.Helper()
	d := telegramDelivery(t, srv, box, cfg, tune...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx, 20*time.Millisecond); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// telegramDelivery is the delivery of box with a transport built from cfg
// as its only door.
func telegramDelivery(t *testing.T, srv *telegramtest.Server, box flows.Outbox, cfg bot.TelegramConfig, tune ...func(*bot.Delivery)) *bot.Delivery {
	t.Helper()
	tg := newTelegram(t, srv, cfg)
	d := &bot.Delivery{Outbox: box, Renderer: cfg.Renderer, Doors: []bot.OutboxDoor{tg}, Log: cfg.Log}
	if d.Renderer == nil {
		d.Renderer = tgRenderer{}
	}
	for _, f := range tune {
		f(d)
	}
	return d
}

func queue(t *testing.T, st *memstore.Store, chat int64, text string) {
	t.Helper()
	o := flows.Outgoing{Chat: chat, Lang: "it", Reply: flows.Reply{Texts: []flows.Text{flows.Raw(text)}, Protect: true}}
	if err := st.Apply(context.Background(), flows.Change{Send: []flows.Outgoing{o}}); err != nil {
		t.Fatal(err)
	}
}

// A message stays in the outbox through 5xx, 429 and network trouble and
// is delivered once; a refusal no retry can fix is dropped so the queue
// moves on.
func TestOutboxDelivery(t *testing.T) {
	for _, tc := range []struct {
		name                    string
		fails, code, retryAfter int
		dropped                 bool
	}{
		{"bad gateway", 2, 502, 0, false},
		{"too many requests", 1, 429, 1, false},
		{"blocked", 1, 403, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := telegramtest.New(t, tgToken)
			st := memstore.New()
			var logs syncLog
			srv.FailNext("sendMessage", tc.fails, tc.code, tc.retryAfter)
			queue(t, st, -100, "first")
			queue(t, st, 7, "second")
			runOutbox(t, srv, st, bot.TelegramConfig{Log: slog.New(slog.NewTextHandler(&logs, nil))})
			srv.WaitSent(t, 1, tgWait)
			waitOutboxEmpty(t, st)
			time.Sleep(100 * time.Millisecond) // a few more rounds: nothing more
			sent := srv.Sent()
			var texts []string
			for _, s := range sent {
				texts = append(texts, s.Text)
				if !s.ProtectContent || !s.DisableNotification {
					t.Errorf("not discreet: %+v", s)
				}
			}
			want := "it|first it|second"
			if tc.dropped {
				want = "it|second"
			}
			if got := strings.Join(texts, " "); got != want {
				t.Errorf("sent %q, want %q", got, want)
			}
			if tc.dropped && !strings.Contains(logs.String(), "outbox_dropped") {
				t.Errorf("the drop was not logged:\n%s", logs.String())
			}
			if strings.Contains(logs.String(), tgToken) {
				t.Error("the token is in the log")
			}
		})
	}
}

// waitOutboxEmpty waits until nothing is pending in st, or fails the test.
func waitOutboxEmpty(t *testing.T, st *memstore.Store) {
	t.Helper()
	deadline := time.Now().Add(tgWait)
	for {
		if p, _ := st.Pending(context.Background(), 10); len(p) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the outbox did not empty")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// syncLog is a log destination safe for concurrent writes.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestOutboxMessageToHerJoinsHerTrail: the discreet message the outbox sends
// her joins her wipe trail (and is wiped within the 48 hours); a card to
// operators does not.
func TestOutboxMessageToHerJoinsHerTrail(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	st := memstore.New()
	trails := &memstore.Trails{}
	for _, o := range []flows.Outgoing{
		{Chat: 7, Lang: "it", Hers: true, Reply: flows.Reply{Texts: []flows.Text{flows.Raw("numbers")}}},
		{Chat: -100, Lang: "it", Card: "ABC123", Reply: flows.Reply{Texts: []flows.Text{flows.Raw("card")}}},
	} {
		if err := st.Apply(context.Background(), flows.Change{Send: []flows.Outgoing{o}}); err != nil {
			t.Fatal(err)
		}
	}
	runOutbox(t, srv, st, bot.TelegramConfig{Trail: trails, Wiper: noWipe{}, WipeEvery: time.Hour})
	sent := srv.WaitSent(t, 2, tgWait)
	waitOutboxEmpty(t, st)
	hers, found, err := trails.TakeTrail(context.Background(), 7, time.Time{})
	if err != nil || !found || len(hers.Messages) != 1 || hers.Messages[0].ID != sent[0].MessageID || !hers.Idle ||
		hers.Due.After(time.Now().Add(flows.HersVisibleFor+time.Minute)) {
		t.Errorf("her trail: %+v %v %v, want the message sent to her, wiped within %v", hers, found, err, flows.HersVisibleFor)
	}
	if _, found, _ := trails.TakeTrail(context.Background(), -100, time.Time{}); found {
		t.Errorf("a card to operators joined a wipe trail")
	}
}

// noWipe is a Wiper whose wipes leave nothing to send.
type noWipe struct{}

func (noWipe) Wipe(context.Context, int64) (flows.Result, error) { return flows.Result{}, nil }

// numberFor queues a message with her number for chat, of a request taken
// by taker (none stored when taker is 0).
func numberFor(t *testing.T, st *memstore.Store, chat, taker int64) {
	t.Helper()
	ch := flows.Change{Send: []flows.Outgoing{{Chat: chat, Lang: "it", Card: "ABC234", Number: true,
		Reply: flows.Reply{Texts: []flows.Text{flows.Raw("number")}, To: flows.ForOperators, Protect: true}}}}
	if taker != 0 {
		ch.Put = []flows.Callback{{Ticket: "ABC234", Network: "n", TakenBy: taker}}
	}
	if err := st.Apply(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
}

// TestOutboxNumberOnlyWhileHers: her number is not sent to an operator who
// no longer holds the request, and is remembered when sent to one who does.
func TestOutboxNumberOnlyWhileHers(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	st := memstore.New()
	numberFor(t, st, 7, 8) // taken by 8 meanwhile
	numberFor(t, st, 8, 0)
	runOutbox(t, srv, st, bot.TelegramConfig{})
	sent := srv.WaitSent(t, 1, tgWait)
	waitOutboxEmpty(t, st)
	if len(sent) != 1 || sent[0].ChatID != 8 {
		t.Fatalf("sent %+v, want the number to the operator who holds it only", sent)
	}
	if refs, _ := st.Cards(context.Background(), "ABC234"); len(refs) != 1 || !refs[0].Number || refs[0].Message != sent[0].MessageID {
		t.Errorf("remembered %+v, want the number message", refs)
	}
}

// staleBox reports every message sent as stale, as when her request ended
// while the message was in flight.
type staleBox struct{ *memstore.Store }

func (b staleBox) Sent(ctx context.Context, o flows.Outgoing, id int) (bool, error) {
	_, err := b.Store.Sent(ctx, o, id)
	return o.Number, err
}

// TestOutboxNumberDeletedWhenStale: a number that arrived after its request
// ended is deleted at once: nothing would ever empty it.
func TestOutboxNumberDeletedWhenStale(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	st := memstore.New()
	numberFor(t, st, 8, 8)
	runOutbox(t, srv, staleBox{st}, bot.TelegramConfig{})
	sent := srv.WaitSent(t, 1, tgWait)
	srv.WaitCalls(t, "deleteMessages", 1, tgWait)
	if got := srv.Visible(8); len(got) != 0 {
		t.Errorf("messages %v still visible in the operator's chat, want the number %d deleted", got, sent[0].MessageID)
	}
}

// TestOutboxNumberUndelivered: a number Telegram refuses for good (the
// operator never started the bot) is handed to Undelivered before it
// leaves the outbox; while Undelivered fails, it stays.
func TestOutboxNumberUndelivered(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	srv.Unreachable(8, true)
	st := memstore.New()
	numberFor(t, st, 8, 8)
	var mu sync.Mutex
	var told []flows.Outgoing
	fail := true
	undelivered := func(_ context.Context, o flows.Outgoing) error {
		mu.Lock()
		defer mu.Unlock()
		told = append(told, o)
		if fail {
			fail = false
			return context.DeadlineExceeded
		}
		return nil
	}
	runOutbox(t, srv, st, bot.TelegramConfig{}, func(d *bot.Delivery) { d.Undelivered = undelivered })
	waitOutboxEmpty(t, st)
	mu.Lock()
	defer mu.Unlock()
	if len(told) != 2 || told[1].Chat != 8 || !told[1].Number || told[1].Card != "ABC234" {
		t.Errorf("Undelivered heard %+v, want the number twice (a failure keeps it queued)", told)
	}
	if n := srv.SentCount(8); n != 0 {
		t.Errorf("%d messages reached the unreachable chat", n)
	}
}

// panicRenderer fails on one text, as a stored message the renderer can
// no longer read would.
type panicRenderer struct{ tgRenderer }

func (r panicRenderer) Render(lang string, rep flows.Reply) bot.Message {
	if len(rep.Texts) > 0 && rep.Texts[0].Data["Text"] == "boom" {
		panic(fmt.Sprintf("cannot render for chat %d", 424242))
	}
	return r.tgRenderer.Render(lang, rep)
}

// A message that cannot be rendered is dropped and logged without the
// chat id; the messages behind it are delivered, and the process lives.
func TestOutboxUnrenderable(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	st := memstore.New()
	var logs syncLog
	queue(t, st, 424242, "boom")
	queue(t, st, 7, "after")
	runOutbox(t, srv, st, bot.TelegramConfig{Renderer: panicRenderer{}, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	srv.WaitSent(t, 1, tgWait)
	waitOutboxEmpty(t, st)
	if sent := srv.Sent(); len(sent) != 1 || sent[0].Text != "it|after" {
		t.Errorf("sent %+v, want only the message behind it", sent)
	}
	if !strings.Contains(logs.String(), "outbox_unrenderable") {
		t.Errorf("the drop was not logged:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "424242") {
		t.Errorf("the chat id is in the log:\n%s", logs.String())
	}
}
