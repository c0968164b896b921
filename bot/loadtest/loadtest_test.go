package loadtest_test

import (
	"context"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/bot/loadtest"
)

const token = "123456:LOADTESTloadtestLOADTEST_abcdef"

// TestDrive runs the rig for a moment against the real transport with the
// echo handler: women are served in a closed loop, every acknowledged
// update has a latency, and the run stops by itself.
func TestDrive(t *testing.T) {
	srv, err := loadtest.NewServer(token)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tg, err := bot.NewTelegram(ctx, bot.TelegramConfig{Token: token, Endpoint: srv.Endpoint(), Handler: loadtest.Echo{}, Renderer: loadtest.Echo{}, PollTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- tg.Run(ctx) }()
	res, err := srv.Drive(ctx, 5, 500*time.Millisecond, loadtest.Script)
	if err != nil {
		t.Fatal(err)
	}
	if res.Updates < 5 || res.Replies < int64(res.Updates)-5 || res.Elapsed > 5*time.Second {
		t.Errorf("result %+v: want every woman served and replies for the updates", res)
	}
	if !(res.P50 <= res.P95 && res.P95 <= res.P99 && res.P99 <= res.Max && res.Max > 0) {
		t.Errorf("percentiles out of order: %+v", res)
	}
	if _, err := srv.Drive(ctx, 0, time.Second, loadtest.Script); err == nil {
		t.Errorf("a run without women must be refused")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}
