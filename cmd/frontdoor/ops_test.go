package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"frontdoor/bot/ops"
	"frontdoor/bot/telegramtest"
	"frontdoor/flows"
	"frontdoor/store"
)

// freeAddr returns a loopback address no one listens on at the moment.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestShutdownLosesNoUpdate stops the bot while chats are being answered,
// then starts it again: every update the fake Bot API delivered is
// answered exactly once, in polling and in webhook mode.
func TestShutdownLosesNoUpdate(t *testing.T) {
	for _, mode := range []string{"polling", "webhook"} {
		t.Run(mode, func(t *testing.T) {
			api := telegramtest.New(t, testToken)
			dataDir := t.TempDir()
			var env []string
			if mode == "webhook" {
				addr := freeAddr(t)
				env = []string{"FRONTDOOR_WEBHOOK_URL", "http://" + addr + "/hook", "FRONTDOOR_LISTEN", addr}
			}
			const chats = 40
			for c := range int64(chats) {
				api.Command(1000+c, "it", "start", "")
			}
			stop := startBot(t, api, dataDir, env...)
			api.WaitSent(t, 1, 30*time.Second)
			if code, logs := stop(); code != 0 {
				t.Fatalf("exit %d: %s", code, logs)
			}
			answered := len(api.Sent())
			startBot(t, api, dataDir, env...)
			api.WaitSent(t, chats, 30*time.Second)
			time.Sleep(200 * time.Millisecond) // room for a wrong second answer
			for c := range int64(chats) {
				if n := len(api.SentTo(1000 + c)); n != 1 {
					t.Errorf("chat %d got %d answers, want 1", c, n)
				}
			}
			t.Logf("%s: %d of %d answered before the stop, the rest after the restart", mode, answered, chats)
		})
	}
}

