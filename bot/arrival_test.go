package bot_test

import (
	"context"
	"fmt"
	"testing"

	"frontdoor/bot"
	"frontdoor/bot/telegramtest"
	"frontdoor/flows"
	"frontdoor/store/memstore"
)

// audiences are the readers of the send-path test, each with how its
// messages must arrive: a woman's silent and protected, staff's silent and
// forwardable (an invite link, the directory file), operators' with sound.
var audiences = []struct {
	name             string
	to               flows.Audience
	silent, protects bool
}{
	{"her", flows.ForHer, true, true},
	{"staff", flows.ForStaff, true, false},
	{"operators", flows.ForOperators, false, false},
}

// TestArrivalOnEverySendPath walks every way a message leaves the bot (the
// replies to an update, a document among them, the outbox's sends and
// edits) for every audience, and checks how each arrives.
func TestArrivalOnEverySendPath(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	st := memstore.New()
	h := tgHandlerFunc(func(_ context.Context, in flows.Input) (flows.Result, error) {
		var res flows.Result
		res.Lang = "it"
		for _, a := range audiences {
			res.Replies = append(res.Replies,
				flows.Reply{Texts: []flows.Text{flows.Raw("reply " + a.name)}, To: a.to},
				flows.Reply{Texts: []flows.Text{flows.Raw("document " + a.name)}, To: a.to, Document: &flows.Document{Name: "f.toml", Data: []byte("x")}})
		}
		return res, nil
	})
	startTelegram(t, srv, bot.TelegramConfig{Handler: h})
	srv.Text(21, "it", "go")
	for i, a := range audiences {
		o := flows.Outgoing{Chat: int64(30 + i), Lang: "it", Reply: flows.Reply{Texts: []flows.Text{flows.Raw("outbox " + a.name)}, To: a.to}}
		if err := st.Apply(context.Background(), flows.Change{Send: []flows.Outgoing{o}}); err != nil {
			t.Fatal(err)
		}
	}
	runOutbox(t, srv, st, bot.TelegramConfig{})
	sent := srv.WaitSent(t, 3*len(audiences), tgWait)
	waitOutboxEmpty(t, st)
	byText := map[string]telegramtest.Sent{}
	for _, m := range sent {
		byText[m.Text] = m
	}
	for _, a := range audiences {
		for _, path := range []string{"reply", "document", "outbox"} {
			m, ok := byText[fmt.Sprintf("it|%s %s", path, a.name)]
			switch {
			case !ok:
				t.Errorf("%s to %s: not sent (%+v)", path, a.name, sent)
			case m.DisableNotification != a.silent || m.ProtectContent != a.protects:
				t.Errorf("%s to %s: silent %v, protected %v; want %v, %v", path, a.name, m.DisableNotification, m.ProtectContent, a.silent, a.protects)
			}
		}
		// What asks for it is protected whoever reads it.
		o := flows.Outgoing{Chat: 40, Lang: "it", Reply: flows.Reply{Texts: []flows.Text{flows.Raw("protected " + a.name)}, To: a.to, Protect: true}}
		if err := st.Apply(context.Background(), flows.Change{Send: []flows.Outgoing{o}}); err != nil {
			t.Fatal(err)
		}
	}
	sent = srv.WaitSent(t, 4*len(audiences), tgWait)
	for _, m := range sent[3*len(audiences):] {
		if !m.ProtectContent {
			t.Errorf("%q asked for protection and was sent without", m.Text)
		}
	}
	// An edit (a card emptied, her number removed) neither rings nor
	// carries a protection Telegram would not apply to it.
	card := sent[len(sent)-1]
	edit := flows.Outgoing{Chat: card.ChatID, Lang: "it", Edit: card.MessageID, Reply: flows.Reply{Texts: []flows.Text{flows.Raw("closed")}, To: flows.ForOperators}}
	if err := st.Apply(context.Background(), flows.Change{Send: []flows.Outgoing{edit}}); err != nil {
		t.Fatal(err)
	}
	waitOutboxEmpty(t, st)
	edits := srv.Requests("editMessageText")
	if len(edits) != 1 {
		t.Fatalf("edits: %+v", edits)
	}
	for _, k := range []string{"disable_notification", "protect_content"} {
		if _, ok := edits[0][k]; ok {
			t.Errorf("an edit carries %s: %+v", k, edits[0])
		}
	}
}
