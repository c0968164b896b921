package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdoor/bot/telegramtest"
	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
	"frontdoor/store"
)

// Chats of the callback tests: the Cremona operators' group, two Cremona
// operators in private chats, and the woman.
const (
	opsGroup int64 = -100123
	opA      int64 = 7001
	opB      int64 = 7002
	woman    int64 = 987650001
)

// addOperators registers the operator chats with the CLI, as an admin would.
func addOperators(t *testing.T, dataDir string) {
	t.Helper()
	env := map[string]string{"FRONTDOOR_DATA": dataDir}
	for _, chat := range []int64{opsGroup, opA, opB} {
		var out, errb bytes.Buffer
		args := []string{"operators", "add", "--centre", "arca-cremona", "--chat", strconv.FormatInt(chat, 10)}
		if code := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb); code != 0 {
			t.Fatalf("operators add: %d %s", code, errb.String())
		}
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"operators", "list"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb); code != 0 || strings.Count(out.String(), "arca-cremona") != 3 {
		t.Fatalf("operators list: %d %q %s", code, out.String(), errb.String())
	}
}

// ticketOf finds the ticket in a card's buttons.
func ticketOf(t *testing.T, s telegramtest.Sent) string {
	t.Helper()
	for _, d := range buttonData(s) {
		if k, ok := strings.CutPrefix(d, "op:take:"); ok {
			return k
		}
	}
	t.Fatalf("no take button on %+v", s)
	return ""
}

// fileHolds tells whether the raw store file contains s.
func fileHolds(t *testing.T, dataDir, s string) bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir, "frontdoor.db"))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(b, []byte(s))
}

