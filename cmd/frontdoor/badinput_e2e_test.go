package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"frontdoor/bot/telegramtest"
)

// badMessage builds a message from chat (private when chat > 0, a
// supergroup otherwise) that the test fills in.
func badMessage(chat int64, id int, lang string) *tgbotapi.Message {
	typ := "private"
	if chat < 0 {
		typ = "supergroup"
	}
	return &tgbotapi.Message{
		MessageID: id,
		From:      &tgbotapi.User{ID: max(chat, 424242), FirstName: "Test", LanguageCode: lang},
		Chat:      &tgbotapi.Chat{ID: chat, Type: typ},
		Date:      int(time.Now().Unix()),
	}
}

// TestBadInput: what a client, another chat or a forger may send, through
// the fake Bot API and the real wiring. Each input gets a sensible answer
// in her language, or none at all; nothing crashes and nothing logs an
// error or a warning.
func TestBadInput(t *testing.T) {
	api := telegramtest.New(t, testToken)
	stop := startBot(t, api, t.TempDir())
	long := strings.Repeat("Cremona ", 700) // 5,600 characters
	for i, tc := range []struct {
		name string
		lang string
		send func(chat int64) // queues the update
		// want is in her first reply; "" means she gets no reply.
		want string
	}{
		{"unknown command", "it", func(c int64) { api.Command(c, "it", "frobnicate", "x") }, "nessuno legge questa chat"},
		{"unknown command en", "en", func(c int64) { api.Command(c, "en", "frobnicate", "") }, "nobody reads this chat"},
		{"huge message", "it", func(c int64) { api.Text(c, "it", long) }, "📌 Cremona"},
		{"huge message of one word", "en", func(c int64) { api.Text(c, "en", strings.Repeat("é", 5000)) }, "nobody reads this chat"},
		{"empty text", "it", func(c int64) { api.Text(c, "it", "") }, "nessuno legge questa chat"},
		{"control characters", "it", func(c int64) { api.Text(c, "it", "\x00\u202e<b>&amp;") }, "nessuno legge questa chat"},
		{"sticker", "it", func(c int64) {
			m := badMessage(c, 10, "it")
			m.Sticker = &tgbotapi.Sticker{FileID: "s", FileUniqueID: "s", Width: 512, Height: 512, Emoji: "🙂"}
			api.AddUpdate(tgbotapi.Update{Message: m})
		}, "nessuno legge questa chat"},
		{"photo", "en", func(c int64) {
			m := badMessage(c, 11, "en")
			m.Photo = []tgbotapi.PhotoSize{{FileID: "p", FileUniqueID: "p", Width: 90, Height: 90}}
			m.Caption = "Cremona"
			api.AddUpdate(tgbotapi.Update{Message: m})
		}, "nobody reads this chat"},
		{"voice", "it", func(c int64) {
			m := badMessage(c, 12, "it")
			m.Voice = &tgbotapi.Voice{FileID: "v", FileUniqueID: "v", Duration: 3}
			api.AddUpdate(tgbotapi.Update{Message: m})
		}, "nessuno legge questa chat"},
		{"edited message", "it", func(c int64) {
			m := badMessage(c, 13, "it")
			m.Text, m.EditDate = "Cremona", int(time.Now().Unix())
			api.AddUpdate(tgbotapi.Update{EditedMessage: m})
		}, ""},
		{"group that is no operators' group", "it", func(c int64) {
			m := badMessage(-c, 14, "it")
			m.Text = "Cremona"
			api.AddUpdate(tgbotapi.Update{Message: m})
		}, ""},
		{"command in a group that is no operators' group", "it", func(c int64) {
			m := badMessage(-c, 15, "it")
			m.Text = "/start"
			m.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: 6}}
			api.AddUpdate(tgbotapi.Update{Message: m})
		}, ""},
		{"button in a group that is no operators' group", "it", func(c int64) { api.PressInGroup(-c, c, "op:take:ABCD") }, ""},
		{"channel post", "it", func(c int64) {
			m := badMessage(-c, 16, "it")
			m.Chat.Type, m.From, m.Text = "channel", nil, "/start"
			api.AddUpdate(tgbotapi.Update{ChannelPost: m})
		}, ""},
		{"malformed command entity", "it", func(c int64) {
			m := badMessage(c, 17, "it")
			m.Text = "/"
			m.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: 40}}
			api.AddUpdate(tgbotapi.Update{Message: m})
		}, "nessuno legge questa chat"},
		{"forged centre", "it", func(c int64) { api.Press(c, "it", "c:../../etc/passwd") }, "Scrivi il nome del tuo comune"},
		{"forged callback centre", "en", func(c int64) { api.Press(c, "en", "cb:c:nowhere") }, ""},
		{"forged callback step", "it", func(c int64) { api.Press(c, "it", "cb:ok") }, ""},
		{"forged language", "it", func(c int64) { api.Press(c, "it", "lang:zz") }, ""},
		{"forged verb", "en", func(c int64) { api.Press(c, "en", strings.Repeat("x", 64)) }, "nobody reads this chat"},
		{"forged network", "it", func(c int64) { api.Press(c, "it", "net:nope") }, ""},
		{"forged staff button", "it", func(c int64) { api.Press(c, "it", "st.import") }, ""},
		{"empty button", "it", func(c int64) { api.Press(c, "it", "") }, "nessuno legge questa chat"},
	} {
		chat := int64(5000 + i)
		t.Run(tc.name, func(t *testing.T) {
			// She has been welcomed already: what follows is the answer
			// to the input itself.
			api.Text(chat, tc.lang, "ciao")
			waitChat(t, api, chat, 1)
			tc.send(chat)
			if tc.want == "" && !strings.HasPrefix(tc.name, "forged") {
				waitQuiet(t, api)
				if n := api.SentCount(chat) - 1 + api.SentCount(-chat); n != 0 {
					t.Errorf("%d replies, want none: %+v", n, append(api.SentTo(chat)[1:], api.SentTo(-chat)...))
				}
				return
			}
			// A forged button may get any answer, as long as it has one.
			got := waitChat(t, api, chat, 2)[1]
			if got.Text == "" || !strings.Contains(got.Text, tc.want) {
				t.Errorf("got %q, want %q", got.Text, tc.want)
			}
		})
	}
	// A forged operator button in her chat: a pop-up says so, and nothing
	// stays in the chat.
	t.Run("forged operator button", func(t *testing.T) {
		const chat = 5999
		api.Text(chat, "it", "ciao")
		waitChat(t, api, chat, 1)
		api.Press(chat, "it", "op:take:ZZZZ")
		waitQuiet(t, api)
		if n := api.SentCount(chat); n != 1 {
			t.Errorf("%d messages, want only the welcome: %+v", n, api.SentTo(chat))
		}
		answers := api.Requests("answerCallbackQuery")
		if len(answers) == 0 || !strings.Contains(answers[len(answers)-1]["text"], "Questo pulsante non è valido") {
			t.Errorf("the press was answered %+v, want a pop-up", answers)
		}
	})
	waitQuiet(t, api)
	code, logs := stop()
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, bad := range []string{"level=ERROR", "level=WARN", "panic", "Cremona Cremona"} {
		if strings.Contains(logs, bad) {
			t.Errorf("the log has %q:\n%s", bad, logs)
		}
	}
}

