package flows_test

import (
	"context"
	"path/filepath"
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
	// windows, voicemail, a message here, a neutral phrase; her language
	// is spoken there, so the summary comes at once; she changes the
	// language from it and confirms.
	{"cb_full", tuesdayMorning, []string{"5", "1", "12ab", "+44 20 7946 0958", "347 000 0000", "3", "2", "8", "2", "1", "1", "8", "2", "1"}},
	// A time already past, typed; her own words too long then right, a
	// change of number from the summary, confirm, then a second request.
	{"cb_past_own_edit", afternoon, []string{"5", "1", "0372 000000", "stamattina", "4", "7", "1", "1", "4",
		strings.Repeat("parole ", 20), "Sono Anna della palestra", "4", "02 0000 0000", "1", "5", "3"}},
	// From a centre's card, "whichever can call first", and cancelling a
	// pending request from the menu.
	{"cb_card_withdraw", tuesdayMorning, []string{"1", "Cremona", "1", "347 000 0000", "7", "8", "1", "1", "3", "1", "5", "1", "5", "4", "2"}},
	// A confirmed request, then /forget: asked first, then the chat is
	// wiped and the request withdrawn, its operators told.
	{"cb_forget", tuesdayMorning, []string{"5", "1", "347 000 0000", "7", "8", "1", "1", "1", "1", "/forget", "1", "5"}},
	// Typed answers: times read back and confirmed, the messages, yes to a
	// message here, then other times typed at the summary, and "ok".
	{"cb_typed", tuesdayMorning, []string{"5", "1", "347 000 0000", "stasera dopo le 20", "sì", "nessuno", "sì", "1",
		"domani mattina", "sì", "ok"}},
	{"cb_typed_en", tuesdayMorning, []string{"5", "1", "347 000 0000", "tomorrow after 6pm", "yes", "no", "no", "3", "ok"}},
	// What cannot be read asks again with the buttons; back; a detour to
	// the numbers keeps her answers; a centre named by its town.
	{"cb_unread_back_resume", tuesdayMorning, []string{"5", "crema", "347 000 0000", "boh", "alle 23", "dopodomani", "3",
		"/numeri", "1", "8", "5", "8", "1", "forse", "no", "1", "boh", "9", "1", "1"}},
	// Times nobody can keep: the centre is closed tonight and its network
	// has nobody on call; she is told before she confirms and picks a time
	// that works.
	{"cb_nobody", tuesdayMorning, []string{"5", "2", "347 000 0000", "5", "8", "5", "stasera", "5", "1", "8", "6"}},
	{"cb_cancel_centre", tuesdayMorning, []string{"5", "6"}},
	{"cb_cancel_phone", tuesdayMorning, []string{"5", "1", "2"}},
	{"cb_cancel_windows", tuesdayMorning, []string{"5", "1", "347 000 0000", "10"}},
	{"cb_cancel_msg", tuesdayMorning, []string{"5", "1", "347 000 0000", "7", "8", "6"}},
	{"cb_cancel_here", tuesdayMorning, []string{"5", "1", "347 000 0000", "7", "8", "1", "4"}},
	{"cb_cancel_say", tuesdayMorning, []string{"5", "1", "347 000 0000", "7", "8", "1", "1", "6"}},
	{"cb_cancel_lang", tuesdayMorning, []string{"5", "1", "347 000 0000", "7", "8", "1", "1", "1", "8", "6"}},
	{"cb_cancel_summary", tuesdayMorning, []string{"5", "1", "347 000 0000", "7", "8", "1", "1", "1", "10"}},
}

// TestCallbackTranscripts plays the callback dialogues in Italian and
// English and compares them with testdata/transcripts.
func TestCallbackTranscripts(t *testing.T) {
	cat, dir := catalogueAndSample(t)
	for _, sc := range callbackScripts {
		for _, lang := range []string{"it", "en"} {
			t.Run(sc.name+"."+lang, func(t *testing.T) {
				r := bot.NewRenderer(cat)
				r.Missing = func(lang, id string) { t.Errorf("message %q missing in %s", id, lang) }
				now := func() time.Time { return sc.at }
				st := withOperators(t, now)
				svc := flows.NewService(st, dir, flows.Options{Langs: cat.Langs(), Now: now, Callbacks: st})
				out := play(t, svc, r, sc.lines, lang)
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
				golden(t, filepath.Join("testdata", "transcripts", sc.name+"."+lang+".txt"), ticketless(out.Bytes()))
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
