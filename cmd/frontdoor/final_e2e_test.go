package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"frontdoor/bot/telegramtest"
	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
)

// TestFinalMessageEndToEnd: two requests whose times passed two days ago
// without a call; she said yes to a message here, the other woman said no.
// The started bot tells her, silently and protected, in two neutral first
// lines, with 1522 and 112; the other woman gets nothing. Her "ask for a
// new call" makes a new request with her answers that replaces the old
// one, whose operators are told not to call.
func TestFinalMessageEndToEnd(t *testing.T) {
	const other int64 = 987650002
	dataDir := newDataDir(t)
	addOperators(t, dataDir)
	db := openDataStore(t, dataDir)
	// Someone on call, so that any time can be kept.
	if err := db.SaveOperator(context.Background(), flows.Operator{Chat: opA, Centre: "arca-cremona", OnCall: true}); err != nil {
		t.Fatal(err)
	}
	dir, err := directory.New(dirfile.Sample())
	if err != nil {
		t.Fatal(err)
	}
	// Her session, written in the past, must outlive the real clock's
	// expiry check for the dialogue to go on.
	past := time.Now().Add(-48 * time.Hour)
	svc := flows.NewService(db, dir, flows.Options{Callbacks: db, Now: func() time.Time { return past }, SessionTTL: 72 * time.Hour})
	for chat, here := range map[int64]string{woman: "yes", other: "no"} {
		for _, in := range []flows.Input{
			{Kind: flows.KindButton, Data: "cb:c:arca-cremona"},
			{Kind: flows.KindText, Text: "347 000 0000"},
			{Kind: flows.KindButton, Data: "cb:w:asap"},
			{Kind: flows.KindButton, Data: "cb:wok"},
			{Kind: flows.KindButton, Data: "cb:m:none"},
			{Kind: flows.KindButton, Data: "cb:h:" + here},
			{Kind: flows.KindButton, Data: "cb:s:wrong"},
			{Kind: flows.KindButton, Data: "cb:ok"},
		} {
			in.Chat = chat
			if _, err := svc.Handle(context.Background(), in); err != nil {
				t.Fatal(err)
			}
		}
	}
	before, err := db.Callbacks(context.Background())
	if err != nil || len(before) != 2 {
		t.Fatalf("stored %+v, %v; want two requests", before, err)
	}
	oldTicket := before[slices.IndexFunc(before, func(cb flows.Callback) bool { return cb.Chat == woman })].Ticket
	db.Close()

	api := telegramtest.New(t, testToken)
	stop := startBot(t, api, dataDir)
	final := waitChat(t, api, woman, 1)[0]
	lines := strings.Split(final.Text, "\n")
	for _, line := range lines[:2] {
		for _, w := range []string{"violen", "aiut", "emergen", "1522", "112", "centro", "polizi"} {
			if strings.Contains(strings.ToLower(line), w) {
				t.Errorf("line %q of the final message says %q", line, w)
			}
		}
	}
	if !final.DisableNotification || !final.ProtectContent || !strings.Contains(final.Text, "1522") || !strings.Contains(final.Text, "112") ||
		!slices.Contains(buttonData(final), "cb:again") {
		t.Fatalf("final message: %+v %v", final, buttonData(final))
	}

	// She asks again: new times, the rest as it was.
	api.Press(woman, "it", "cb:again")
	if got := waitChat(t, api, woman, 2)[1]; !strings.Contains(got.Text, "nuovi orari") {
		t.Fatalf("ask again: %q", got.Text)
	}
	api.Press(woman, "it", "cb:w:asap")
	waitChat(t, api, woman, 3)
	api.Press(woman, "it", "cb:wok")
	if got := waitChat(t, api, woman, 4)[3]; !strings.HasPrefix(got.Text, "Controlla") || !strings.Contains(got.Text, "+393470000000") {
		t.Fatalf("summary after new times: %q", got.Text)
	}
	api.Press(woman, "it", "cb:ok")
	if got := waitChat(t, api, woman, 5)[4]; !strings.HasPrefix(got.Text, "✅") {
		t.Fatalf("not confirmed: %q", got.Text)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !slices.ContainsFunc(api.SentTo(opsGroup), func(s telegramtest.Sent) bool {
		return strings.Contains(s.Text, oldTicket) && strings.Contains(s.Text, "annullata")
	}) {
		if time.Now().After(deadline) {
			t.Fatalf("the operators were not told the old request is withdrawn: %+v", api.SentTo(opsGroup))
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // an outbox round: nothing for the other woman
	if n := api.SentCount(other); n != 0 {
		t.Errorf("the woman who said no to a message here got %d", n)
	}
	if code, _ := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	after, err := openTestStore(t, dataDir).Callbacks(context.Background())
	if err != nil || len(after) != 2 || slices.ContainsFunc(after, func(cb flows.Callback) bool { return cb.Ticket == oldTicket }) {
		t.Fatalf("after asking again: %+v, %v; want the other woman's and her new one", after, err)
	}
}
