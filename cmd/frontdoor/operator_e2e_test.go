package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"frontdoor/bot/telegramtest"
	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
)

var (
	inviteLink = regexp.MustCompile(`https://t\.me/fake_test_bot\?start=(inv_[a-z0-9]+)`)
	linkCode   = regexp.MustCompile(`/collega ([a-z2-7]{8})`)
)

// lastTo waits for the n-th message to chat and returns it.
func lastTo(t *testing.T, api *telegramtest.Server, chat int64, n int) telegramtest.Sent {
	t.Helper()
	return waitChat(t, api, chat, n)[n-1]
}

// TestOperatorsJoinFromTheBot: with no server command, an admin invites a
// coordinator; the coordinator invites an operator, whose private chat then
// receives her centre's requests, and links the operators' group with a
// one-time code typed in the group; the operator chooses her name; the
// coordinator sees both chats by name and puts the group on call. A woman's
// request reaches both; a member of the group takes it and the group's card
// says who. `frontdoor operators list` shows the same afterwards.
func TestOperatorsJoinFromTheBot(t *testing.T) {
	api := telegramtest.New(t, testToken)
	dataDir := newDataDir(t)
	const admin, coord, giulia, member, group, her = 111, 222, 7101, 7102, int64(-100777), 987650011
	stop := startBot(t, api, dataDir, "FRONTDOOR_ADMINS", "111")

	invite(t, api, admin, 1, "coordinator/arca", coord)
	if got := invite(t, api, coord, 2, "operator/arca-cremona", giulia); !strings.Contains(got, "Da ora questa chat riceve le richieste") {
		t.Fatalf("the operator's welcome: %q", got)
	}
	api.Press(giulia, "it", "st.name")
	waitChat(t, api, giulia, 2)
	api.Text(giulia, "it", "Giulia C.")
	if got := lastTo(t, api, giulia, 3).Text; !strings.Contains(got, "Nome salvato") {
		t.Fatalf("her name: %q", got)
	}

	api.Press(coord, "it", "st.link:arca-cremona")
	code := linkCode.FindStringSubmatch(lastTo(t, api, coord, 3).Text)
	if code == nil {
		t.Fatalf("no link code in %q", lastTo(t, api, coord, 3).Text)
	}
	api.GroupCommand(group, member, "Operatrici Cremona", "start", "")
	api.GroupCommand(group, member, "Operatrici Cremona", "collega", strings.ToUpper(code[1]))
	if got := lastTo(t, api, group, 1); !strings.Contains(got.Text, "Da ora questo gruppo riceve") || !got.DisableNotification {
		t.Fatalf("the group after its code: %+v", got)
	}
	api.GroupCommand(group, member, "Operatrici Cremona", "collega", code[1]) // used up
	if got := lastTo(t, api, group, 2).Text; !strings.Contains(got, "non è valido") {
		t.Errorf("a code used twice: %q", got)
	}
	api.GroupCommand(group, member, "Operatrici Cremona", "help", "")
	api.Press(coord, "it", "st.chats:arca-cremona")
	screen := lastTo(t, api, coord, 4)
	for _, want := range []string{"Giulia C. (chat privata)", "gruppo «Operatrici Cremona»"} {
		if !strings.Contains(screen.Text, want) {
			t.Errorf("the receiving chats do not show %q:\n%s", want, screen.Text)
		}
	}
	var onCall string
	for _, row := range screen.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			if strings.HasPrefix(*b.CallbackData, "st.oncall:") && strings.Contains(b.Text, "Operatrici") {
				onCall = *b.CallbackData
			}
		}
	}
	api.Press(coord, "it", onCall)
	if got := lastTo(t, api, coord, 5).Text; !strings.Contains(got, "📞 reperibile") {
		t.Errorf("after putting a chat on call:\n%s", got)
	}
	if n := api.SentCount(group); n != 2 {
		t.Errorf("the group got %d messages, want the link's answer and the refused code (/start and /help are not for the bot)", n)
	}

	requestCallback2(t, api, her)
	card := lastTo(t, api, group, 3)
	if lastTo(t, api, giulia, 4).Text != card.Text || card.DisableNotification {
		t.Fatalf("the card did not reach both chats, ringing: %+v", card)
	}
	time.Sleep(time.Second) // the outbox records the cards
	api.PressInGroup(group, member, "op:take:"+ticketOf(t, card))
	if n := lastTo(t, api, member, 1); !strings.Contains(n.Text, "+39 347 000 0000") {
		t.Errorf("the member who took it got %q", n.Text)
	}
	waitEdit(t, api, card, "presa da Test")
	if code, logs := stop(); code != 0 || strings.Contains(logs, "Giulia") || strings.Contains(logs, "Operatrici") {
		t.Fatalf("exit %d, or a name in the log:\n%s", code, logs)
	}
	code2, out, errs := runMain(t, map[string]string{"FRONTDOOR_DATA": dataDir}, "", "operators", "list")
	if code2 != 0 || !strings.Contains(out, "-100777\tarca-cremona\ton call\tOperatrici Cremona") || !strings.Contains(out, "7101\tarca-cremona") {
		t.Errorf("operators list: %d %q %q", code2, out, errs)
	}
}

