package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"frontdoor/bot/telegramtest"
	"frontdoor/flows"
	"frontdoor/store"
)

// act sends one input from chat and waits until the bot answered there
// and confirmed the update.
func act(t *testing.T, api *telegramtest.Server, chat int64, send func()) []telegramtest.Sent {
	t.Helper()
	n := api.SentCount(chat)
	send()
	sent := waitChat(t, api, chat, n+1)
	confirmed(t, api)
	return sent
}

// confirmed waits until the bot confirmed every update sent.
func confirmed(t *testing.T, api *telegramtest.Server) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); api.Pending() > 0; time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the update was never confirmed")
		}
	}
}

// requestCallback walks her through a callback request to ARCA Cremona
// and returns the ticket on the card the operators got.
func requestCallback(t *testing.T, api *telegramtest.Server, her int64) string {
	t.Helper()
	cards := api.SentCount(opA)
	act(t, api, her, func() { api.Command(her, "it", "start", "") })
	act(t, api, her, func() { api.Press(her, "it", "cb:c:arca-cremona") })
	act(t, api, her, func() { api.Contact(her, "+39 347 000 0000") })
	for _, d := range []string{"cb:w:asap", "cb:wok", "cb:m:none", "cb:h:yes", "cb:s:wrong", "cb:l:it", "cb:ok"} {
		act(t, api, her, func() { api.Press(her, "it", d) })
	}
	return ticketOf(t, waitChat(t, api, opA, cards+1)[cards])
}

