package main

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/bot/telegramtest"
	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
)

// TestWebFinalMessage: a request made on the web whose times passed without
// a call. The bot's tick queues the discreet message for her; it is never
// sent to Telegram, and the web door shows it at her next visit, once, with
// its "ask again" button working there.
func TestWebFinalMessage(t *testing.T) {
	dataDir := newDataDir(t)
	cookie, chat := pastWebRequest(t, dataDir)
	addr := freeAddr(t)
	api := telegramtest.New(t, testToken)
	startBot(t, api, dataDir, "FRONTDOOR_WEB", addr)
	var page string
	for end := time.Now().Add(10 * time.Second); !strings.Contains(page, `class="msg notice"`); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("the message for her never reached the page:\n%s", page)
		}
		page = visitWeb(addr, cookie)
	}
	if !strings.Contains(page, `href="tel:1522"`) || !strings.Contains(page, `value="cb:again"`) {
		t.Errorf("the message on the page:\n%s", page)
	}
	for _, method := range []string{"sendMessage", "deleteMessages", "editMessageText"} {
		for _, p := range api.Requests(method) {
			if p["chat_id"] == strconv.FormatInt(chat, 10) {
				t.Errorf("Telegram was asked to %s in a web chat: %v", method, p)
			}
		}
	}
	if page := visitWeb(addr, cookie); strings.Contains(page, `class="msg notice"`) {
		t.Error("the message is shown twice")
	}
}

// TestWebMessageSurvivesRestart: the message for her leaves the outbox
// while she is away and the bot then restarts: the web door still shows
// it at her next visit, from the store.
func TestWebMessageSurvivesRestart(t *testing.T) {
	dataDir := newDataDir(t)
	cookie, _ := pastWebRequest(t, dataDir)
	api := telegramtest.New(t, testToken)
	stop := startBot(t, api, dataDir, "FRONTDOOR_WEB", freeAddr(t))
	time.Sleep(2500 * time.Millisecond) // two outbox rounds
	if code, logs := stop(); code != 0 || !strings.Contains(logs, "outbox_sent") {
		t.Fatalf("the first run (status %d) delivered nothing:\n%s", code, logs)
	}
	db := openDataStore(t, dataDir)
	left, err := db.Pending(context.Background(), 10)
	db.Close()
	if err != nil || len(left) != 0 {
		t.Fatalf("left in the outbox: %+v (%v)", left, err)
	}
	addr := freeAddr(t)
	startBot(t, api, dataDir, "FRONTDOOR_WEB", addr)
	var page string
	for end := time.Now().Add(10 * time.Second); page == ""; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the web door did not answer")
		}
		page = visitWeb(addr, cookie)
	}
	if !strings.Contains(page, `class="msg notice"`) || !strings.Contains(page, `href="tel:1522"`) {
		t.Errorf("the message kept for her is not on the page after the restart:\n%s", page)
	}
}

// pastWebRequest stores, on the store of dataDir, a web visitor's callback
// request whose times passed two days ago without a call, so that the
// bot's tick queues the discreet message for her. It returns her cookie
// and her chat.
func pastWebRequest(t *testing.T, dataDir string) (*http.Cookie, int64) {
	t.Helper()
	addOperators(t, dataDir)
	db := openDataStore(t, dataDir)
	defer db.Close()
	if err := db.SaveOperator(context.Background(), flows.Operator{Chat: opA, Centre: "arca-cremona", OnCall: true}); err != nil {
		t.Fatal(err)
	}
	dir, err := directory.New(dirfile.Sample())
	if err != nil {
		t.Fatal(err)
	}
	id := []byte(strings.Repeat("k", 32))
	chat := bot.WebChat(id)
	past := time.Now().Add(-48 * time.Hour)
	svc := flows.NewService(db, dir, flows.Options{Callbacks: db, Now: func() time.Time { return past }, SessionTTL: 72 * time.Hour})
	for _, in := range []flows.Input{
		{Kind: flows.KindButton, Data: "cb:c:arca-cremona"},
		{Kind: flows.KindText, Text: "347 000 0000"},
		{Kind: flows.KindButton, Data: "cb:w:asap"},
		{Kind: flows.KindButton, Data: "cb:wok"},
		{Kind: flows.KindButton, Data: "cb:m:none"},
		{Kind: flows.KindButton, Data: "cb:h:yes"},
		{Kind: flows.KindButton, Data: "cb:s:wrong"},
		{Kind: flows.KindButton, Data: "cb:ok"},
	} {
		in.Chat, in.Door = chat, flows.DoorWeb
		if _, err := svc.Handle(context.Background(), in); err != nil {
			t.Fatal(err)
		}
	}
	return &http.Cookie{Name: "s", Value: base64.RawURLEncoding.EncodeToString(id)}, chat
}

// visitWeb is her visit to the web door's page, in Italian; "" when the
// door does not answer.
func visitWeb(addr string, cookie *http.Cookie) string {
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
	if err != nil {
		return ""
	}
	req.AddCookie(cookie)
	req.Header.Set("Accept-Language", "it")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// TestWebWhileTheBotRuns: frontdoor web on the data directory of a running
// bot cannot open the store, and says to serve the web door from the bot.
func TestWebWhileTheBotRuns(t *testing.T) {
	dataDir := newDataDir(t)
	api := telegramtest.New(t, testToken)
	startBot(t, api, dataDir)
	api.Command(woman, "it", "start", "")
	waitChat(t, api, woman, 1) // the bot holds the store
	env := map[string]string{"FRONTDOOR_DATA": dataDir, "FRONTDOOR_HTTP": "off", "FRONTDOOR_WEB": "127.0.0.1:0"}
	var stdout, stderr strings.Builder
	code := run(context.Background(), []string{"web"}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "FRONTDOOR_WEB=ADDR in its configuration") {
		t.Errorf("frontdoor web beside a running bot: %d\n%s", code, stderr.String())
	}
}

// TestWebWithoutToken: FRONTDOOR_WEB without a Telegram token serves the
// web door alone, without callbacks (nobody would deliver them), and stops
// cleanly at the signal.
func TestWebWithoutToken(t *testing.T) {
	addr := freeAddr(t)
	dataDir := newDataDir(t)
	addOperators(t, dataDir)
	env := map[string]string{"FRONTDOOR_DATA": dataDir, "FRONTDOOR_HTTP": "off", "FRONTDOOR_WEB": addr}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	var stderr syncBuffer
	go func() {
		done <- run(ctx, nil, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, &stderr)
	}()
	var page string
	for end := time.Now().Add(10 * time.Second); !strings.Contains(page, "Ciao"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("no page: %s", stderr.String())
		}
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
		req.Header.Set("Accept-Language", "it")
		if res, err := http.DefaultClient.Do(req); err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			page = string(b)
		}
	}
	if strings.Contains(page, `value="cb"`) {
		t.Error("callbacks are offered without Telegram to deliver them")
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("it did not stop")
	}
}