// invite has from make an invite (her n-th message holds the link) for
// grant ("role/where"), and to open it; it returns to's welcome.
func invite(t *testing.T, api *telegramtest.Server, from int64, n int, grant string, to int64) string {
	t.Helper()
	api.Press(from, "it", "st.invite:"+grant)
	link := inviteLink.FindStringSubmatch(lastTo(t, api, from, n).Text)
	if link == nil {
		t.Fatalf("no invite link for %s", grant)
	}
	before := api.SentCount(to)
	api.Command(to, "it", "start", link[1])
	return lastTo(t, api, to, before+1).Text
}

// requestCallback2 is requestCallback for a centre whose chats are not
// the CLI's: it waits for her "✅" instead of a card to opA.
func requestCallback2(t *testing.T, api *telegramtest.Server, her int64) {
	t.Helper()
	act(t, api, her, func() { api.Command(her, "it", "start", "") })
	act(t, api, her, func() { api.Press(her, "it", "cb:c:arca-cremona") })
	act(t, api, her, func() { api.Contact(her, "+39 347 000 0000") })
	var sent []telegramtest.Sent
	for _, d := range []string{"cb:w:asap", "cb:wok", "cb:m:none", "cb:h:yes", "cb:s:wrong", "cb:l:it", "cb:ok"} {
		sent = act(t, api, her, func() { api.Press(her, "it", d) })
	}
	if !strings.HasPrefix(sent[len(sent)-1].Text, "✅") {
		t.Fatalf("not confirmed: %q", sent[len(sent)-1].Text)
	}
}

// TestNumberUndeliverableGoesBack: a member of the group who never started
// a private chat with the bot takes a request: her number cannot reach
// her, so the request goes back at once and the group is told why,
// without the number.
func TestNumberUndeliverableGoesBack(t *testing.T) {
	api := telegramtest.New(t, testToken)
	dataDir := newDataDir(t)
	addOperators(t, dataDir)
	const stranger = 7300
	api.Unreachable(stranger, true)
	stop := startBot(t, api, dataDir)
	ticket := requestCallback(t, api, woman)
	card := lastTo(t, api, opsGroup, 1)
	time.Sleep(time.Second)
	api.PressInGroup(opsGroup, stranger, "op:take:"+ticket)
	why := lastTo(t, api, opsGroup, 2)
	if !strings.Contains(why.Text, "Non ho potuto mandare il numero") || !strings.Contains(why.Text, "@fake_test_bot") || strings.Contains(why.Text, "347") {
		t.Errorf("the group was told %q", why.Text)
	}
	again := lastTo(t, api, opsGroup, 3)
	if buttonData(again)[0] != "op:take:"+ticket || strings.Contains(again.Text, "347") {
		t.Errorf("no new card to take: %+v", again)
	}
	waitEdit(t, api, card, "di nuovo aperta")
	if code, _ := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	cb, found, err := openTestStore(t, dataDir).Callback(context.Background(), ticket)
	if err != nil || !found || cb.TakenBy != 0 {
		t.Errorf("the request after an undeliverable number: %+v %v %v, want it open", cb, found, err)
	}
}

