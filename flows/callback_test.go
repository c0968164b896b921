package flows_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/flows"
	"frontdoor/flows/directory"
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

// btn and txt are her inputs in the dialogue tests.
func btn(data string) flows.Input { return flows.Input{Kind: flows.KindButton, Data: data} }
func txt(text string) flows.Input { return flows.Input{Kind: flows.KindText, Text: text} }

// run plays inputs in her chat and returns the last result.
func run(t *testing.T, svc *flows.Service, ins ...flows.Input) flows.Result {
	t.Helper()
	var res flows.Result
	for _, in := range ins {
		if in.Chat == 0 {
			in.Chat = her
		}
		res = handle(t, svc, in)
	}
	return res
}

// textData finds the data of the first text with id in res.
func textData(res flows.Result, id string) (map[string]any, bool) {
	for _, r := range res.Replies {
		for _, t := range r.Texts {
			if t.ID == id {
				return t.Data, true
			}
		}
	}
	return nil, false
}

// tick moves the clock and runs the escalation, returning what it queued.
func tick(t *testing.T, svc *flows.Service, st *memstore.Store, clk *clock, at time.Time) []flows.Outgoing {
	t.Helper()
	clk.Set(at)
	if err := svc.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	return drain(t, st)
}

// toHer keeps the messages queued for her chat.
func toHer(sent []flows.Outgoing) []flows.Outgoing {
	var out []flows.Outgoing
	for _, o := range sent {
		if o.Chat == her {
			out = append(out, o)
		}
	}
	return out
}

// TestCallbackFinalMessageFollowsHerConsent: when nobody reached her in her
// times she is told in this chat if she said yes to a message here, and
// only then, whatever she said about a voicemail or SMS on her phone; the
// message is hers (wiped with her chat), protected, neutral on its first
// two lines, with 1522, 112 and a way to ask again.
func TestCallbackFinalMessageFollowsHerConsent(t *testing.T) {
	cat, _ := catalogueAndSample(t)
	r := bot.NewRenderer(cat)
	for _, tc := range []struct {
		msg, here string
		want      bool
	}{
		{"none", "yes", true},
		{"both", "yes", true},
		{"none", "no", false},
		{"both", "no", false},
	} {
		t.Run(tc.msg+"/"+tc.here, func(t *testing.T) {
			clk := &clock{t: tuesdayMorning}
			svc, st := cbService(t, clk)
			run(t, svc, btn("cb:c:arca-cremona"), txt("347 000 0000"), btn("cb:w:today.morning"), btn("cb:wok"),
				btn("cb:m:"+tc.msg), btn("cb:h:"+tc.here), btn("cb:s:wrong"))
			if res := run(t, svc, btn("cb:ok")); !hasText(res, "cb.confirmed.title") || hasText(res, "cb.confirmed.tell_here") != tc.want {
				t.Fatalf("confirmation: %+v", res)
			}
			drain(t, st)
			if sent := toHer(tick(t, svc, st, clk, rome(2027, time.March, 16, 12, 59))); len(sent) != 0 {
				t.Fatalf("inside her window she got %+v", sent)
			}
			sent := toHer(tick(t, svc, st, clk, rome(2027, time.March, 16, 13, 1)))
			if !tc.want {
				if len(sent) != 0 {
					t.Fatalf("she said no to a message here and got %+v", sent)
				}
				return
			}
			if len(sent) != 1 {
				t.Fatalf("after her window she got %d messages, want 1", len(sent))
			}
			o := sent[0]
			m := r.Render(o.Lang, o.Reply)
			lines := strings.Split(bot.PlainText(m.Text), "\n")
			for _, line := range lines[:2] {
				for _, w := range alarming {
					if strings.Contains(strings.ToLower(line), w) {
						t.Errorf("line %q of the final message contains %q", line, w)
					}
				}
			}
			if !o.Hers || !o.Reply.Protect || !strings.Contains(m.Text, "1522") || !strings.Contains(m.Text, "112") || !strings.Contains(fmtButtons(flows.Result{Replies: []flows.Reply{o.Reply}}), "cb:again") {
				t.Errorf("final message: %+v\n%s", o, m.Text)
			}
			if sent := toHer(tick(t, svc, st, clk, rome(2027, time.March, 16, 18, 0))); len(sent) != 0 {
				t.Errorf("told twice: %+v", sent)
			}
		})
	}
}