// TestCallbackEndToEnd: she asks for a callback; the card reaches every
// operator chat with sound, without her number and with one button; two
// operators press "take" at the same moment and exactly one wins, alone
// gets the number, and each hears the answer in a pop-up; the group's
// card says it is taken; "done" asks first, then empties the card and her
// number. Everything she got was silent and protected.
func TestCallbackEndToEnd(t *testing.T) {
	api := telegramtest.New(t, testToken)
	dataDir := newDataDir(t)
	addOperators(t, dataDir)
	stop := startBot(t, api, dataDir)

	requestCallback(t, api, woman)
	var card telegramtest.Sent
	for _, chat := range []int64{opsGroup, opA, opB} {
		card = waitChat(t, api, chat, 1)[0]
		if holdsNumber(card.Text) || !card.ProtectContent || card.DisableNotification {
			t.Errorf("card to %d: %+v, want it protected, ringing, without her number", chat, card)
		}
		if d := buttonData(card); len(d) != 1 || !strings.HasPrefix(d[0], "op:take:") {
			t.Errorf("card to %d offers %v, want only “take it”", chat, d)
		}
	}
	ticket := ticketOf(t, card)
	// Let the outbox record where the cards went (right after each send),
	// so that "take" edits them; a card still unrecorded gets a line instead.
	time.Sleep(time.Second)

	// Both press at the same moment: their chats are handled in parallel.
	var wg sync.WaitGroup
	for _, op := range []int64{opA, opB} {
		wg.Go(func() { api.Press(op, "it", "op:take:"+ticket) })
	}
	wg.Wait()
	waitAnswer(t, api, "è tua")
	waitAnswer(t, api, "già stata presa")
	winner, loser := opA, opB
	for end := time.Now().Add(10 * time.Second); api.SentCount(opA) < 2 && api.SentCount(opB) < 2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("nobody got the number")
		}
	}
	if api.SentCount(opB) >= 2 {
		winner, loser = opB, opA
	}
	number := waitChat(t, api, winner, 2)[1]
	if !strings.Contains(number.Text, "+39 347 000 0000") || !number.ProtectContent || number.DisableNotification {
		t.Errorf("the winner got %+v, want the number, protected and ringing", number)
	}
	groupCard := api.SentTo(opsGroup)[0]
	waitEdit(t, api, groupCard, "presa")
	time.Sleep(1500 * time.Millisecond) // an outbox round: nothing more must come
	for _, s := range api.Sent() {
		if holdsNumber(s.Text) && s.ChatID != winner && s.ChatID != woman {
			t.Errorf("the number reached chat %d: %q", s.ChatID, s.Text)
		}
	}
	if c := api.SentCount(loser); c != 1 {
		t.Errorf("the other operator got %d messages, want her card only (the refusal is a pop-up)", c)
	}
	if c := api.SentCount(opsGroup); c != 1 {
		t.Errorf("the group got %d messages, want its card only (edited)", c)
	}

	// "Done" asks first; the confirmation closes it.
	api.Press(winner, "it", "op:done:"+ticket)
	if ask := waitChat(t, api, winner, 3)[2]; !strings.Contains(ask.Text, "Chiudere la richiesta") {
		t.Fatalf("done: %q, want a confirmation", ask.Text)
	}
	api.Press(winner, "it", "op:close:"+ticket)
	waitAnswer(t, api, "chiusa")
	// Her details leave the operators' chats: the card and her number are
	// emptied.
	for _, m := range []telegramtest.Sent{groupCard, number} {
		closed := waitEdit(t, api, m, "è chiusa")
		if closed.ReplyMarkup == nil || len(closed.ReplyMarkup.InlineKeyboard) != 0 || strings.Contains(closed.Text, "Quando") || strings.Contains(closed.Text, "347") {
			t.Errorf("closed message in chat %d: %+v", m.ChatID, closed)
		}
	}
	for _, m := range api.SentTo(woman) {
		if !m.DisableNotification || !m.ProtectContent {
			t.Errorf("a message to her rang or was not protected: %q", m.Text)
		}
	}
	if code, logs := stop(); code != 0 || strings.Contains(logs, "3470000000") || strings.Contains(logs, "347 000") || strings.Contains(logs, strconv.FormatInt(woman, 10)) {
		t.Fatalf("exit %d, or personal data in the log:\n%s", code, logs)
	}
	if fileHolds(t, dataDir, "3470000000") || fileHolds(t, dataDir, "347 000") {
		t.Error("the store file holds her number")
	}
	db := openTestStore(t, dataDir)
	if cbs, err := db.Callbacks(context.Background()); err != nil || len(cbs) != 0 {
		t.Errorf("after done: %+v, %v", cbs, err)
	}
}

// waitAnswer waits until a pressed button was answered with a pop-up
// containing want.
func waitAnswer(t *testing.T, api *telegramtest.Server, want string) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		for _, p := range api.Requests("answerCallbackQuery") {
			if strings.Contains(p["text"], want) {
				return
			}
		}
		if time.Now().After(end) {
			t.Fatalf("no pop-up said %q: %+v", want, api.Requests("answerCallbackQuery"))
		}
	}
}

// openTestStore opens the store of dataDir, closed when the test ends.
func openTestStore(t *testing.T, dataDir string) *store.DB {
	t.Helper()
	db := openDataStore(t, dataDir)
	t.Cleanup(func() { db.Close() })
	return db
}

