package bot_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/bot/telegramtest"
	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
	"frontdoor/locales"
	"frontdoor/store/memstore"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	lri = "\u2066"
	fsi = "\u2068"
	pdi = "\u2069"
)

// visible shows the isolates of a rendered text as ⟦ ⟧ (an inserted value)
// and ⟪ ⟧ (a left-to-right run of the translation), so that golden files
// can be read and reviewed.
func visible(s string) string {
	return strings.NewReplacer(fsi, "⟦", lri, "⟪", pdi, "⟧").Replace(s)
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update and review the diff):\n%s", path, got)
	}
}

func catalog(t *testing.T) *locales.Catalog {
	t.Helper()
	cat, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestRenderIsolatesRightToLeft renders lines that carry numbers, phone
// numbers, times and Latin names in Arabic, Farsi and Italian: in the first
// two every inserted value, and only values, is isolated; Italian is left
// as it is.
func TestRenderIsolatesRightToLeft(t *testing.T) {
	r := bot.NewRenderer(catalog(t))
	r.Missing = func(lang, id string) { t.Errorf("message %q missing in %s", id, lang) }
	when := flows.T("when.weekday", "Day", flows.T("weekday.Monday"), "Time", "9:00")
	rep := flows.Reply{
		Texts: []flows.Text{
			flows.T("card.town", "Town", "Crema"),
			flows.T("card.name", "Name", "Centro antiviolenza ARCA – Crema"),
			flows.T("card.phones", "Phones", "+390000000111 · +390000000112"),
			flows.T("status.open_until", "Until", "18:00"),
			flows.T("card.today", "Hours", "9:00–13:00, 14:00–18:00"),
			flows.T("card.closure", "Reason", "ferie <estive>", "Until", flows.T("date.day_month", "Day", 6, "Month", flows.T("month.January"))),
			flows.T("list.item_distance", "N", 1, "Name", "Sportello ARCA – Casalmaggiore", "Town", "Casalmaggiore",
				"Distance", flows.T("distance.km", "Km", 12.5), "Status", flows.T("status.opens", "When", when)),
			flows.TN("open.count", 2),
			flows.Raw("Amaranta – Cinisello Balsamo e Bresso"),
		},
		Buttons: [][]flows.Button{
			{{Label: flows.Raw("Centro antiviolenza ARCA – Crema"), Data: "c:arca-crema"}},
			{{Label: flows.T("button.emergency"), Data: "sos"}, {Label: flows.T("button.exit"), Data: "exit"}},
		},
	}
	var out bytes.Buffer
	for _, lang := range []string{"ar", "fa", "it"} {
		m := r.Render(lang, rep)
		fmt.Fprintf(&out, "== %s\n%s\n", lang, visible(m.Text))
		for _, row := range m.Buttons {
			for _, b := range row {
				fmt.Fprintf(&out, "[%s] ", visible(b.Label))
			}
			fmt.Fprintln(&out)
		}
		isolated := strings.Contains(m.Text, fsi)
		if isolated != (lang != "it") {
			t.Errorf("%s: isolates in the text: %v", lang, isolated)
		}
		if strings.Count(m.Text, fsi) != strings.Count(m.Text, pdi) {
			t.Errorf("%s: unbalanced isolates: %q", lang, m.Text)
		}
		for _, tag := range strings.SplitAfter(m.Text, ">") {
			if i := strings.LastIndexByte(tag, '<'); i >= 0 && strings.ContainsAny(tag[i:], fsi+pdi) {
				t.Errorf("%s: an isolate inside the HTML tag %q", lang, tag[i:])
			}
		}
		if label := m.Buttons[0][0].Label; (lang != "it") != strings.HasPrefix(label, fsi) {
			t.Errorf("%s: centre button label %q", lang, label)
		}
	}
	golden(t, filepath.Join("testdata", "rtl.golden"), out.Bytes())
}

// TestTelegramCommandMenu: at start the transport sets the command menu of
// private chats for every language, and a default one in Italian, with the
// same command names everywhere and descriptions in each language.
func TestTelegramCommandMenu(t *testing.T) {
	cat := catalog(t)
	srv := telegramtest.New(t, tgToken)
	stop := startTelegram(t, srv, bot.TelegramConfig{Handler: &inputs{}, Menu: cat})
	// Wait for the menus themselves, not the calls: stopping while the last
	// call is in flight would cancel it.
	deadline := time.Now().Add(tgWait)
	for len(srv.CommandSets()) < len(cat.Langs())+1 && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	sets := srv.CommandSets()
	if len(sets) != len(cat.Langs())+1 {
		t.Fatalf("%d command menus set, want %d", len(sets), len(cat.Langs())+1)
	}
	byLang := map[string]telegramtest.CommandSet{}
	for _, s := range sets {
		if s.Scope != "all_private_chats" {
			t.Errorf("menu for %q has scope %q, want all_private_chats", s.Lang, s.Scope)
		}
		byLang[s.Lang] = s
	}
	want := strings.Join(bot.MenuCommands(), " ")
	for _, lang := range append([]string{""}, cat.Langs()...) {
		s, ok := byLang[lang]
		if !ok {
			t.Errorf("no command menu for %q", lang)
			continue
		}
		var names []string
		for _, c := range s.Commands {
			names = append(names, c.Command)
		}
		if got := strings.Join(names, " "); got != want {
			t.Errorf("%q: commands %q, want %q", lang, got, want)
		}
		textLang := lang
		if lang == "" {
			textLang = locales.Source
		}
		for _, c := range s.Commands {
			if desc, _ := cat.Text(textLang, "command."+c.Command, nil, nil); c.Description != desc {
				t.Errorf("%q: /%s is described %q, want %q", lang, c.Command, c.Description, desc)
			}
		}
	}
	if d := byLang["uk"].Commands[2].Description; d != "Знайти центр поруч із вами" {
		t.Errorf("uk /find: %q", d)
	}
}

// step is one thing she does in a scripted dialogue.
type step struct {
	show string // how the transcript shows it
	do   func(srv *telegramtest.Server, chat int64, lang string) int
}

func command(name string) step {
	return step{"/" + name, func(srv *telegramtest.Server, chat int64, lang string) int {
		return srv.Command(chat, lang, name, "")
	}}
}

func text(s string) step {
	return step{s, func(srv *telegramtest.Server, chat int64, lang string) int { return srv.Text(chat, lang, s) }}
}

func press(data string) step {
	return step{"[" + data + "]", func(srv *telegramtest.Server, chat int64, lang string) int { return srv.Press(chat, lang, data) }}
}

func location(lat, lon float64) step {
	return step{fmt.Sprintf("📍 %.3f,%.3f", lat, lon), func(srv *telegramtest.Server, chat int64, _ string) int {
		return srv.Location(chat, lat, lon)
	}}
}

// TestTelegramTranscripts plays the main dialogue in Arabic and in
// Ukrainian through the fake Bot API, with the real renderer and catalogue,
// and compares what Telegram received with testdata/transcripts. Isolates
// show as ⟦ ⟧.
func TestTelegramTranscripts(t *testing.T) {
	cat := catalog(t)
	dir, err := directory.New(dirfile.Sample())
	if err != nil {
		t.Fatal(err)
	}
	main := []step{
		command("start"), press("find"), text("Cremona"), location(45.364, 9.681),
		press("open:*"), press("sos"), command("lang"), press("exit"),
	}
	for _, tc := range []struct {
		lang string
		at   time.Time
	}{
		{"ar", time.Date(2027, time.March, 16, 10, 30, 0, 0, directory.Rome)},   // a Tuesday morning: centres open
		{"uk", time.Date(2026, time.December, 26, 20, 0, 0, 0, directory.Rome)}, // a holiday Saturday evening: all closed
	} {
		t.Run(tc.lang, func(t *testing.T) {
			r := bot.NewRenderer(cat)
			r.Missing = func(lang, id string) { t.Errorf("message %q missing in %s", id, lang) }
			svc := flows.NewService(memstore.New(), dir, flows.Options{Langs: cat.Langs(), Now: func() time.Time { return tc.at }})
			srv := telegramtest.New(t, tgToken)
			startTelegram(t, srv, bot.TelegramConfig{Handler: svc, Renderer: r})
			const her = 424242
			var out bytes.Buffer
			seen := 0
			for _, st := range main {
				fmt.Fprintf(&out, "> %s\n", st.show)
				st.do(srv, her, tc.lang)
				waitHandled(t, srv)
				sent := srv.SentTo(her)
				for _, m := range sent[seen:] {
					writeSent(&out, m)
				}
				if len(sent) == seen {
					t.Errorf("%s: no answer", st.show)
				}
				seen = len(sent)
			}
			golden(t, filepath.Join("testdata", "transcripts", "main."+tc.lang+".txt"), out.Bytes())
		})
	}
}

// waitHandled waits until every queued update is confirmed: the transport
// asks for the next updates only after it sent all the replies of a batch.
func waitHandled(t *testing.T, srv *telegramtest.Server) {
	t.Helper()
	deadline := time.Now().Add(tgWait)
	for srv.Pending() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("updates still pending after %v", tgWait)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// writeSent prints a message as Telegram received it: its HTML text, then
// its keyboard, label → data (or → the link a button opens).
func writeSent(out *bytes.Buffer, m telegramtest.Sent) {
	fmt.Fprintf(out, "\n%s\n", visible(m.Text))
	if m.ReplyMarkup != nil {
		for _, row := range m.ReplyMarkup.Keyboard {
			for _, b := range row {
				fmt.Fprintf(out, "  {%s}", visible(b.Text))
			}
			fmt.Fprintln(out)
		}
		for _, row := range m.ReplyMarkup.InlineKeyboard {
			for _, b := range row {
				switch {
				case b.URL != nil:
					fmt.Fprintf(out, "  [%s → link %s]", visible(b.Text), *b.URL)
				case b.CallbackData != nil:
					fmt.Fprintf(out, "  [%s → %s]", visible(b.Text), *b.CallbackData)
				default:
					fmt.Fprintf(out, "  [%s → nothing]", visible(b.Text))
				}
			}
			fmt.Fprintln(out)
		}
	}
	if m.ProtectContent {
		fmt.Fprintln(out, "  (protected)")
	}
	fmt.Fprintln(out)
}
