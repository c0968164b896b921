package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"frontdoor/bot/telegramtest"
)

// Values planted through the dialogues that must reach neither the log nor
// the database file: what she types, a phone number, her Telegram id and
// username, her coordinates.
const (
	plantedHer      = int64(5551234987)
	plantedWord     = "Zanzibarquux"
	plantedPhone    = "+393471234567"
	plantedUsername = "planted_user_qq"
	plantedLat      = 45.123456
	plantedLon      = 9.654321
)

// planted are the byte strings to look for, in every spelling a leak would
// take: her id in decimal and as 8 bytes, the phone without its plus.
func planted() [][]byte {
	id := binary.BigEndian.AppendUint64(nil, uint64(plantedHer))
	return [][]byte{
		[]byte(plantedWord), []byte(strings.ToLower(plantedWord)), []byte(plantedPhone[1:]),
		[]byte(strconv.FormatInt(plantedHer, 10)), id, []byte(plantedUsername),
		[]byte("45.123456"), []byte("9.654321"),
	}
}

// hotBackup takes a backup with `frontdoor backup` while the bot runs on
// dataDir (through its control socket) and returns the file.
func hotBackup(t *testing.T, dataDir string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "backup.db")
	if code, _, stderr := runMain(t, map[string]string{"FRONTDOOR_DATA": dataDir}, "", "backup", path); code != 0 {
		t.Fatalf("backup while the bot runs: %d %s", code, stderr)
	}
	return path
}

// assertNoTrace fails when the file at path holds any planted value. It
// reads the raw bytes, freed pages included. (A backup file can be checked
// with it the same way.)
func assertNoTrace(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range planted() {
		if bytes.Contains(raw, p) {
			t.Errorf("%s contains the planted %q", filepath.Base(path), p)
		}
	}
}

// assertNoLogTrace fails when the log holds any planted value.
func assertNoLogTrace(t *testing.T, logs string) {
	t.Helper()
	for _, p := range planted() {
		if strings.Contains(strings.ToLower(logs), strings.ToLower(string(p))) {
			t.Errorf("the log contains the planted %q:\n%s", p, logs)
		}
	}
}

// stopForgotten stops the bot, which must exit cleanly, and checks that
// neither its log nor its store keeps anything of her.
func stopForgotten(t *testing.T, stop func() (int, string), dataDir string) {
	t.Helper()
	code, logs := stop()
	if code != 0 {
		t.Fatalf("exit status %d: %s", code, logs)
	}
	assertNoLogTrace(t, logs)
	assertForgotten(t, dataDir)
}

// assertForgotten opens the stopped bot's store and checks that it holds
// neither a session nor a trail for her.
func assertForgotten(t *testing.T, dataDir string) {
	t.Helper()
	db := openDataStore(t, dataDir)
	defer db.Close()
	ctx := context.Background()
	if s, found, err := db.Session(ctx, plantedHer); found || err != nil {
		t.Errorf("the store keeps her session %+v (%v)", s, err)
	}
	if tr, found, err := db.TakeTrail(ctx, plantedHer, time.Time{}); found || err != nil {
		t.Errorf("the store keeps her trail %+v (%v)", tr, err)
	}
}

