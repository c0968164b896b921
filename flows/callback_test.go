package flows_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/flows"
	"frontdoor/store/memstore"
)

// Operator chats of the tests: a group of ARCA Cremona, a group of Amaranta
// Cinisello, and an operator of ARCA Crema on call in a private chat.
const (
	groupCremona   int64 = -1001
	groupCinisello int64 = -1002
	onCallCrema    int64 = 501
)

// withOperators is a memory store with the test's operator chats.
func withOperators(t testing.TB, now func() time.Time) *memstore.Store {
	t.Helper()
	st := memstore.NewWithClock(now)
	for _, op := range []flows.Operator{
		{Chat: groupCremona, Centre: "arca-cremona"},
		{Chat: groupCinisello, Centre: "amaranta-cinisello"},
		{Chat: onCallCrema, Centre: "arca-crema", OnCall: true},
	} {
		if err := st.SaveOperator(context.Background(), op); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

var afternoon = rome(2027, time.March, 16, 15, 0) // Tuesday: ARCA Crema open

// callbackScripts are the callback dialogues, typed as in the console.
var callbackScripts = []struct {
	name  string
	at    time.Time
	lines []string
}{
	// Menu, centre, a malformed then a foreign number, a good one, two
	// windows, voicemail, a neutral phrase, a language, confirm.
	{"cb_full", tuesdayMorning, []string{"5", "1", "12ab", "+44 20 7946 0958", "347 000 0000", "2", "4", "8", "2", "1", "2", "1"}},
	// A window already past, her own words too long then right, a change
	// of number from the summary, confirm, then a second request.
	{"cb_past_own_edit", afternoon, []string{"5", "1", "0372 000000", "1", "3", "8", "1", "4",
		strings.Repeat("parole ", 20), "Sono Anna della palestra", "1", "3", "02 0000 0000", "1", "5", "3"}},
	// From a centre's card, "whichever can call first", and cancelling a
	// pending request from the menu.
	{"cb_card_withdraw", tuesdayMorning, []string{"1", "Cremona", "1", "347 000 0000", "7", "8", "1", "3", "1", "1", "5", "1", "5", "4", "1"}},
	// A confirmed request, then /forget: asked first, then the chat is
	// wiped and the request withdrawn, its operators told.
	{"cb_forget", tuesdayMorning, []string{"5", "1", "347 000 0000", "7", "8", "1", "1", "1", "1", "/forget", "1", "5"}},
	{"cb_cancel_centre", tuesdayMorning, []string{"5", "6"}},
	{"cb_cancel_phone", tuesdayMorning, []string{"5", "1", "1"}},
	{"cb_cancel_windows", tuesdayMorning, []string{"5", "1", "347 000 0000", "9"}},
	{"cb_cancel_msg", tuesdayMorning, []string{"5", "1", "347 000 0000", "7", "8", "5"}},
	{"cb_cancel_say", tuesdayMorning, []string{"5", "1", "347 000 0000", "7", "8", "1", "5"}},
	{"cb_cancel_lang", tuesdayMorning, []string{"5", "1", "347 000 0000", "7", "8", "1", "1", "5"}},
	{"cb_cancel_summary", tuesdayMorning, []string{"5", "1", "347 000 0000", "7", "8", "1", "1", "1", "8"}},
}

// TestCallbackTranscripts plays the callback dialogues in Italian and
// English and compares them with testdata/transcripts.
func TestCallbackTranscripts(t *testing.T) {
	cat, dir := catalogueAndSample(t)
	lex := testLexicon(t)
	for _, sc := range callbackScripts {
		for _, lang := range cat.Langs() {
			t.Run(sc.name+"."+lang, func(t *testing.T) {
				r := bot.NewRenderer(cat)
				r.Missing = func(lang, id string) { t.Errorf("message %q missing in %s", id, lang) }
				now := func() time.Time { return sc.at }
				st := withOperators(t, now)
				svc := flows.NewService(st, dir, flows.Options{Langs: cat.Langs(), Now: now, Callbacks: st, Lexicon: lex})
				out := play(t, checked{t: t, svc: svc, r: r}, r, sc.lines, lang)
				// What the operators were sent, without her number.
				pending, err := st.Pending(context.Background(), 100)
				if err != nil {
					t.Fatal(err)
				}
				out.WriteString("\n--- outbox\n")
				for _, o := range pending {
					m := r.Render(o.Lang, o.Reply)
					if strings.Contains(m.Text, "+39") {
						t.Errorf("a card to chat %d carries her number:\n%s", o.Chat, m.Text)
					}
					out.WriteString(fmtChat(o.Chat) + ": " + bot.PlainText(m.Text) + "\n")
				}
				if sc.name == "cb_forget" {
					// Nothing of hers is left: no request, no session.
					if cbs, err := st.Callbacks(context.Background()); err != nil || len(cbs) != 0 {
						t.Errorf("after /forget the store keeps %d requests (%v)", len(cbs), err)
					}
				}
				if slices.Contains(goldenLangs, lang) {
					golden(t, filepath.Join("testdata", "transcripts", sc.name+"."+lang+".txt"), ticketless(out.Bytes()))
				}
			})
		}
	}
}

func fmtChat(c int64) string {
	switch c {
	case groupCremona:
		return "group Cremona"
	case groupCinisello:
		return "group Cinisello"
	case onCallCrema:
		return "operator Crema"
	}
	return "chat"
}

// ticketless hides the random ticket codes in what operators were sent,
// for stable golden files.
func ticketless(b []byte) []byte {
	head, box, found := strings.Cut(string(b), "\n--- outbox\n")
	if !found {
		return b
	}
	words := strings.Fields(box)
	for _, w := range words {
		if len(w) == 6 && strings.Trim(w, "ABCDEFGHJKMNPQRSTUVWXYZ23456789") == "" {
			box = strings.ReplaceAll(box, w, "TICKET")
		}
	}
	return []byte(head + "\n--- outbox\n" + box)
}