func TestHealthAndMetrics(t *testing.T) {
	api := telegramtest.New(t, testToken)
	addr := freeAddr(t)
	startBot(t, api, t.TempDir(), "FRONTDOOR_HTTP", addr)
	api.Command(7, "it", "start", "")
	api.Text(7, "it", "Crema")
	waitChat(t, api, 7, 2)

	get := func(path string) (int, []byte) {
		t.Helper()
		var resp *http.Response
		var err error
		for range 100 {
			if resp, err = http.Get("http://" + addr + path); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	code, body := get("/healthz")
	var rep ops.HealthReport
	if err := json.Unmarshal(body, &rep); err != nil || code != 200 || rep.Store != "ok" || rep.TelegramLastOK == "" {
		t.Errorf("/healthz: %d %s (%v)", code, body, err)
	}
	// An update is counted just after its last reply is sent: scrape until
	// both are.
	var fams map[string]*dto.MetricFamily
	handled := 0.0
	for deadline := time.Now().Add(10 * time.Second); handled < 2 && time.Now().Before(deadline); {
		code, body = get("/metrics")
		parser := expfmt.NewTextParser(model.LegacyValidation)
		var err error
		if fams, err = parser.TextToMetricFamilies(bytes.NewReader(body)); err != nil || code != 200 {
			t.Fatalf("/metrics: %d, %v", code, err)
		}
		handled = 0
		for _, m := range fams["frontdoor_updates_total"].GetMetric() {
			handled += m.GetCounter().GetValue()
		}
	}
	if rep.OutboxBacklog == nil || *rep.OutboxBacklog != 0 {
		t.Errorf("/healthz outbox backlog %v, want 0", rep.OutboxBacklog)
	}
	if _, ok := fams["frontdoor_outbox_backlog"]; !ok {
		t.Error("/metrics has no outbox backlog")
	}
	if handled < 2 || fams["frontdoor_sessions"].GetMetric()[0].GetGauge().GetValue() != 1 {
		t.Errorf("/metrics counts %v updates, %v sessions; want 2 and 1", handled, fams["frontdoor_sessions"])
	}
	// The planted chat id is never a label.
	if bytes.Contains(body, []byte(`"7"`)) {
		t.Error("/metrics carries a chat id")
	}
}

// TestBackupWhileRunning takes a backup with `frontdoor backup` while the
// bot holds the store, then restores it with the bot stopped.
func TestBackupWhileRunning(t *testing.T) {
	api := telegramtest.New(t, testToken)
	dataDir := t.TempDir()
	stop := startBot(t, api, dataDir)
	for c := range int64(5) {
		api.Command(500+c, "it", "start", "")
	}
	api.WaitSent(t, 5, 30*time.Second)
	env := map[string]string{"FRONTDOOR_DATA": dataDir}
	file := filepath.Join(t.TempDir(), "backup.db")
	var code int
	var stderr string
	for range 50 { // the control socket appears just after the bot starts
		if code, _, stderr = runMain(t, env, "", "backup", file); code == 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code != 0 {
		t.Fatalf("backup while running: %d %s", code, stderr)
	}
	if code, logs := stop(); code != 0 {
		t.Fatalf("exit %d: %s", code, logs)
	}
	key, err := store.LoadKey(dataDir, "")
	if err != nil {
		t.Fatal(err)
	}
	check := func(path string) {
		t.Helper()
		db, err := store.Open(path, key, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for c := range int64(5) {
			if _, found, err := db.Session(context.Background(), 500+c); !found || err != nil {
				t.Errorf("%s: no session of chat %d (%v)", filepath.Base(path), c, err)
			}
		}
	}
	check(file)
	// The stopped bot: the backup is taken directly.
	direct := filepath.Join(t.TempDir(), "direct.db")
	if code, _, stderr := runMain(t, env, "", "backup", direct); code != 0 {
		t.Fatalf("backup while stopped: %d %s", code, stderr)
	}
	if code, stdout, stderr := runMain(t, env, "", "restore", file); code != 0 || !strings.Contains(stdout, "Restored") {
		t.Fatalf("restore: %d %s %s", code, stdout, stderr)
	}
	check(filepath.Join(dataDir, "frontdoor.db"))
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "frontdoor.toml")
	os.WriteFile(cfgFile, []byte(fmt.Sprintf("telegram_token = %q\ndata = %q\nhttp = \"off\"\n", testToken, dir)), 0o600)
	code, stdout, stderr := runMain(t, map[string]string{"FRONTDOOR_HTTP": "127.0.0.1:9999"}, "", "--config", cfgFile, "--log-level=debug", "config", "check")
	if code != 0 {
		t.Fatalf("config check: %d %s", code, stderr)
	}
	for _, want := range []string{"FRONTDOOR_DATA               = " + dir, "FRONTDOOR_HTTP               = 127.0.0.1:9999", "FRONTDOOR_LOG_LEVEL          = DEBUG", "******** (set)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("config check lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, testToken) || strings.Contains(stdout, "AAFake") {
		t.Errorf("config check shows the token:\n%s", stdout)
	}
	if code, _, stderr := runMain(t, nil, "", "--config", filepath.Join(dir, "missing.toml"), "config", "check"); code != 2 || !strings.Contains(stderr, "missing.toml") {
		t.Errorf("missing file: %d %s", code, stderr)
	}
}

func TestPoster(t *testing.T) {
	api := telegramtest.New(t, testToken)
	dir := newDataDir(t)
	file := filepath.Join(dir, "poster.png")
	env := map[string]string{"FRONTDOOR_DATA": dir, "FRONTDOOR_TELEGRAM_TOKEN": testToken, "FRONTDOOR_TELEGRAM_API": api.Endpoint()}
	if code, _, stderr := runMain(t, env, "", "poster", "arca", file); code != 0 {
		t.Fatalf("poster: %d %s", code, stderr)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil || res.GetText() != "https://t.me/fake_test_bot?start=arca" {
		t.Errorf("QR code: %v, %v; want the deep link from getMe's username", res, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"poster", "nowhere", file}, `no network "nowhere"`},
		{[]string{"poster", "--lang", "xx", "arca", file}, `no texts in "xx"`},
		{[]string{"poster", "--lang", "ar", "arca", file}, "Latin, Greek and Cyrillic only"},
		{[]string{"poster", "arca"}, "usage"},
	} {
		if code, _, stderr := runMain(t, env, "", tc.args...); code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: %d %s, want %q", tc.args, code, stderr, tc.want)
		}
	}
	noToken := map[string]string{"FRONTDOOR_DATA": dir}
	if code, _, stderr := runMain(t, noToken, "", "poster", "arca", file); code == 0 || !strings.Contains(stderr, "--bot") {
		t.Errorf("without token or --bot: %d %s", code, stderr)
	}
}

func TestSecondSignalExits(t *testing.T) {
	sigs := make(chan os.Signal, 2)
	stopped, exited := make(chan struct{}), make(chan struct{})
	go onSignals(sigs, func() { close(stopped) }, func() { close(exited) })
	sigs <- os.Interrupt
	<-stopped
	select {
	case <-exited:
		t.Fatal("exited at the first signal")
	case <-time.After(20 * time.Millisecond):
	}
	sigs <- os.Interrupt
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		t.Fatal("the second signal did not exit")
	}
}

func TestOutboxAge(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(filepath.Join(t.TempDir(), "frontdoor.db"), bytes.Repeat([]byte{1}, store.KeySize), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	o := &outboxAge{db: db}
	if n, oldest, err := o.Backlog(ctx); n != 0 || !oldest.IsZero() || err != nil {
		t.Fatalf("empty: %d %v %v", n, oldest, err)
	}
	msg := flows.Outgoing{Chat: -100, Lang: "it", Reply: flows.Reply{Texts: []flows.Text{flows.T("menu.title")}}}
	for range 2 {
		if err := db.Apply(ctx, flows.Change{Send: []flows.Outgoing{msg}}); err != nil {
			t.Fatal(err)
		}
	}
	_, first, _ := o.Backlog(ctx)
	time.Sleep(10 * time.Millisecond)
	if n, again, _ := o.Backlog(ctx); n != 2 || !again.Equal(first) {
		t.Errorf("same head: %d, %v then %v; want the same time", n, first, again)
	}
	pending, _ := db.Pending(ctx, 1)
	if _, err := db.Sent(ctx, pending[0], 1); err != nil {
		t.Fatal(err)
	}
	if n, next, _ := o.Backlog(ctx); n != 1 || !next.After(first) {
		t.Errorf("new head: %d, %v; want a later time than %v", n, next, first)
	}
}

// TestHealthWhenTokenRefused: while Telegram refuses the token, /healthz
// and frontdoor healthcheck say not ready; once it accepts it again, ready.
func TestHealthWhenTokenRefused(t *testing.T) {
	api := telegramtest.New(t, testToken)
	addr := freeAddr(t)
	dataDir := newDataDir(t)
	startBot(t, api, dataDir, "FRONTDOOR_HTTP", addr)
	env := map[string]string{"FRONTDOOR_DATA": dataDir, "FRONTDOOR_HTTP": addr}
	waitHealth := func(want int, wantText string) {
		t.Helper()
		var code int
		var stdout, stderr string
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if code, stdout, stderr = runMain(t, env, "", "healthcheck"); code == want && strings.Contains(stdout, wantText) {
				return
			}
		}
		t.Fatalf("healthcheck: %d %q %q, want %d and %q", code, stdout, stderr, want, wantText)
	}
	waitHealth(0, `"telegram":"ok"`)
	api.FailNext("getUpdates", 2, 401, 0)
	waitHealth(1, "Telegram refused the token")
	waitHealth(0, `"telegram":"ok"`)
	if code, _, stderr := runMain(t, map[string]string{"FRONTDOOR_HTTP": "off"}, "", "healthcheck"); code != 1 || !strings.Contains(stderr, "off") {
		t.Errorf("healthcheck with the endpoint off: %d %q", code, stderr)
	}
}

// TestRefusedTokenAtStart: a token Telegram refuses stops the bot with
// status 2, which the unit does not restart (RestartPreventExitStatus).
func TestRefusedTokenAtStart(t *testing.T) {
	api := telegramtest.New(t, testToken)
	env := map[string]string{"FRONTDOOR_DATA": t.TempDir(), "FRONTDOOR_TELEGRAM_API": api.Endpoint(), "FRONTDOOR_HTTP": "off",
		"FRONTDOOR_TELEGRAM_TOKEN": "654321:AAOtherTokenTelegramDoesNotKnow_xyz"}
	code, _, stderr := runMain(t, env, "", "")
	if code != 2 || !strings.Contains(stderr, "token was refused") {
		t.Errorf("refused token: %d %q, want 2 and the reason", code, stderr)
	}
}