// say sends one input and waits until the bot has handled it completely:
// the update is confirmed only once all its replies are sent and tracked.
func say(t *testing.T, api *telegramtest.Server, send func()) {
	t.Helper()
	n := api.SentCount(plantedHer)
	send()
	waitChat(t, api, plantedHer, n+1)
	deadline := time.Now().Add(15 * time.Second)
	for api.Pending() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the update was never confirmed")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestExitLeavesNoTrace: a conversation of 30 messages through every
// screen, with planted personal values, then Exit. The fake Bot API got
// deleteMessages for every message of both sides, in calls of at most 100
// ids; the bot keeps nothing of her; neither the log nor the database file
// ever held a planted value.
func TestExitLeavesNoTrace(t *testing.T) {
	api := telegramtest.New(t, testToken)
	dataDir := newDataDir(t)
	stop := startBot(t, api, dataDir)
	api.SetUsername(plantedHer, plantedUsername)
	her := plantedHer
	script := []func(){
		func() { api.Command(her, "it", "start", "") },
		func() { api.Text(her, "it", plantedWord) },
		func() { api.Text(her, "it", plantedPhone) },
		func() { api.Location(her, plantedLat, plantedLon) },
		func() { api.Text(her, "it", "Crema") },
		func() { api.Command(her, "it", "sos", "") },
		func() { api.Command(her, "it", "privacy", "") },
		func() { api.Command(her, "it", "find", "") },
		func() { api.Text(her, "it", "Cremna") },
		func() { api.Command(her, "it", "open", "") },
		func() { api.Command(her, "it", "lang", "en") },
		func() { api.Text(her, "it", "Bresso") },
		func() { api.Command(her, "it", "lang", "") },
		func() { api.Text(her, "it", "Italiano") },
		func() { api.Command(her, "it", "menu", "") },
		func() { api.Text(her, "it", "my number is "+plantedPhone) },
		func() { api.Command(her, "it", "nonsense", plantedWord) },
		func() { api.Location(her, plantedLat+0.01, plantedLon) },
		func() { api.Command(her, "it", "forget", "") },
		func() { api.Text(her, "it", "Cinisello Balsamo") },
	}
	for len(script) < 30 {
		script = append(script, func() { api.Text(her, "it", "Cremona") })
	}
	for _, send := range script {
		say(t, api, send)
	}
	// Buttons too: they add the bot's messages, not hers.
	for _, data := range []string{"find", "net:arca", "idle", "idle:60", "leave:off", "sos"} {
		say(t, api, func() { api.Press(her, "it", data) })
	}
	assertNoTrace(t, filepath.Join(dataDir, "frontdoor.db"))
	assertNoTrace(t, hotBackup(t, dataDir))
	all := api.Messages(her)
	if len(all) < 60 {
		t.Fatalf("only %d messages in the chat", len(all))
	}

	if !api.KeyboardShown(her) {
		t.Fatal("the conversation never offered the location keyboard")
	}
	sentBefore := api.SentCount(her)
	api.Press(her, "it", "exit")
	deadline := time.Now().Add(15 * time.Second)
	// The keyboard is taken away by a message deleted at once.
	for len(api.Visible(her)) > 0 || api.KeyboardShown(her) || api.SentCount(her) == sentBefore {
		if time.Now().After(deadline) {
			t.Fatalf("after Exit the chat still shows %v (keyboard %v)", api.Visible(her), api.KeyboardShown(her))
		}
		time.Sleep(5 * time.Millisecond)
	}
	sent := api.SentTo(her)
	if len(sent) != sentBefore+1 {
		t.Fatalf("Exit sent %d messages, want only the one that takes the keyboard away", len(sent)-sentBefore)
	}
	all = append(all, sent[len(sent)-1].MessageID)
	var deleted []int
	for _, p := range api.Requests("deleteMessages") {
		ids := strings.Split(strings.Trim(p["message_ids"], "[]"), ",")
		if len(ids) > 100 || p["chat_id"] != strconv.FormatInt(her, 10) {
			t.Errorf("deleteMessages %v", p)
		}
		for _, s := range ids {
			n, _ := strconv.Atoi(s)
			deleted = append(deleted, n)
		}
	}
	slices.Sort(deleted)
	if !slices.Equal(deleted, all) {
		t.Errorf("deleteMessages got %d ids, want the %d of both sides", len(deleted), len(all))
	}
	for _, m := range api.SentTo(her) {
		if !m.DisableNotification {
			t.Errorf("sent with a sound: %q", m.Text)
		}
	}
	stopForgotten(t, stop, dataDir)
	assertNoTrace(t, filepath.Join(dataDir, "frontdoor.db"))
}

// TestForgetLeavesNothing: /forget asks first; after the confirmation the
// chat is empty and the store holds nothing of her.
func TestForgetLeavesNothing(t *testing.T) {
	api := telegramtest.New(t, testToken)
	dataDir := newDataDir(t)
	stop := startBot(t, api, dataDir)
	her := plantedHer
	say(t, api, func() { api.Command(her, "en", "start", "") })
	say(t, api, func() { api.Text(her, "en", plantedWord) })
	say(t, api, func() { api.Command(her, "en", "forget", "") })
	ask := api.SentTo(her)[2]
	if !strings.HasPrefix(ask.Text, "Delete everything?") || !slices.Contains(buttonData(ask), "forget:yes") {
		t.Fatalf("/forget did not ask first: %+v", ask)
	}
	if api.Calls("deleteMessages") != 0 {
		t.Fatal("/forget deleted before the confirmation")
	}
	api.Press(her, "en", "forget:yes")
	api.WaitCalls(t, "deleteMessages", 1, 15*time.Second)
	deadline := time.Now().Add(15 * time.Second)
	for len(api.Visible(her)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("after /forget the chat still shows %v", api.Visible(her))
		}
		time.Sleep(5 * time.Millisecond)
	}
	stopForgotten(t, stop, dataDir)
	assertNoTrace(t, filepath.Join(dataDir, "frontdoor.db"))
}

