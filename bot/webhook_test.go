package bot_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/bot/telegramtest"
	"frontdoor/flows"
)

// startWebhook runs the transport in webhook mode against srv until the
// test ends; it returns the webhook URL and a stop that cancels and waits.
func startWebhook(t testing.TB, srv *telegramtest.Server, h bot.Handler, secret string) (hook string, stop func() error) {
	t.Helper()
	tg := newTelegram(t, srv, bot.TelegramConfig{Handler: h})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hook = "http://" + ln.Addr().String() + "/tg/hook"
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tg.RunWebhook(ctx, bot.WebhookConfig{URL: hook, Listener: ln, Secret: secret}) }()
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(tgWait):
			return errors.New("RunWebhook did not return after cancel")
		}
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("RunWebhook: %v", err)
		}
	})
	// Serving starts before setWebhook; wait for it to be set.
	deadline := time.Now().Add(tgWait)
	for srv.WebhookURL() != hook {
		if time.Now().After(deadline) {
			t.Fatalf("setWebhook was not called with %s", hook)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return hook, stop
}

func TestWebhookSecret(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	h := &inputs{}
	hook, _ := startWebhook(t, srv, h, "right-Secret_1-0123456789abcdefghijkl")
	if got := srv.WebhookSecret(); got != "right-Secret_1-0123456789abcdefghijkl" {
		t.Fatalf("setWebhook secret_token = %q, want the configured one", got)
	}
	const update = `{"update_id":7,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"x","language_code":"it"},"text":"hi"}}`
	tests := []struct {
		name   string
		method string
		path   string
		secret string
		want   int
	}{
		{"missing secret", http.MethodPost, "/tg/hook", "", http.StatusUnauthorized},
		{"wrong secret", http.MethodPost, "/tg/hook", "wrong-Secret_1-0123456789abcdefghijkl", http.StatusUnauthorized},
		{"prefix of the secret", http.MethodPost, "/tg/hook", "right", http.StatusUnauthorized},
		{"other path", http.MethodPost, "/other", "right-Secret_1-0123456789abcdefghijkl", http.StatusNotFound},
		{"GET", http.MethodGet, "/tg/hook", "right-Secret_1-0123456789abcdefghijkl", http.StatusMethodNotAllowed},
		{"right secret", http.MethodPost, "/tg/hook", "right-Secret_1-0123456789abcdefghijkl", http.StatusOK},
	}
	base := strings.TrimSuffix(hook, "/tg/hook")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, base+tc.path, strings.NewReader(update))
			if err != nil {
				t.Fatal(err)
			}
			if tc.secret != "" {
				req.Header.Set(bot.SecretHeader, tc.secret)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
	// Only the request with the right secret reached the dialogues, and
	// its reply was sent before the 200.
	if got := h.all(); len(got) != 1 || got[0].Update != 7 || got[0].Text != "hi" {
		t.Errorf("handled %+v, want only update 7", got)
	}
	if sent := srv.SentTo(5); len(sent) != 1 {
		t.Errorf("sent %+v, want one reply", sent)
	}
}

func TestWebhookRandomSecretAndBadBody(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	hook, _ := startWebhook(t, srv, &inputs{}, "")
	secret := srv.WebhookSecret()
	if len(secret) < 32 {
		t.Fatalf("random secret_token %q is too short", secret)
	}
	req, _ := http.NewRequest(http.MethodPost, hook, strings.NewReader("{not json"))
	req.Header.Set(bot.SecretHeader, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status = %d for a body that is not an update, want 400", resp.StatusCode)
	}
}

// TestWebhookModeSwitch switches polling → webhook → polling with updates
// arriving while no transport runs, and checks that each is handled once,
// in order.
func TestWebhookModeSwitch(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	h := &inputs{}
	var want []int64

	stopPoll := startTelegram(t, srv, bot.TelegramConfig{Handler: h})
	want = append(want, int64(srv.Text(1, "it", "a")))
	srv.WaitSent(t, 1, tgWait)
	if err := stopPoll(); err != nil {
		t.Fatal(err)
	}

	// Queued while nothing runs: the webhook must receive them.
	want = append(want, int64(srv.Text(1, "it", "b")), int64(srv.Text(2, "it", "c")))
	_, stopHook := startWebhook(t, srv, h, "")
	want = append(want, int64(srv.Text(1, "it", "d")))
	srv.WaitSent(t, 4, tgWait)
	if err := stopHook(); err != nil {
		t.Fatal(err)
	}

	// Queued while the webhook is still set but down: polling must take
	// them back with deleteWebhook.
	want = append(want, int64(srv.Text(1, "it", "e")))
	startTelegram(t, srv, bot.TelegramConfig{Handler: h})
	srv.WaitSent(t, 5, tgWait)
	if srv.WebhookURL() != "" {
		t.Error("polling did not delete the webhook")
	}
	if p := srv.Requests("deleteWebhook"); len(p) == 0 || p[len(p)-1]["drop_pending_updates"] == "true" {
		t.Errorf("deleteWebhook calls %v, want one that keeps pending updates", p)
	}

	var got []int64
	for _, in := range h.all() {
		got = append(got, in.Update)
	}
	if len(got) != len(want) {
		t.Fatalf("handled updates %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("handled updates %v, want %v", got, want)
		}
	}
}

// TestWebhookShutdownAnswersOnlyWhenDone stops the webhook while an update
// is being handled: the update is finished and only then acknowledged.
func TestWebhookShutdownAnswersOnlyWhenDone(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	entered := make(chan struct{})
	h := tgHandlerFunc(func(ctx context.Context, in flows.Input) (flows.Result, error) {
		close(entered)
		time.Sleep(200 * time.Millisecond) // committing, while the bot is told to stop
		return reply(in.Lang, "committed"), ctx.Err()
	})
	_, stop := startWebhook(t, srv, h, "")
	id := srv.Text(9, "it", "x")
	<-entered
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if sent := srv.Sent(); len(sent) != 1 || sent[0].Text != "it|committed" {
		t.Errorf("sent = %+v, want the reply of the update in flight", sent)
	}
	if d := srv.Delivered(); len(d) != 1 || d[0] != id {
		t.Errorf("delivered = %v, want update %d acknowledged after it was handled", d, id)
	}
}

// TestWebhookOneChatAtATime posts many updates of two chats at once: the
// updates of one chat never run concurrently, different chats may.
func TestWebhookOneChatAtATime(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	var mu sync.Mutex
	busy := map[int64]bool{}
	overlap := false
	h := tgHandlerFunc(func(ctx context.Context, in flows.Input) (flows.Result, error) {
		mu.Lock()
		if busy[in.Chat] {
			overlap = true
		}
		busy[in.Chat] = true
		mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		mu.Lock()
		busy[in.Chat] = false
		mu.Unlock()
		return flows.Result{}, nil
	})
	secret := strings.Repeat("s", 32)
	hook, _ := startWebhook(t, srv, h, secret)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			chat := 5 + i%2
			body := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1,"chat":{"id":%d,"type":"private"},"text":"x"}}`, i+1, i+1, chat)
			req, _ := http.NewRequest(http.MethodPost, hook, strings.NewReader(body))
			req.Header.Set(bot.SecretHeader, secret)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	if overlap {
		t.Error("two updates of one chat were handled at the same time")
	}
}

// FuzzWebhookBody posts arbitrary bodies with the right secret: the
// handler answers 200 or 400 and never panics.
func FuzzWebhookBody(f *testing.F) {
	for _, seed := range []string{
		`{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"text":"/start arca","entities":[{"type":"bot_command","offset":0,"length":6}]}}`,
		`{"update_id":2,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"text":"/","entities":[{"type":"bot_command","offset":0,"length":99}]}}`,
		`{"update_id":3,"callback_query":{"id":"c","data":"find","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"}}}}`,
		`{"update_id":4,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"group"},"text":"hi"}}`,
		`{"update_id":5,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"location":{"latitude":45.36,"longitude":9.68}}}`,
		`{"update_id":6}`, `{}`, `null`, `[]`, `{"update_id":"x"}`, ``,
	} {
		f.Add(seed)
	}
	srv := telegramtest.New(f, tgToken)
	secret := strings.Repeat("s", 32)
	hook, _ := startWebhook(f, srv, tgHandlerFunc(func(ctx context.Context, in flows.Input) (flows.Result, error) {
		return reply(in.Lang, "ok"), nil
	}), secret)
	f.Fuzz(func(t *testing.T, body string) {
		req, _ := http.NewRequest(http.MethodPost, hook, strings.NewReader(body))
		req.Header.Set(bot.SecretHeader, secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusBadRequest {
			t.Errorf("status %d for %q", resp.StatusCode, body)
		}
	})
}

// TestWebhookShortSecret: a secret anyone could guess is refused before
// anything is served or set.
func TestWebhookShortSecret(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	tg := newTelegram(t, srv, bot.TelegramConfig{Handler: &inputs{}})
	for _, secret := range []string{"x", strings.Repeat("a", 31)} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := tg.RunWebhook(ctx, bot.WebhookConfig{URL: "https://bot.example.org/hook", Listen: "127.0.0.1:0", Secret: secret})
		if err == nil || !strings.Contains(err.Error(), "at least 32") {
			t.Errorf("secret of %d characters: got %v, want a refusal", len(secret), err)
		}
		cancel()
	}
	if srv.Calls("setWebhook") != 0 {
		t.Errorf("setWebhook was called with a short secret")
	}
}
