package flows_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/flows"
	"frontdoor/store/memstore"
)

// opStage is what the operator transcripts play: operators pressing and
// typing in their chats, the clock moving, and every message the bot sends
// them, direct answers, pop-ups and the outbox alike.
type opStage struct {
	t      *testing.T
	svc    *flows.Service
	st     *memstore.Store
	clk    *clock
	r      *bot.CatalogRenderer
	lang   string
	out    bytes.Buffer
	ticket string
	nextID int
}

// chatName labels the chats of the transcripts.
func (s *opStage) chatName(c int64) string {
	switch c {
	case groupCremona:
		return "group Cremona"
	case groupCinisello:
		return "group Cinisello"
	case -1003:
		return "group Bresso"
	case onCallCrema:
		return "operator Crema (on call)"
	case 7001:
		return "Giulia (private)"
	case 7002:
		return "Anna (private)"
	case 8001:
		return "coordinator (private)"
	}
	return fmt.Sprintf("chat %d", c)
}

// plain is a rendered text as read, the random ticket hidden.
func (s *opStage) plain(html string) string {
	text := bot.PlainText(html)
	if s.ticket != "" {
		text = strings.ReplaceAll(text, s.ticket, "TICKET")
	}
	return text
}

// show writes a message as its chat would see it: its text, its buttons,
// and whether it rings.
func (s *opStage) show(prefix string, r flows.Reply) {
	m := s.r.Render(s.lang, r)
	text := s.plain(m.Text)
	switch {
	case strings.HasPrefix(prefix, "edit"): // an edit never rings
	case r.To == flows.ForOperators:
		prefix += " (rings)"
	default:
		prefix += " (silent)"
	}
	fmt.Fprintf(&s.out, "%s\n  %s\n", prefix, strings.ReplaceAll(text, "\n", "\n  "))
	for _, row := range m.Buttons {
		var cells []string
		for _, b := range row {
			cells = append(cells, "["+b.Label+"]")
		}
		fmt.Fprintf(&s.out, "  %s\n", strings.Join(cells, " "))
	}
}

// do runs one input of an operator and writes what she and the others see.
func (s *opStage) do(what string, in flows.Input) {
	s.t.Helper()
	if in.Group = in.Chat < 0; in.From == 0 {
		in.From = in.Chat
	}
	in.Data = strings.ReplaceAll(in.Data, "TICKET", s.ticket)
	fmt.Fprintf(&s.out, "\n> %s: %s\n", s.chatName(in.Chat), what)
	res := handle(s.t, s.svc, in)
	if res.Answer != nil {
		m := s.r.Render(s.lang, flows.Reply{Texts: []flows.Text{*res.Answer}})
		fmt.Fprintf(&s.out, "[pop-up for whoever pressed] %s\n", s.plain(m.Text))
	}
	for _, r := range res.Replies {
		s.show("to "+s.chatName(in.Chat), r)
	}
	s.deliver()
}

