package bot_test

import (
	"bytes"
	"context"
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

// runOutbox delivers box through srv, with a transport built from cfg,
// until the test ends.
func runOutbox(t *testing.T, srv *telegramtest.Server, box flows.Outbox, cfg bot.TelegramConfig) {
	t.Helper()
	tg := newTelegram(t, srv, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { tg.RunOutbox(ctx, box, 20*time.Millisecond); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
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