// Requests stored before she was asked about a message here keep the rule
// they were made under: a message here only if she allowed a voicemail or
// an SMS, since "no message" is what she chose then.
func TestCallbackFinalMessageOfOlderRequests(t *testing.T) {
	clk := &clock{t: tuesdayMorning}
	svc, st := cbService(t, clk)
	win := flows.Window{Start: rome(2027, time.March, 16, 9, 0), End: rome(2027, time.March, 16, 13, 0), Key: "today.morning"}
	for i, cb := range []flows.Callback{
		{Ticket: "AAAAAA", Chat: her},
		{Ticket: "BBBBBB", Chat: her + 1, SMS: true},
		{Ticket: "CCCCCC", Chat: her + 2, Voicemail: true},
	} {
		cb.Centre, cb.Network, cb.Phone, cb.Windows, cb.Say, cb.Lang, cb.UILang = "arca-cremona", "arca", "+393470000000", []flows.Window{win}, "wrong", "it", "it"
		cb.Created, cb.Announced, cb.Stage = tuesdayMorning, tuesdayMorning, 2
		if err := st.Apply(context.Background(), flows.Change{Put: []flows.Callback{cb}}); err != nil {
			t.Fatal(i, err)
		}
	}
	var chats []int64
	for _, o := range tick(t, svc, st, clk, rome(2027, time.March, 16, 13, 1)) {
		if o.Hers {
			chats = append(chats, o.Chat)
		}
	}
	slices.Sort(chats)
	if want := []int64{her + 1, her + 2}; !slices.Equal(chats, want) {
		t.Errorf("final messages went to %v, want %v", chats, want)
	}
}

// While an operator holds her request nobody can say she was not reached:
// the message waits until the request is given back or not reached.
func TestCallbackFinalMessageWaitsForTheTaker(t *testing.T) {
	clk := &clock{t: tuesdayMorning}
	svc, st := cbService(t, clk)
	cb := request(t, svc, st, "arca-cremona", "today.morning", "none")
	press(t, svc, groupCremona, 77, "op:take:"+cb.Ticket)
	drain(t, st)
	if sent := toHer(tick(t, svc, st, clk, rome(2027, time.March, 16, 13, 30))); len(sent) != 0 {
		t.Fatalf("taken, she was told nobody reached her: %+v", sent)
	}
	press(t, svc, 77, 77, "op:fail:"+cb.Ticket)
	drain(t, st)
	if sent := toHer(tick(t, svc, st, clk, rome(2027, time.March, 16, 13, 31))); len(sent) != 1 {
		t.Fatalf("not reached and given back: she got %+v, want the final message", sent)
	}
}

// "Ask for a new call" from the final message: new times, the rest as it
// was; confirming replaces the request whose times passed, and its
// operators are told not to call for it.
func TestCallbackAskAgain(t *testing.T) {
	clk := &clock{t: tuesdayMorning}
	svc, st := cbService(t, clk)
	old := request(t, svc, st, "arca-cremona", "today.morning", "sms")
	drain(t, st)
	tick(t, svc, st, clk, rome(2027, time.March, 16, 13, 30))
	res := run(t, svc, btn("cb:again"))
	if !hasText(res, "cb.again.intro") || res.Event != "callback_windows" {
		t.Fatalf("ask again: %+v", res)
	}
	res = run(t, svc, txt("domani mattina"), txt("sì"))
	data, ok := textData(res, "cb.summary.messages")
	if !hasText(res, "cb.summary.title") || !ok || fmt.Sprint(data["Messages"]) != fmt.Sprint(flows.T("cb.msg.sms")) {
		t.Fatalf("after new times, want the summary with her answers: %+v", res)
	}
	if res := run(t, svc, btn("cb:ok")); !hasText(res, "cb.confirmed.title") {
		t.Fatalf("not confirmed: %+v", res)
	}
	cbs, err := st.Callbacks(context.Background())
	if err != nil || len(cbs) != 1 || cbs[0].Ticket == old.Ticket || cbs[0].Phone != old.Phone || !cbs[0].SMS || cbs[0].Here != flows.ConsentYes {
		t.Fatalf("stored: %+v, %v; want one new request with her answers", cbs, err)
	}
	if got := windowsString(cbs[0].Windows, clk.Now()); got != "tomorrow 9:00-13:00" {
		t.Errorf("new windows %s", got)
	}
	var told bool
	for _, o := range drain(t, st) {
		told = told || o.Chat == groupCremona && len(o.Reply.Texts) == 1 && o.Reply.Texts[0].ID == "op.withdrawn"
	}
	if !told {
		t.Error("the operators of the old request were not told")
	}
	// Her times not passed yet: no new request, the pending one is shown.
	if res := run(t, svc, btn("cb:again")); res.Event != "callback_pending" {
		t.Errorf("again while her times run: %+v", res)
	}
}

