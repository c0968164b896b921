package bot_test

import (
	"log/slog"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/bot/telegramtest"
	"frontdoor/store/memstore"
)

// TestOutboxBackoffAfterProgress: every round gets one message through and
// then meets a 502. That is a passing fault, not an outage: the backoff
// starts again each round instead of climbing towards 30 s, so eight
// messages take a few seconds (about 13 s of waits before the fix).
func TestOutboxBackoffAfterProgress(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	st := memstore.New()
	const n = 8
	for i := range n {
		queue(t, st, int64(100+i), "card")
	}
	srv.FailNext("sendMessage", 1, 502, 0)
	start := time.Now()
	runOutbox(t, srv, st, bot.TelegramConfig{Log: slog.New(slog.DiscardHandler)})
	// After each success, the next call fails once.
	for sent := 1; sent < n; sent++ {
		srv.WaitSent(t, sent, 30*time.Second)
		srv.FailNext("sendMessage", 1, 502, 0)
	}
	srv.WaitSent(t, n, 30*time.Second)
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("%d messages with one fault per round took %v", n, d)
	}
}
