package bot_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/bot/telegramtest"
	"frontdoor/flows"
)

// floodHandler answers every text with itself, and a flood with a notice.
type floodHandler struct {
	mu      sync.Mutex
	handled map[int64]int
	texts   []string // of the flooding chat, in the order handled
}

func (h *floodHandler) Handle(_ context.Context, in flows.Input) (flows.Result, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.handled[in.Chat]++
	if in.Chat == flooder {
		h.texts = append(h.texts, in.Text+in.Data)
	}
	return reply("it", in.Text), nil
}

func (h *floodHandler) Flooded(_ context.Context, in flows.Input, notice bool) (flows.Result, error) {
	if !notice {
		return flows.Result{Lang: "it"}, nil
	}
	return flows.Result{Lang: "it", Replies: []flows.Reply{{Texts: []flows.Text{flows.T("flood.notice")}}}}, nil
}

func (h *floodHandler) count(chat int64) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.handled[chat]
}

// outcomes counts the updates an Observer is told of, by outcome.
type outcomes struct {
	mu sync.Mutex
	n  map[string]int
}

func (o *outcomes) Update(_, outcome string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.n[outcome]++
}

func (o *outcomes) APICall(string, int) {}

func (o *outcomes) OutboxDropped(string) {}

func (o *outcomes) get(outcome string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n[outcome]
}

const flooder, bystander = 71, 72

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, why string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, why)
		}
	}
}

// TestFloodDoesNotStallOthers: one chat sends 300 messages at once while
// every Bot API call takes 20 ms. Another woman who writes after them is
// answered while the flood is still queued; the flooding chat has her
// first messages answered and one notice, the rest is dropped and
// counted; once she has paused she is answered again.
func TestFloodDoesNotStallOthers(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	srv.SetLatency(20 * time.Millisecond)
	h := &floodHandler{handled: map[int64]int{}}
	obs := &outcomes{n: map[string]int{}}
	startTelegram(t, srv, bot.TelegramConfig{Handler: h, Observer: obs})
	srv.WaitCalls(t, "getUpdates", 1, tgWait) // the bot is polling

	for i := range 300 {
		srv.Text(flooder, "it", strconv.Itoa(i))
	}
	t0 := time.Now()
	srv.Text(bystander, "it", "hello")
	waitFor(t, 30*time.Second, "the other woman was never answered", func() bool { return len(srv.SentTo(bystander)) > 0 })
	took, handled := time.Since(t0), h.count(flooder)
	t.Logf("the other woman was answered after %v, when %d of the 300 flooding messages had been handled", took, handled)
	if handled >= 50 {
		t.Errorf("she was answered only after %d of the flooding messages", handled)
	}

	waitFor(t, 30*time.Second, "the flood was never acknowledged", func() bool { return srv.Pending() == 0 })
	handled = h.count(flooder)
	var notices int
	for _, s := range srv.SentTo(flooder) {
		if strings.Contains(s.Text, "flood.notice") {
			notices++
		}
	}
	if handled == 0 || handled >= 50 || notices != 1 {
		t.Errorf("the flooding chat had %d messages answered and %d notices; want her first ones and one notice", handled, notices)
	}
	if dropped := obs.get(bot.OutcomeFlood); dropped != 300-handled {
		t.Errorf("%d updates counted as dropped, want %d", dropped, 300-handled)
	}
	for i, text := range h.texts {
		if text != strconv.Itoa(i) {
			t.Fatalf("the flooding chat's messages were handled out of order: %q", h.texts)
		}
	}

	// After a pause she is heard again.
	time.Sleep(1500 * time.Millisecond)
	srv.Text(flooder, "it", "again")
	waitFor(t, 10*time.Second, "after the pause she was not answered", func() bool {
		sent := srv.SentTo(flooder)
		return strings.HasSuffix(sent[len(sent)-1].Text, "|again")
	})
}

// TestFloodKeepsExit: the exit pressed in the middle of a flood is never
// dropped: a wipe must always happen.
func TestFloodKeepsExit(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	srv.SetLatency(20 * time.Millisecond)
	h := &floodHandler{handled: map[int64]int{}}
	startTelegram(t, srv, bot.TelegramConfig{Handler: h})
	for i := range 100 {
		srv.Text(flooder, "it", strconv.Itoa(i))
	}
	srv.Press(flooder, "it", "exit")
	srv.Press(flooder, "it", "exit")
	waitFor(t, 30*time.Second, "the flood was never acknowledged", func() bool { return srv.Pending() == 0 })
	h.mu.Lock()
	defer h.mu.Unlock()
	if n := len(h.texts); n == 0 || h.texts[n-1] != "exit" {
		t.Errorf("the exit pressed during the flood was not handled last: %q", h.texts)
	}
}