// openDataStore opens the store of dataDir with its key file (created if
// missing); the caller closes it.
func openDataStore(t *testing.T, dataDir string) *store.DB {
	t.Helper()
	key, _, err := store.CreateKey(dataDir, "")
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(dataDir, "frontdoor.db"), key, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// offlineRequest confirms her request to ARCA Cremona through the
// dialogues alone, on the store of dataDir, which it leaves open.
func offlineRequest(t *testing.T, dataDir string) (*store.DB, *flows.Service) {
	t.Helper()
	db := openDataStore(t, dataDir)
	dir, err := directory.New(dirfile.Sample())
	if err != nil {
		t.Fatal(err)
	}
	svc := flows.NewService(db, dir, flows.Options{Callbacks: db})
	for _, in := range []flows.Input{
		{Kind: flows.KindButton, Data: "cb:c:arca-cremona"},
		{Kind: flows.KindText, Text: "347 000 0000"},
		{Kind: flows.KindButton, Data: "cb:w:asap"},
		{Kind: flows.KindButton, Data: "cb:wok"},
		{Kind: flows.KindButton, Data: "cb:m:none"},
		{Kind: flows.KindButton, Data: "cb:h:yes"},
		{Kind: flows.KindButton, Data: "cb:s:hangup"},
		{Kind: flows.KindButton, Data: "cb:l:it"},
		{Kind: flows.KindButton, Data: "cb:ok"},
	} {
		in.Chat = woman
		if _, err := svc.Handle(context.Background(), in); err != nil {
			t.Fatal(err)
		}
	}
	return db, svc
}

// crashCopy copies the store and key of dataDir while the store is open,
// as a kill leaves them, to a new data directory.
func crashCopy(t *testing.T, dataDir string) string {
	t.Helper()
	restarted := t.TempDir()
	for _, f := range []string{"frontdoor.db", "frontdoor.key"} {
		b, err := os.ReadFile(filepath.Join(dataDir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(restarted, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return restarted
}

// newDataDir is a data directory with a key and an empty store, as the bot
// leaves it at its first start: commands that work on a store never create
// one.
func newDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := openDataStore(t, dir).Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestCallbackSurvivesCrash: a process confirms a request (the commit is
// durable) and dies before delivering anything: its file is copied while it
// is still open, as a crash leaves it. The bot started on the copy delivers
// the card exactly once, and the request is intact.
func TestCallbackSurvivesCrash(t *testing.T) {
	crashed := newDataDir(t)
	addOperators(t, crashed)
	db, _ := offlineRequest(t, crashed)
	restarted := crashCopy(t, crashed)
	db.Close()
	ctx := context.Background()

	api := telegramtest.New(t, testToken)
	stop := startBot(t, api, restarted)
	for _, chat := range []int64{opsGroup, opA, opB} {
		waitChat(t, api, chat, 1)
	}
	time.Sleep(2500 * time.Millisecond) // two more outbox rounds
	for _, chat := range []int64{opsGroup, opA, opB} {
		if c := api.SentCount(chat); c != 1 {
			t.Errorf("chat %d got %d cards, want exactly 1", chat, c)
		}
	}
	if code, _ := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	db2 := openTestStore(t, restarted)
	cbs, err := db2.Callbacks(ctx)
	if err != nil || len(cbs) != 1 || cbs[0].Phone != "+393470000000" || cbs[0].TakenBy != 0 {
		t.Fatalf("after the restart: %+v, %v", cbs, err)
	}
	if p, err := db2.Pending(ctx, 10); err != nil || len(p) != 0 {
		t.Errorf("outbox after delivery: %d items, %v", len(p), err)
	}
}

// The operators command refuses mistakes with a clear sentence.
func TestOperatorsCommandMistakes(t *testing.T) {
	env := map[string]string{"FRONTDOOR_DATA": newDataDir(t)}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"operators"}, 2, "usage: frontdoor operators"},
		{[]string{"operators", "add", "--chat", "5"}, 2, "usage: frontdoor operators"},
		{[]string{"operators", "add", "--centre", "nowhere", "--chat", "5"}, 1, `no centre with id "nowhere"`},
		{[]string{"operators", "add", "--centre", "arca-crema", "--chat", "five"}, 2, "usage: frontdoor operators"},
		{[]string{"operators", "remove", "--chat", "5"}, 1, "chat 5 is not an operator chat"},
		{[]string{"operators", "purge"}, 2, "usage: frontdoor operators"},
		{[]string{"operators", "list"}, 0, ""},
		{[]string{"operators", "add", "--centre", "arca-crema", "--chat", "5", "--on-call"}, 0, ""},
		{[]string{"operators", "remove", "--chat", "5"}, 0, ""},
	} {
		code, stdout, stderr := runMain(t, env, "", tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
		if code == 0 && stdout == "" {
			t.Errorf("%v: said nothing", tc.args)
		}
	}
}

// waitEdit waits until the message m was edited to a text containing want.
func waitEdit(t *testing.T, api *telegramtest.Server, m telegramtest.Sent, want string) telegramtest.Sent {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, e := range api.Edits() {
			if e.ChatID == m.ChatID && e.MessageID == m.MessageID && strings.Contains(e.Text, want) {
				return e
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %d in chat %d was not edited to %q: %+v", m.MessageID, m.ChatID, want, api.Edits())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestConfirmationSentAgainAfterRestart: the bot confirmed a request and
// stopped before Telegram heard the update was handled (as a crash
// between the commit and the reply would leave it); Telegram delivers the
// updates again to the restarted bot, which skips every one but the
// confirmation: that is sent again, reading exactly as the first time,
// and nothing reaches the operators twice.
func TestConfirmationSentAgainAfterRestart(t *testing.T) {
	dataDir := newDataDir(t)
	addOperators(t, dataDir)
	// She answers each step once she sees it; the second time Telegram
	// delivers all of them at once.
	script := func(api *telegramtest.Server, step func(func() int) int) []int {
		ids := []int{step(func() int { return api.Command(woman, "it", "start", "") }),
			step(func() int { return api.Press(woman, "it", "cb:c:arca-cremona") }),
			step(func() int { return api.Contact(woman, "+39 347 000 0000") })}
		for _, d := range []string{"cb:w:asap", "cb:wok", "cb:m:none", "cb:h:yes", "cb:s:wrong", "cb:l:it", "cb:ok"} {
			ids = append(ids, step(func() int { return api.Press(woman, "it", d) }))
		}
		return ids
	}
	first := telegramtest.New(t, testToken)
	stop := startBot(t, first, dataDir)
	ids := script(first, func(send func() int) int {
		n := first.SentCount(woman)
		id := send()
		waitChat(t, first, woman, n+1)
		return id
	})
	sent := waitChat(t, first, woman, 11)
	confirmed := sent[len(sent)-1]
	if !strings.HasPrefix(confirmed.Text, "✅") {
		t.Fatalf("not confirmed: %+v", confirmed)
	}
	for _, chat := range []int64{opsGroup, opA, opB} {
		waitChat(t, first, chat, 1)
	}
	time.Sleep(500 * time.Millisecond) // the outbox records the cards it sent
	if code, logs := stop(); code != 0 {
		t.Fatalf("exit %d: %s", code, logs)
	}

	second := telegramtest.New(t, testToken)
	if again := script(second, func(send func() int) int { return send() }); fmt.Sprint(again) != fmt.Sprint(ids) {
		t.Fatalf("the second fake gave ids %v, want %v", again, ids)
	}
	startBot(t, second, dataDir)
	waitChat(t, second, woman, 1)
	second.WaitCalls(t, "getUpdates", 2, 10*time.Second)
	time.Sleep(300 * time.Millisecond) // room for a wrong extra reply or card
	got := second.SentTo(woman)
	if len(got) != 1 || got[0].Text != confirmed.Text || !reflect.DeepEqual(buttonData(got[0]), buttonData(confirmed)) {
		t.Fatalf("after the restart she got %+v\nwant only the confirmation again:\n%s", got, confirmed.Text)
	}
	for _, chat := range []int64{opsGroup, opA, opB} {
		if n := second.SentCount(chat); n != 0 {
			t.Errorf("chat %d got %d messages after the restart, want none", chat, n)
		}
	}
}

// holdsNumber says whether a text shows her number (+39 347 000 0000), in
// the form operators read it or in the form she typed it.
func holdsNumber(text string) bool {
	return strings.Contains(text, "3470000000") || strings.Contains(text, "347 000 0000")
}