// tick moves the clock and runs the callback tick.
func (s *opStage) tick(at time.Time) {
	s.t.Helper()
	s.clk.Set(at)
	fmt.Fprintf(&s.out, "\n> %s\n", at.Format("Mon 02/01 15:04"))
	if err := s.svc.Tick(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	s.deliver()
}

// deliver writes and empties the outbox, as the transport would send it.
func (s *opStage) deliver() {
	s.t.Helper()
	ctx := context.Background()
	pending, err := s.st.Pending(ctx, 100)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, o := range pending {
		s.nextID++
		id := s.nextID
		switch {
		case o.Stale:
			fmt.Fprintf(&s.out, "(not sent to %s: no longer hers)\n", s.chatName(o.Chat))
		case o.Edit != 0:
			s.show(fmt.Sprintf("edit of message %d in %s", o.Edit, s.chatName(o.Chat)), o.Reply)
		default:
			s.show(fmt.Sprintf("message %d to %s", id, s.chatName(o.Chat)), o.Reply)
		}
		if o.Edit != 0 || o.Stale {
			id = 0
		}
		if _, err := s.st.Sent(ctx, o, id); err != nil {
			s.t.Fatal(err)
		}
	}
}

// newOpStage is a service on tuesdayMorning with the test's operator chats
// and Giulia (an operator who chose her name) and a coordinator on staff.
func newOpStage(t *testing.T, lang string) *opStage {
	cat, dir := catalogueAndSample(t)
	r := bot.NewRenderer(cat)
	r.Missing = func(lang, id string) { t.Errorf("message %q missing in %s", id, lang) }
	clk := &clock{t: tuesdayMorning}
	st := withOperators(t, clk.Now)
	ctx := context.Background()
	if err := st.SaveOperator(ctx, flows.Operator{Chat: groupCremona, Centre: "arca-cremona", Name: "Operatrici Cremona"}); err != nil {
		t.Fatal(err)
	}
	for user, s := range map[int64]flows.Staff{
		7001: {Pseudonym: "O-GC", Name: "Giulia C.", Grants: []flows.Grant{{Role: flows.RoleOperator, Network: "arca", Centre: "arca-cremona"}}},
		8001: {Pseudonym: "C-AA", Grants: []flows.Grant{{Role: flows.RoleCoordinator, Network: "amaranta"}}},
	} {
		if err := st.SaveStaff(ctx, user, s); err != nil {
			t.Fatal(err)
		}
	}
	svc := flows.NewService(st, dir, flows.Options{Langs: cat.Langs(), Now: clk.Now, Callbacks: st, Staff: st, Directory: st,
		Rand: rand.NewChaCha8([32]byte{}), Log: slog.New(slog.DiscardHandler)})
	svc.SetBotUsername("cav_bot")
	return &opStage{t: t, svc: svc, st: st, clk: clk, r: r, lang: lang, nextID: 100}
}

// TestOperatorTranscripts plays what operators go through with a request,
// in Italian and English. Operators read Italian; the English transcript
// renders the same messages in English for review.
func TestOperatorTranscripts(t *testing.T) {
	for _, lang := range []string{"it", "en"} {
		t.Run("op_cards."+lang, func(t *testing.T) {
			s := newOpStage(t, lang)
			cb := request(t, s.svc, s.st, "arca-cremona", "today.afternoon", "sms")
			s.ticket = cb.Ticket
			fmt.Fprintf(&s.out, "> a woman asks to be called back by ARCA Cremona this afternoon\n")
			s.deliver()
			s.clk.Set(tuesdayMorning.Add(4 * time.Minute))
			s.do("Giulia presses “take it”", flows.Input{Chat: groupCremona, From: 7001, Kind: flows.KindButton, Data: "op:take:TICKET"})
			s.do("Anna presses “take it”", flows.Input{Chat: groupCremona, From: 7002, FromName: "Anna", Kind: flows.KindButton, Data: "op:take:TICKET"})
			s.do("Giulia presses “done”", flows.Input{Chat: 7001, Kind: flows.KindButton, Data: "op:done:TICKET"})
			s.do("Giulia presses “not yet” on the question", flows.Input{Chat: 7001, Kind: flows.KindButton, Data: "op:keep:TICKET", Message: 90})
			s.do("Giulia presses “could not reach”", flows.Input{Chat: 7001, Kind: flows.KindButton, Data: "op:fail:TICKET", Message: 102})
			s.do("Anna presses “take it” on the new card", flows.Input{Chat: groupCremona, From: 7002, FromName: "Anna", Kind: flows.KindButton, Data: "op:take:TICKET"})
			s.do("Anna presses “done”", flows.Input{Chat: 7002, Kind: flows.KindButton, Data: "op:done:TICKET"})
			s.do("Anna confirms", flows.Input{Chat: 7002, Kind: flows.KindButton, Data: "op:close:TICKET", Message: 91})
			golden(t, filepath.Join("testdata", "transcripts", "op_cards."+lang+".txt"), s.out.Bytes())
		})
		t.Run("op_late."+lang, func(t *testing.T) {
			s := newOpStage(t, lang)
			cb := request(t, s.svc, s.st, "arca-cremona", "today.morning", "none")
			s.ticket = cb.Ticket
			fmt.Fprintf(&s.out, "> a woman asks to be called back by ARCA Cremona this morning\n")
			s.deliver()
			s.do("Giulia presses “take it”", flows.Input{Chat: groupCremona, From: 7001, Kind: flows.KindButton, Data: "op:take:TICKET"})
			s.tick(rome(2027, time.March, 16, 14, 59)) // her window ended at 13:00
			s.tick(rome(2027, time.March, 16, 15, 0))
			s.tick(rome(2027, time.March, 16, 15, 15))
			golden(t, filepath.Join("testdata", "transcripts", "op_late."+lang+".txt"), s.out.Bytes())
		})
		t.Run("op_group."+lang, func(t *testing.T) {
			s := newOpStage(t, lang)
			ctx := context.Background()
			code := "abcdefgh"
			err := s.st.SaveInvite(ctx, flows.Invite{Code: "link:" + code, Grant: flows.Grant{Role: flows.RoleOperator, Network: "amaranta", Centre: "amaranta-bresso"},
				By: "C-AA", ByUser: 8001, Expires: tuesdayMorning.Add(flows.InviteTTL)})
			if err != nil {
				t.Fatal(err)
			}
			s.do("someone types /start in a group the bot was added to", flows.Input{Chat: -1003, ChatTitle: "Operatrici Bresso", Kind: flows.KindCommand, Command: "start"})
			s.do("someone types /collega with a wrong code", flows.Input{Chat: -1003, ChatTitle: "Operatrici Bresso", Kind: flows.KindCommand, Command: "collega", Args: "abcdefgk"})
			s.do("the coordinator types /collega CODE", flows.Input{Chat: -1003, ChatTitle: "Operatrici Bresso", Kind: flows.KindCommand, Command: "collega", Args: strings.ToUpper(code)})
			s.do("someone types /help in the group", flows.Input{Chat: -1003, Kind: flows.KindCommand, Command: "help"})
			s.do("someone types /reperibile", flows.Input{Chat: -1003, Kind: flows.KindCommand, Command: "reperibile"})
			s.do("someone types /nonreperibile", flows.Input{Chat: -1003, Kind: flows.KindCommand, Command: "nonreperibile"})
			// Nobody on call in Amaranta: its coordinator hears of it.
			cb := request(t, s.svc, s.st, "amaranta-cinisello", "asap", "none")
			s.ticket = cb.Ticket
			fmt.Fprintf(&s.out, "\n> a woman asks to be called back by Amaranta Cinisello as soon as possible\n")
			s.deliver()
			s.tick(tuesdayMorning.Add(15 * time.Minute))
			s.tick(tuesdayMorning.Add(30 * time.Minute))
			golden(t, filepath.Join("testdata", "transcripts", "op_group."+lang+".txt"), s.out.Bytes())
		})
	}
}

// staffOpsScripts are the coordinator's screens of receiving chats and the
// name every member of staff chooses, typed in the console by an admin.
var staffOpsScripts = []struct {
	name  string
	lines []string
}{
	// Receiving chats → ARCA Cremona: on call, then off; link a group;
	// remove the group, confirm.
	{"staff_chats", []string{"/staff", "5", "1", "1", "1", "3", "1", "2", "1"}},
	// Her name: a name too long, then a good one.
	{"staff_name", []string{"/staff", "6", strings.Repeat("Giulia ", 6), "  Giulia   C. ", "/staff"}},
}

// TestStaffOpsTranscripts plays the receiving-chats and name screens in
// Italian and English.
func TestStaffOpsTranscripts(t *testing.T) {
	cat, dir := catalogueAndSample(t)
	for _, sc := range staffOpsScripts {
		for _, lang := range []string{"it", "en"} {
			t.Run(sc.name+"."+lang, func(t *testing.T) {
				r := bot.NewRenderer(cat)
				r.Missing = func(lang, id string) { t.Errorf("message %q missing in %s", id, lang) }
				now := func() time.Time { return tuesdayMorning }
				st := withOperators(t, now)
				if err := st.SaveOperator(context.Background(), flows.Operator{Chat: groupCremona, Centre: "arca-cremona", Name: "Operatrici Cremona"}); err != nil {
					t.Fatal(err)
				}
				svc := flows.NewService(st, dir, flows.Options{Langs: cat.Langs(), Now: now, Callbacks: st,
					Staff: st, Directory: st, Admins: []int64{bot.ConsoleChat}, Rand: rand.NewChaCha8([32]byte{})})
				svc.SetBotUsername("cav_bot")
				// Staff screens: their first line is checked, not two.
				out := play(t, checked{t: t, svc: svc, r: r, staff: true}, r, sc.lines, lang)
				golden(t, filepath.Join("testdata", "transcripts", sc.name+"."+lang+".txt"), out.Bytes())
			})
		}
	}
}