// TestKillBetweenTakeAndNumber: the process dies after "take" committed
// and before the number was sent (its files are copied while it is open,
// as a kill leaves them). Restarted, the bot delivers the number to the
// operator who took it, or, if it cannot, gives the request back: it is
// never left taken by someone who does not have the number.
func TestKillBetweenTakeAndNumber(t *testing.T) {
	for _, reachable := range []bool{true, false} {
		name := map[bool]string{true: "delivered", false: "returned"}[reachable]
		t.Run(name, func(t *testing.T) {
			crashed := newDataDir(t)
			addOperators(t, crashed)
			db, svc := offlineRequest(t, crashed)
			ctx := context.Background()
			cbs, err := db.Callbacks(ctx)
			if err != nil || len(cbs) != 1 {
				t.Fatal(cbs, err)
			}
			ticket := cbs[0].Ticket
			const taker = 7400
			if res, err := svc.Handle(ctx, flows.Input{Chat: opsGroup, From: taker, Group: true, Kind: flows.KindButton, Data: "op:take:" + ticket}); err != nil || res.Event != "callback_taken" {
				t.Fatalf("take: %+v %v", res, err)
			}
			restarted := crashCopy(t, crashed)
			db.Close()

			api := telegramtest.New(t, testToken)
			api.Unreachable(taker, !reachable)
			stop := startBot(t, api, restarted)
			if reachable {
				if n := lastTo(t, api, taker, 1); !strings.Contains(n.Text, "+39 347 000 0000") || n.DisableNotification {
					t.Errorf("after the restart the taker got %+v, want her number, ringing", n)
				}
			} else {
				waitAnswerless(t, api, opsGroup, "Non ho potuto mandare il numero")
			}
			time.Sleep(1500 * time.Millisecond) // another outbox round
			if code, _ := stop(); code != 0 {
				t.Fatalf("exit %d", code)
			}
			st := openTestStore(t, restarted)
			cb, found, err := st.Callback(ctx, ticket)
			if err != nil || !found {
				t.Fatalf("the request is gone: %v", err)
			}
			refs, _ := st.Cards(ctx, ticket)
			numbers := slices.ContainsFunc(refs, func(r flows.CardRef) bool { return r.Number && r.Chat == taker })
			if reachable && (cb.TakenBy != taker || !numbers) {
				t.Errorf("delivered: %+v, refs %+v; want it hers, her number remembered", cb, refs)
			}
			if !reachable && cb.TakenBy != 0 {
				t.Errorf("not delivered, and the request stays with her: %+v", cb)
			}
			if p, _ := st.Pending(ctx, 10); len(p) != 0 {
				t.Errorf("the outbox still holds %d messages", len(p))
			}
		})
	}
}

// waitAnswerless waits for a message to chat containing want.
func waitAnswerless(t *testing.T, api *telegramtest.Server, chat int64, want string) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		for _, m := range api.SentTo(chat) {
			if strings.Contains(m.Text, want) {
				return
			}
		}
		if time.Now().After(end) {
			t.Fatalf("chat %d never got %q: %+v", chat, want, api.SentTo(chat))
		}
	}
}