// What she types at each question: read when it can be, else the same
// question again with its buttons, and her answers kept.
func TestCallbackTypedAnswers(t *testing.T) {
	clk := &clock{t: tuesdayMorning}
	svc, st := cbService(t, clk)
	for _, step := range []struct {
		in    flows.Input
		event string // the screen she gets
		hint  string // a text it must carry
	}{
		{btn("cb"), "callback_centre", "cb.centre.prompt"},
		{txt("boh"), "callback_centre", "cb.hint.buttons"},
		{txt("Cremona"), "callback_phone", "cb.phone.prompt"},
		{txt("domani"), "callback_phone_bad", "cb.phone.bad"},
		{txt("347 000 0000"), "callback_windows", "cb.windows.prompt"},
		{txt("quando esce lui"), "callback_times_unread", "cb.hint.times"},
		{txt("stanotte"), "callback_times_unread", "cb.hint.hours"},
		{txt("sabato"), "callback_times_unread", "cb.hint.far"},
		{txt("tra le 15 e le 17"), "callback_times_read", "cb.times.read"},
		{txt("forse"), "callback_times_read", "cb.hint.yesno"},
		{txt("no"), "callback_windows", "cb.windows.prompt"},
		{txt("dopo le 18"), "callback_times_read", "cb.times.read"},
		{txt("Sì"), "callback_messages", "cb.msg.prompt"},
		{txt("boh"), "callback_messages", "cb.hint.buttons"},
		{txt("SMS"), "callback_here", "cb.here.prompt"},
		{txt("non so"), "callback_here", "cb.hint.yesno"},
		{txt("no"), "callback_say", "cb.say.prompt"},
		{btn("cb:s:survey"), "callback_summary", "cb.summary.title"},
		{txt("forse"), "callback_summary", "cb.hint.change"},
		{txt("alle 23"), "callback_summary", "cb.hint.hours"},
		{btn("cb:e:lang"), "callback_lang", "cb.lang.prompt"},
		{txt("klingon"), "callback_lang", "cb.hint.buttons"},
		{txt("english"), "callback_summary", "cb.summary.title"},
		{txt("no"), "callback_summary", "cb.hint.change"},
		{txt("va bene"), "callback_confirmed", "cb.confirmed.title"},
	} {
		res := run(t, svc, step.in)
		if res.Event != step.event || !hasText(res, step.hint) {
			t.Fatalf("%+v: got %s %+v, want %s with %s", step.in, res.Event, res.Replies, step.event, step.hint)
		}
		if b := fmtButtons(res); !strings.Contains(b, "sos") || !strings.Contains(b, "exit") {
			t.Errorf("%+v: no numbers or exit: %s", step.in, b)
		}
	}
	cbs, _ := st.Callbacks(context.Background())
	if len(cbs) != 1 || cbs[0].Lang != "en" || !cbs[0].SMS || cbs[0].Voicemail || cbs[0].Here != flows.ConsentNo || cbs[0].Say != "survey" {
		t.Fatalf("stored %+v", cbs)
	}
	if got := windowsString(cbs[0].Windows, tuesdayMorning); got != "today 18:00-21:00" {
		t.Errorf("windows %s, want the last she confirmed", got)
	}
}

