package bot_test

import (
	"context"
	"strconv"
	"testing"

	"frontdoor/bot"
	"frontdoor/bot/telegramtest"
	"frontdoor/store/memstore"
)

// TestFlushOutboxAfterCancel: at shutdown, with the context already
// cancelled, the flush still delivers everything queued (more than one
// batch), and leaves in the outbox what Telegram refuses for now.
func TestFlushOutboxAfterCancel(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fail     bool
		wantSent int
		wantLeft int
	}{
		{"all delivered", false, 60, 0},
		{"Telegram down", true, 0, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := telegramtest.New(t, tgToken)
			st := memstore.New()
			for i := range 60 { // more than one batch of 50, and well within the grace under load
				queue(t, st, -100, "card "+strconv.Itoa(i))
			}
			d := telegramDelivery(t, srv, st, bot.TelegramConfig{MaxRetries: -1})
			if tc.fail {
				srv.FailNext("sendMessage", 1000, 502, 0)
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			d.Flush(ctx)
			left, _ := st.Pending(context.Background(), 1000)
			if got := len(srv.Sent()); got != tc.wantSent || len(left) != tc.wantLeft {
				t.Errorf("sent %d, left %d; want %d and %d", got, len(left), tc.wantSent, tc.wantLeft)
			}
		})
	}
}