// TestForgetWithOpenCallback: she asks for a callback with a planted
// number, then /forget: asked first; afterwards the chat is empty, the
// operators are told not to call, and neither the store nor its file holds
// anything of hers.
func TestForgetWithOpenCallback(t *testing.T) {
	api := telegramtest.New(t, testToken)
	dataDir := newDataDir(t)
	addOperators(t, dataDir)
	stop := startBot(t, api, dataDir)
	her := plantedHer
	api.SetUsername(her, plantedUsername)
	say(t, api, func() { api.Command(her, "it", "start", "") })
	say(t, api, func() { api.Press(her, "it", "cb:c:arca-cremona") })
	say(t, api, func() { api.Contact(her, plantedPhone) })
	for _, d := range []string{"cb:w:asap", "cb:wok", "cb:m:none", "cb:h:yes", "cb:s:wrong", "cb:l:it", "cb:ok"} {
		say(t, api, func() { api.Press(her, "it", d) })
	}
	if got := api.SentTo(her); !strings.HasPrefix(got[len(got)-1].Text, "✅") {
		t.Fatalf("the request was not confirmed: %q", got[len(got)-1].Text)
	}
	waitChat(t, api, opsGroup, 1)
	assertNoTrace(t, filepath.Join(dataDir, "frontdoor.db"))
	// A backup taken while her request is open holds it, sealed.
	assertNoTrace(t, hotBackup(t, dataDir))

	say(t, api, func() { api.Command(her, "it", "forget", "") })
	if api.Calls("deleteMessages") != 0 {
		t.Fatal("/forget deleted before the confirmation")
	}
	api.Press(her, "it", "forget:yes")
	deadline := time.Now().Add(15 * time.Second)
	for len(api.Visible(her)) > 0 || api.KeyboardShown(her) {
		if time.Now().After(deadline) {
			t.Fatalf("after /forget the chat shows %v (keyboard %v)", api.Visible(her), api.KeyboardShown(her))
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The operators hear that the request is withdrawn.
	told := false
	for !told && time.Now().Before(deadline) {
		for _, m := range api.SentTo(opsGroup) {
			told = told || strings.Contains(m.Text, "annullata")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !told {
		t.Errorf("the operators were not told: %+v", api.SentTo(opsGroup))
	}
	stopForgotten(t, stop, dataDir)
	db := openDataStore(t, dataDir)
	cbs, err := db.Callbacks(context.Background())
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil || len(cbs) != 0 {
		t.Errorf("after /forget the store keeps %d callback requests (%v)", len(cbs), err)
	}
	assertNoTrace(t, filepath.Join(dataDir, "frontdoor.db"))
}

// TestFloodThenExit: 40 messages at once from one chat get her first ones
// answered and one neutral notice with the numbers, the rest dropped; an
// exit pressed after them still deletes everything, the dropped messages
// and the notice included.
func TestFloodThenExit(t *testing.T) {
	api := telegramtest.New(t, testToken)
	startBot(t, api, t.TempDir())
	her := plantedHer
	say(t, api, func() { api.Command(her, "it", "start", "") })
	for range 40 {
		api.Text(her, "it", "Crema")
	}
	api.Press(her, "it", "exit")
	deadline := time.Now().Add(15 * time.Second)
	for api.Pending() > 0 || len(api.Visible(her)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("after the flood and Exit: %d updates pending, the chat shows %v", api.Pending(), api.Visible(her))
		}
		time.Sleep(5 * time.Millisecond)
	}
	var notices, cards int
	for _, s := range api.SentTo(her) {
		switch {
		case strings.HasPrefix(s.Text, "⏳ Sono arrivati tanti messaggi"):
			notices++
			if !strings.Contains(s.Text, "1522") || !s.ProtectContent {
				t.Errorf("the notice lacks the numbers or protection: %+v", s)
			}
		case strings.Contains(s.Text, "Crema"):
			cards++
		}
	}
	if notices != 1 || cards == 0 || cards > 10 {
		t.Errorf("%d notices and %d answers to the 40 messages; want one notice and her first ones answered", notices, cards)
	}
}