// TestStatsEndToEnd: a scripted month of activity through the fake Bot
// API yields exact counts in the store; /stats shows an admin the table
// of the months that ended, with small counts as "<5" and the others
// rounded, and the CSV; `frontdoor stats` prints the same and refuses a
// month that has not ended; nothing in the stats bucket holds a chat id.
func TestStatsEndToEnd(t *testing.T) {
	api := telegramtest.New(t, testToken)
	dataDir := newDataDir(t)
	addOperators(t, dataDir)
	// Last month: 8 conversations in Italian and 1 in English.
	month, lastMonth := flows.MonthOf(time.Now()), flows.LastClosedMonth(time.Now())
	key, err := store.LoadKey(dataDir, "")
	if err != nil {
		t.Fatal(err)
	}
	db0, err := store.Open(filepath.Join(dataDir, "frontdoor.db"), key, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 9 {
		lang := "it"
		if i == 8 {
			lang = "en"
		}
		c := flows.Count{Month: lastMonth, Network: "arca", Lang: lang, Name: flows.CountConversations}
		if err := db0.Apply(context.Background(), flows.Change{Count: []flows.Count{c}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db0.Close(); err != nil {
		t.Fatal(err)
	}
	stop := startBot(t, api, dataDir, "FRONTDOOR_ADMINS", "111")
	const w1, w2, w3, w4, w5, w6 int64 = 880001, 880002, 880003, 880004, 880005, 880006

	act(t, api, w1, func() { api.Command(w1, "it", "start", "") })
	act(t, api, w1, func() { api.Press(w1, "it", "sos") })
	act(t, api, w1, func() { api.Text(w1, "it", "Cremona") })
	api.Press(w1, "it", "exit") // a wipe leaves nothing in the chat
	confirmed(t, api)
	act(t, api, w2, func() { api.Command(w2, "en", "start", "") })
	act(t, api, w2, func() { api.Location(w2, 45.3641234, 9.6811234) })
	act(t, api, w2, func() { api.Press(w2, "en", "open:*") })
	// w3 is called back: taken, not reached, taken again, done.
	ticket := requestCallback(t, api, w3)
	time.Sleep(time.Second) // let the outbox record the cards
	for _, verb := range []string{"take", "fail", "take", "done"} {
		act(t, api, opA, func() { api.Press(opA, "it", "op:"+verb+":"+ticket) })
	}
	api.Press(opA, "it", "op:close:"+ticket) // "done" asked first; a pop-up answers
	confirmed(t, api)
	// w4 asks and withdraws.
	requestCallback(t, api, w4)
	act(t, api, w4, func() { api.Press(w4, "it", "cb:del") })
	for _, w := range []int64{w5, w6} {
		act(t, api, w, func() { api.Command(w, "it", "start", "") })
	}

	// The admin's /stats: a table of the months that ended, 9 shown as 10.
	sent := act(t, api, 111, func() { api.Command(111, "it", "stats", "") })
	table := sent[len(sent)-1].Text
	if !strings.Contains(table, lastMonth) || strings.Contains(table, month) || !strings.Contains(table, "conversations") ||
		!strings.Contains(table, " 10") || !strings.Contains(table, "&lt;5") {
		t.Fatalf("/stats: %q", table)
	}
	if !strings.Contains(strings.Join(buttonData(sent[len(sent)-1]), " "), "st.statscsv") {
		t.Fatalf("/stats offers no CSV: %v", buttonData(sent[len(sent)-1]))
	}
	sent = act(t, api, 111, func() { api.Press(111, "it", "st.statscsv") })
	var csv []byte
	for _, s := range sent {
		if s.DocumentName == "frontdoor-stats.csv" {
			csv = s.Document
		}
	}
	if !bytes.Contains(csv, []byte(lastMonth+",arca,-,it,conversations,10")) || bytes.Contains(csv, []byte(",en,")) || bytes.Contains(csv, []byte(month)) {
		t.Fatalf("CSV: %q", csv)
	}
	sent = act(t, api, 111, func() { api.Press(111, "it", "st.statschart") })
	var chartPNG []byte
	for _, s := range sent {
		if s.DocumentName == "frontdoor-callbacks.png" {
			chartPNG = s.Document
		}
	}
	if _, err := png.Decode(bytes.NewReader(chartPNG)); err != nil {
		t.Fatalf("the chart sent is no PNG: %v", err)
	}
	if code, logs := stop(); code != 0 {
		t.Fatalf("exit status %d: %s", code, logs)
	}

	// The exact counts, summed over networks, centres and languages.
	want := map[string]int64{
		flows.CountConversations: 6, flows.CountEmergency: 1, flows.CountSearchTown: 1, flows.CountSearchLocation: 1,
		flows.CountOpenNow: 1, flows.CountWipe: 1, flows.CountRequested: 2, flows.CountTaken: 2, "taken_within_15m": 2,
		flows.CountUnreached: 1, flows.CountDone: 1, flows.CountCancelled: 1,
	}
	db, err := store.Open(filepath.Join(dataDir, "frontdoor.db"), key, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	stats, err := db.Stats(context.Background(), month, month)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, s := range stats {
		got[s.Name] += s.N
		if s.Name == flows.CountRequested && s.Centre != "arca-cremona" {
			t.Errorf("request counted for centre %q", s.Centre)
		}
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("%s = %d, want %d", name, got[name], n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("counters %v, want exactly %v", got, want)
	}
	planted := []int64{w1, w2, w3, w4, w5, w6, 111, opA, opB, opsGroup}
	bdb, err := bolt.Open(filepath.Join(dataDir, "frontdoor.db"), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("stats")).ForEach(func(k, v []byte) error {
			for _, chat := range planted {
				for _, needle := range [][]byte{[]byte(strconv.FormatInt(chat, 10)), binary.BigEndian.AppendUint64(nil, uint64(chat)), binary.LittleEndian.AppendUint64(nil, uint64(chat))} {
					if bytes.Contains(k, needle) || bytes.Contains(v, needle) {
						t.Errorf("stats record %q = %x holds chat %d", k, v, chat)
					}
				}
			}
			return nil
		})
	})
	if cerr := bdb.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}

	// `frontdoor stats` prints the same, and refuses the month still counting.
	env := map[string]string{"FRONTDOOR_DATA": dataDir}
	pngFile := filepath.Join(t.TempDir(), "chart.png")
	for _, args := range [][]string{{"stats", "--png", pngFile}, {"stats", "--from", lastMonth, "--to", lastMonth, "--csv"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb); code != 0 {
			t.Fatalf("%v: %d %s", args, code, errb.String())
		}
		if !strings.Contains(out.String(), "conversations") || !strings.Contains(out.String(), "10") {
			t.Errorf("%v printed %q", args, out.String())
		}
		for _, line := range strings.Split(out.String(), "\n") {
			for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == ',' }) {
				if f == "1" || f == "2" || f == "3" || f == "4" || f == "9" {
					t.Errorf("%v shows a count of %s: %q", args, f, line)
				}
			}
		}
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"stats", "--to", month}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb); code != 2 || !strings.Contains(errb.String(), "has not ended") {
		t.Errorf("stats of the month still counting: %d %q %q", code, out.String(), errb.String())
	}
	if b, err := os.ReadFile(pngFile); err != nil {
		t.Fatal(err)
	} else if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatalf("--png wrote no PNG: %v", err)
	}
}