// waitQuiet waits until the fake API holds no unconfirmed update and the
// bot had a moment to send what it would.
func waitQuiet(t *testing.T, api *telegramtest.Server) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); api.Pending() > 0; {
		if time.Now().After(end) {
			t.Fatalf("%d updates still unconfirmed", api.Pending())
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
}

// TestOldButtons: buttons of messages sent before a restart, and of a
// centre that staff removed from the directory meanwhile, still get a
// sensible answer.
func TestOldButtons(t *testing.T) {
	api := telegramtest.New(t, testToken)
	dataDir := t.TempDir()
	env := map[string]string{"FRONTDOOR_DATA": dataDir}
	stop := startBot(t, api, dataDir)
	const her = 7771
	api.Text(her, "it", "ciao")
	api.Text(her, "it", "Cremona")
	card := waitChat(t, api, her, 2)[1]
	if !strings.Contains(card.Text, "ARCA – Cremona") {
		t.Fatalf("the card of Cremona: %q", card.Text)
	}
	if code, _ := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}

	// Staff remove the centre of Cremona while the bot is down.
	file := filepath.Join(t.TempDir(), "directory.toml")
	if code, _, stderr := runMain(t, env, "", "directory", "export", file); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(b), "\n[[centre]]")
	kept := blocks[:1]
	for _, c := range blocks[1:] {
		if !strings.Contains(c, `id = "arca-cremona"`) {
			kept = append(kept, c)
		}
	}
	if len(kept) != len(blocks)-1 {
		t.Fatalf("arca-cremona not found once in the export")
	}
	if err := os.WriteFile(file, []byte(strings.Join(kept, "\n[[centre]]")), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runMain(t, env, "", "directory", "import", file); code != 0 {
		t.Fatalf("import: %s", stderr)
	}

	stop = startBot(t, api, dataDir)
	for _, tc := range []struct{ data, want string }{
		{"menu", "Cosa ti serve"},
		{"c:arca-cremona", "Scrivi il nome del tuo comune"},
		{"cb:c:arca-cremona", "non è ancora possibile farsi richiamare"},
		{"town:Cremona", "fuori dalle zone dei centri"},
	} {
		before := api.SentCount(her)
		api.Press(her, "it", tc.data)
		waitChat(t, api, her, before+1)
		waitQuiet(t, api)
		var got []string
		for _, m := range api.SentTo(her)[before:] {
			got = append(got, m.Text)
		}
		if all := strings.Join(got, "\n"); !strings.Contains(all, tc.want) || strings.Contains(all, "ARCA – Cremona") {
			t.Errorf("old button %q: %q, want %q", tc.data, all, tc.want)
		}
	}
	waitQuiet(t, api)
	code, logs := stop()
	if code != 0 || strings.Contains(logs, "level=ERROR") || strings.Contains(logs, "panic") {
		t.Fatalf("exit %d:\n%s", code, logs)
	}
}