// Every question after the first goes back to the one before; while she
// changes one answer, back is the summary. The numbers screen, and the menu's
// "call me back", lead back into the request with her answers.
func TestCallbackBackAndResume(t *testing.T) {
	clk := &clock{t: tuesdayMorning}
	svc, _ := cbService(t, clk)
	run(t, svc, btn("cb:c:arca-cremona"))
	for _, step := range []struct {
		in       flows.Input
		event    string
		back     string // data of the back button, "" for none
		previous string // the event of the screen back leads to
	}{
		{txt("347 000 0000"), "callback_windows", "cb:b:phone", "callback_phone"},
		{btn("cb:w:asap"), "callback_windows", "cb:b:phone", ""},
		{btn("cb:wok"), "callback_messages", "cb:b:win", "callback_windows"},
		{btn("cb:m:none"), "callback_here", "cb:b:msg", "callback_messages"},
		{btn("cb:h:yes"), "callback_say", "cb:b:here", "callback_here"},
		{btn("cb:s:own"), "callback_say_own", "cb:b:here", ""},
		{txt("Ciao, sono Marta"), "callback_summary", "cb:b:say", "callback_say"},
		{btn("cb:e:phone"), "callback_phone", "cb:b:summary", "callback_summary"},
	} {
		res := run(t, svc, step.in)
		if res.Event != step.event || !strings.Contains(fmtButtons(res), step.back+" ") {
			t.Fatalf("%+v: %s with %s, want %s with %s", step.in, res.Event, fmtButtons(res), step.event, step.back)
		}
		if step.previous == "" {
			continue
		}
		if back := run(t, svc, btn(step.back)); back.Event != step.previous {
			t.Fatalf("back from %s: %s, want %s", step.event, back.Event, step.previous)
		}
		run(t, svc, step.in) // forward again, as she would
	}
	// A detour to the numbers keeps her answers and leads back.
	res := run(t, svc, btn("sos"))
	if !strings.Contains(fmtButtons(res), "cb:r") {
		t.Fatalf("the numbers screen has no way back to the request: %s", fmtButtons(res))
	}
	if res := run(t, svc, btn("cb:r")); res.Event != "callback_phone" {
		t.Fatalf("resume: %s, want the question she left", res.Event)
	}
	run(t, svc, btn("cb:pok"))
	run(t, svc, btn("menu"))
	res = run(t, svc, btn("cb"))
	data, _ := textData(res, "cb.summary.say")
	if res.Event != "callback_summary" || fmt.Sprint(data["Say"]) != fmt.Sprint(flows.T("cb.say.quoted", "Words", "Ciao, sono Marta")) {
		t.Fatalf("from the menu: %s %v, want her summary with her words", res.Event, data)
	}
}

// The language question is asked only when the centre does not speak hers;
// she can change it in the summary.
func TestCallbackLanguageAskedOnlyWhenNeeded(t *testing.T) {
	for _, tc := range []struct {
		lang, centre string
		asked        bool
	}{
		{"it", "arca-cremona", false},
		{"en", "arca-cremona", false},
		{"es", "arca-cremona", true},
		{"es", "arca-crema", false},
		{"fr", "arca-crema", true},
	} {
		clk := &clock{t: tuesdayMorning}
		st := withOperators(t, clk.Now)
		svc := flows.NewService(st, sampleDir(t), flows.Options{Langs: []string{"it", "en", "es", "fr"}, Now: clk.Now, Callbacks: st})
		res := run(t, svc, flows.Input{Lang: tc.lang, Kind: flows.KindButton, Data: "cb:c:" + tc.centre}, txt("347 000 0000"),
			btn("cb:w:asap"), btn("cb:wok"), btn("cb:m:none"), btn("cb:h:no"), btn("cb:s:wrong"))
		if asked := res.Event == "callback_lang"; asked != tc.asked {
			t.Errorf("%s at %s: %s, asked %v, want %v", tc.lang, tc.centre, res.Event, asked, tc.asked)
		}
		if tc.asked {
			continue
		}
		if data, _ := textData(res, "cb.summary.lang"); data["Lang"] != directory.LanguageName(tc.lang) || !strings.Contains(fmtButtons(res), "cb:e:lang") {
			t.Errorf("%s at %s: summary %v, want her language and a way to change it", tc.lang, tc.centre, data)
		}
	}
}

