package main

import (
	"context"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/bot/telegramtest"
	"frontdoor/flows"
	"frontdoor/flows/dirfile"
)

// TestWebFinalMessage: a request made on the web whose times passed without
// a call. The bot's tick queues the discreet message for her; it is never
// sent to Telegram, and the web door shows it at her next visit, once, with
// its "ask again" button working there.
func TestWebFinalMessage(t *testing.T) {
	dataDir := newDataDir(t)
	addOperators(t, dataDir)
	db := openDataStore(t, dataDir)
	if err := db.SaveOperator(context.Background(), flows.Operator{Chat: opA, Centre: "arca-cremona", OnCall: true}); err != nil {
		t.Fatal(err)
	}
	dir, err := flows.NewDirectory(dirfile.Sample())
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
	db.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	api := telegramtest.New(t, testToken)
	startBot(t, api, dataDir, "FRONTDOOR_WEB", addr)
	cookie := &http.Cookie{Name: "s", Value: base64.RawURLEncoding.EncodeToString(id)}
	visit := func() string {
		req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
		if err != nil {
			t.Fatal(err)
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
	var page string
	for end := time.Now().Add(10 * time.Second); !strings.Contains(page, `class="msg notice"`); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("the message for her never reached the page:\n%s", page)
		}
		page = visit()
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
	if page := visit(); strings.Contains(page, `class="msg notice"`) {
		t.Error("the message is shown twice")
	}
}