// TestNumberLeavesWithTheRole: an operator invited through the bot takes a
// request in her private chat; the admin removes her role; her number
// message is emptied at once, the request goes back to the others, and
// "take" pressed again in her chat does not bring the number back (issue
// 15). Then a woman who withdraws empties the next taker's number too.
func TestNumberLeavesWithTheRole(t *testing.T) {
	api := telegramtest.New(t, testToken)
	dataDir := newDataDir(t)
	addOperators(t, dataDir)
	const admin, giulia = 111, 7101
	stop := startBot(t, api, dataDir, "FRONTDOOR_ADMINS", "111")
	invite(t, api, admin, 1, "operator/arca-cremona", giulia)

	ticket := requestCallback(t, api, woman)
	waitChat(t, api, giulia, 2) // the card
	time.Sleep(time.Second)
	api.Press(giulia, "it", "op:take:"+ticket)
	number := lastTo(t, api, giulia, 3)
	if !strings.Contains(number.Text, "+39 347 000 0000") {
		t.Fatalf("her number: %q", number.Text)
	}
	time.Sleep(time.Second) // the outbox records the number

	api.Press(admin, "it", "st.roles")
	roles := lastTo(t, api, admin, 2)
	var revoke string
	for _, d := range buttonData(roles) {
		if strings.HasPrefix(d, "st.revoke:") {
			revoke = d
		}
	}
	api.Press(admin, "it", revoke)
	waitChat(t, api, admin, 3)
	api.Press(admin, "it", strings.Replace(revoke, "st.revoke:", "st.revokeok:", 1))
	waitChat(t, api, admin, 4)
	emptied := waitEdit(t, api, number, "non è più tua")
	if strings.Contains(emptied.Text, "347") || len(emptied.ReplyMarkup.InlineKeyboard) != 0 {
		t.Errorf("her number after the role was removed: %+v", emptied)
	}
	waitAnswerless(t, api, opsGroup, "Restituita")
	api.Press(giulia, "it", "op:take:"+ticket) // the old card's button, still in her chat
	waitAnswer(t, api, "chiusa o non c'è più")
	time.Sleep(1500 * time.Millisecond)
	for _, m := range api.SentTo(giulia)[3:] {
		if strings.Contains(m.Text, "347") {
			t.Errorf("the number reached her again: %q", m.Text)
		}
	}

	// Another operator takes it; the woman withdraws: that number is
	// emptied too.
	api.Press(opA, "it", "op:take:"+ticket)
	var second telegramtest.Sent
	for end := time.Now().Add(10 * time.Second); second.Text == ""; time.Sleep(5 * time.Millisecond) {
		for _, m := range api.SentTo(opA) {
			if holdsNumber(m.Text) {
				second = m
			}
		}
		if time.Now().After(end) {
			t.Fatal("the second operator got no number")
		}
	}
	time.Sleep(time.Second)
	api.Press(woman, "it", "cb:del")
	waitEdit(t, api, second, "annullata dalla persona")
	if code, _ := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// TestDirectoryKeepsRequestsReachable: deleting a centre that still has
// receiving chats is refused, in the bot and by the command line, with the
// chats named; once its chats are removed it is deleted and its open
// request goes to the network, whose chats get a card. A registration of a
// centre that left the directory some other way is dropped, so that a
// centre imported later with the same id does not inherit it (issue 15).
func TestDirectoryKeepsRequestsReachable(t *testing.T) {
	api := telegramtest.New(t, testToken)
	dataDir := newDataDir(t)
	addOperators(t, dataDir)
	env := map[string]string{"FRONTDOOR_DATA": dataDir}
	if code, _, errs := runMain(t, env, "", "operators", "add", "--centre", "arca-crema", "--chat", "7500"); code != 0 {
		t.Fatal(errs)
	}
	// A file without ARCA Cremona, whose chats still receive its requests.
	data := dirfile.Sample()
	data.Centres = slices.DeleteFunc(data.Centres, func(c directory.Centre) bool { return c.ID == "arca-cremona" })
	var buf bytes.Buffer
	if err := dirfile.Encode(&buf, data); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "directory.toml")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runMain(t, env, "", "directory", "import", file)
	if code != 1 || !strings.Contains(errs, "chat -100123 receives the requests of centre \"arca-cremona\"") {
		t.Errorf("import without a centre in use: %d %q", code, errs)
	}

	const admin, her = 111, 987650021
	stop := startBot(t, api, dataDir, "FRONTDOOR_ADMINS", "111")
	api.Press(admin, "it", "st.delete:arca-crema")
	if got := lastTo(t, api, admin, 1).Text; !strings.Contains(got, "Non posso fare questa modifica") || !strings.Contains(got, "riceve le richieste di Centro antiviolenza ARCA – Crema") {
		t.Fatalf("delete of a centre with chats: %q", got)
	}
	// Her request for Crema, then the chat of Crema removed.
	act(t, api, her, func() { api.Command(her, "it", "start", "") })
	act(t, api, her, func() { api.Press(her, "it", "cb:c:arca-crema") })
	act(t, api, her, func() { api.Contact(her, "+39 347 000 0001") })
	for _, d := range []string{"cb:w:asap", "cb:wok", "cb:m:none", "cb:h:yes", "cb:s:wrong", "cb:l:it", "cb:ok"} {
		act(t, api, her, func() { api.Press(her, "it", d) })
	}
	waitChat(t, api, 7500, 1)
	api.Press(admin, "it", "st.chats:arca-crema")
	var unlink string
	for _, d := range buttonData(lastTo(t, api, admin, 2)) {
		if strings.HasPrefix(d, "st.unlink:") {
			unlink = d
		}
	}
	api.Press(admin, "it", strings.Replace(unlink, "st.unlink:", "st.unlinkok:", 1))
	waitChat(t, api, admin, 3)
	api.Press(admin, "it", "st.delete:arca-crema")
	if got := lastTo(t, api, admin, 4).Text; !strings.Contains(got, "Passeranno a tutta la sua rete") {
		t.Errorf("the question before deleting: %q", got)
	}
	api.Press(admin, "it", "st.deleteok:arca-crema")
	waitChat(t, api, admin, 5)
	for _, chat := range []int64{opsGroup, opA} {
		waitAnswerless(t, api, chat, "il suo centro non è più nell'elenco")
	}
	if code, _ := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}

	// A registration left over for a centre that is gone.
	db := openDataStore(t, dataDir)
	if err := db.SaveOperator(context.Background(), flows.Operator{Chat: 7600, Centre: "arca-crema"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	api2 := telegramtest.New(t, testToken)
	startBot(t, api2, dataDir) // stopped by the test's cleanup
	// The first tick runs at start; the running bot answers through its
	// control socket. Under -race on a loaded machine it may take a while.
	var out string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var code int
		if code, out, _ = runMain(t, env, "", "operators", "list"); code == 0 && !strings.Contains(out, "7600") && !strings.Contains(out, "arca-crema") {
			return
		}
	}
	t.Errorf("operators after the tick: %q", out)
}