// Times nobody can keep are said before she confirms, with the times that
// work and "whichever can call first" when the network can keep hers.
func TestCallbackTimesNobodyCanKeep(t *testing.T) {
	clk := &clock{t: tuesdayMorning} // Crema opens at 14:00 on Tuesdays
	st := memstore.NewWithClock(clk.Now)
	for _, op := range []flows.Operator{{Chat: groupCremona, Centre: "arca-cremona"}, {Chat: -1003, Centre: "arca-crema"}} {
		if err := st.SaveOperator(context.Background(), op); err != nil {
			t.Fatal(err)
		}
	}
	svc := flows.NewService(st, sampleDir(t), flows.Options{Langs: []string{"it"}, Now: clk.Now, Callbacks: st})
	res := run(t, svc, btn("cb:c:arca-crema"), txt("347 000 0000"), btn("cb:w:today.morning"), btn("cb:wok"))
	if res.Event != "callback_windows_nobody" || !hasText(res, "cb.windows.nobody") || !hasText(res, "cb.windows.works") || !strings.Contains(fmtButtons(res), "cb:n:arca ") {
		t.Fatalf("this morning at Crema: %s %s", res.Event, fmtButtons(res))
	}
	// Whichever centre of the network can: Cremona is open this morning.
	if res := run(t, svc, btn("cb:n:arca")); res.Event != "callback_messages" {
		t.Fatalf("whichever can call first: %s", res.Event)
	}
	// Typed, tonight: nobody in the network, and no one on call.
	res = run(t, svc, btn("cb:b:win"), btn("cb:w:today.morning"), txt("stasera"))
	if res.Event != "callback_windows_nobody" || strings.Contains(fmtButtons(res), "cb:n:") {
		t.Fatalf("tonight: %s %s", res.Event, fmtButtons(res))
	}
	// Someone goes on call: tonight can be kept; she confirms after the
	// operator went off call again, and is told before anything is stored.
	if err := st.SaveOperator(context.Background(), flows.Operator{Chat: -1003, Centre: "arca-crema", OnCall: true}); err != nil {
		t.Fatal(err)
	}
	res = run(t, svc, btn("cb:wok"), btn("cb:m:none"), btn("cb:h:yes"), btn("cb:s:wrong"))
	if res.Event != "callback_summary" {
		t.Fatalf("with someone on call: %s", res.Event)
	}
	if err := st.SaveOperator(context.Background(), flows.Operator{Chat: -1003, Centre: "arca-crema"}); err != nil {
		t.Fatal(err)
	}
	if res := run(t, svc, btn("cb:ok")); res.Event != "callback_windows_nobody" {
		t.Fatalf("confirmed with nobody to call: %s", res.Event)
	}
	if cbs, _ := st.Callbacks(context.Background()); len(cbs) != 0 {
		t.Errorf("stored a request nobody can keep: %+v", cbs)
	}
}

// FuzzCallbackTyped: whatever she types at any question of the request,
// she stays in the request (its cancel button is there, never the bare
// menu) with the numbers and the exit one tap away, until she confirms.
func FuzzCallbackTyped(f *testing.F) {
	for _, s := range []string{"stasera dopo le 20", "sì", "no", "ok", "nessuno", "English", "boh", "Crema", "347 000 0000",
		"dopodomani", "alle 23", "\x00", "", "tra tra 3 e", strings.Repeat("a", 100)} {
		f.Add(s)
	}
	svc, _ := cbService(f, &clock{t: tuesdayMorning})
	chat := int64(1 << 40)
	f.Fuzz(func(t *testing.T, s string) {
		chat++
		steps := []flows.Input{btn("cb"), txt(s), btn("cb:c:arca-cremona"), txt(s), txt("347 000 0000"), txt(s), btn("cb:w:asap"),
			btn("cb:wok"), txt(s), btn("cb:m:none"), txt(s), btn("cb:h:yes"), btn("cb:s:own"), txt(s), btn("cb:s:wrong"), txt(s), btn("cb:e:lang"), txt(s)}
		for _, in := range steps {
			in.Chat = chat
			res, err := svc.Handle(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if res.Event == "callback_confirmed" {
				return
			}
			if b := fmtButtons(res); res.Event == "unknown" || !strings.Contains(b, "cb:x") || !strings.Contains(b, "sos") || !strings.Contains(b, "exit") {
				t.Fatalf("%q after %+v: %s %s", s, in, res.Event, b)
			}
		}
	})
}

// A request she was writing when the bot was updated (its times stored as
// keys, without the question about a message here) goes on with her
// answers: her times ticked, the new question asked.
func TestCallbackDraftOfTheOldForm(t *testing.T) {
	clk := &clock{t: tuesdayMorning}
	svc, st := cbService(t, clk)
	old := flows.Session{State: "cb_msg", Lang: "it", Seen: tuesdayMorning, Data: map[string]string{
		"cb.centre": "arca-cremona", "cb.phone": "+393470000000", "cb.win": "today.afternoon", "cb.msg": "none"}}
	if err := st.SaveSession(context.Background(), her, old, tuesdayMorning.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	res := run(t, svc, btn("cb:b:win"))
	ticked := 0
	for _, r := range res.Replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				if b.Label.ID == "cb.win.chosen" {
					ticked++
					if w := b.Label.Data["Label"].(flows.Text); w.Data["Hours"] != "13–18" {
						t.Errorf("ticked %+v, want this afternoon", w)
					}
				}
			}
		}
	}
	if res.Event != "callback_windows" || ticked != 1 {
		t.Fatalf("%s with %d ticked, want her afternoon ticked", res.Event, ticked)
	}
	if res := run(t, svc, btn("cb:wok"), btn("cb:m:none")); res.Event != "callback_here" {
		t.Fatalf("after her answers: %s, want the question about a message here", res.Event)
	}
}
