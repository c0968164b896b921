package flows_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdoor/flows"
	"frontdoor/store/memstore"
)

// her is the chat of the woman in these tests.
const her int64 = 4242

// clock is a settable clock for the escalation tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// cbService is a service with operators on a memory store, on clk.
func cbService(t testing.TB, clk *clock) (*flows.Service, *memstore.Store) {
	t.Helper()
	dir := sampleDir(t)
	st := withOperators(t, clk.Now)
	return flows.NewService(st, dir, flows.Options{Langs: []string{"it", "en"}, Now: clk.Now, Callbacks: st, Log: slog.New(slog.DiscardHandler)}), st
}

// request fills in and confirms a request to centre with the given window
// and messages choice, and returns its ticket.
func request(t testing.TB, svc *flows.Service, st *memstore.Store, centre, window, msg string) flows.Callback {
	t.Helper()
	steps := []flows.Input{
		{Kind: flows.KindButton, Data: "cb:c:" + centre},
		{Kind: flows.KindContact, Phone: "+39 347 000 0000"},
		{Kind: flows.KindButton, Data: "cb:w:" + window},
		{Kind: flows.KindButton, Data: "cb:wok"},
		{Kind: flows.KindButton, Data: "cb:m:" + msg},
		{Kind: flows.KindButton, Data: "cb:h:yes"},
		{Kind: flows.KindButton, Data: "cb:s:wrong"},
		{Kind: flows.KindButton, Data: "cb:l:it"},
		{Kind: flows.KindButton, Data: "cb:ok"},
	}
	var res flows.Result
	for _, in := range steps {
		in.Chat = her
		res = handle(t, svc, in)
	}
	if !hasText(res, "cb.confirmed.title") {
		t.Fatalf("request not confirmed: %+v", res)
	}
	cbs, err := st.Callbacks(context.Background())
	if err != nil || len(cbs) != 1 {
		t.Fatalf("stored callbacks = %+v, %v; want one", cbs, err)
	}
	return cbs[0]
}

// drain empties the outbox and returns what was in it.
func drain(t testing.TB, st *memstore.Store) []flows.Outgoing {
	t.Helper()
	ctx := context.Background()
	out, err := st.Pending(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range out {
		if _, err := st.Sent(ctx, o, 1000+i); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// carriesNumber tells whether a message shows her number.
func carriesNumber(o flows.Outgoing) bool {
	for _, t := range o.Reply.Texts {
		if p, _ := t.Data["Phone"].(string); p != "" {
			return true
		}
	}
	return false
}

func press(t testing.TB, svc *flows.Service, chat, from int64, data string) flows.Result {
	t.Helper()
	return handle(t, svc, flows.Input{Chat: chat, From: from, Group: chat < 0, Kind: flows.KindButton, Data: data})
}

// pressMessage is press on the message msg of the chat.
func pressMessage(t testing.TB, svc *flows.Service, chat, from int64, msg int, data string) flows.Result {
	t.Helper()
	return handle(t, svc, flows.Input{Chat: chat, From: from, Group: chat < 0, Kind: flows.KindButton, Data: data, Message: msg})
}

// buttonsOf lists the data of a reply's buttons.
func buttonsOf(r flows.Reply) []string {
	var out []string
	for _, row := range r.Buttons {
		for _, b := range row {
			out = append(out, b.Data)
		}
	}
	return out
}

// quiet fails when a press in a group was answered with a message to the
// whole group instead of a pop-up to whoever pressed.
func quiet(t testing.TB, res flows.Result) {
	t.Helper()
	if len(res.Replies) != 0 || res.Answer == nil {
		t.Errorf("a press in a group was answered %+v, want only a pop-up", res)
	}
}

func TestOperatorTakeAndDone(t *testing.T) {
	clk := &clock{t: tuesdayMorning}
	svc, st := cbService(t, clk)
	cb := request(t, svc, st, "arca-cremona", "asap", "none")
	cards := drain(t, st)
	if len(cards) != 1 || cards[0].Chat != groupCremona || carriesNumber(cards[0]) || cards[0].Reply.To != flows.ForOperators {
		t.Fatalf("cards = %+v, want one audible card to the Cremona group, without the number", cards)
	}
	if got := buttonsOf(cards[0].Reply); !slices.Equal(got, []string{"op:take:" + cb.Ticket}) {
		t.Errorf("a new card offers %v, want only “take it”", got)
	}
	if cb.Phone != "+393470000000" {
		t.Errorf("phone = %q, want E.164", cb.Phone)
	}
	take := "op:take:" + cb.Ticket
	res := press(t, svc, groupCremona, 7001, "op:done:"+cb.Ticket)
	if !hasText(res, "op.take_first") {
		t.Errorf("done before take: %+v", res)
	}
	quiet(t, res)
	clk.Set(tuesdayMorning.Add(5 * time.Minute))
	res = handle(t, svc, flows.Input{Chat: groupCremona, From: 7001, FromName: "Giulia", Group: true, Kind: flows.KindButton, Data: take})
	if !hasText(res, "op.take.done") {
		t.Fatalf("take: %+v", res)
	}
	quiet(t, res)
	sent := drain(t, st)
	if len(sent) != 2 || sent[0].Chat != 7001 || !carriesNumber(sent[0]) || !sent[0].Number || sent[0].Card != cb.Ticket || carriesNumber(sent[1]) {
		t.Fatalf("after take, sent %+v; want the number to the operator's private chat only, remembered", sent)
	}
	if got := buttonsOf(sent[0].Reply); !slices.Equal(got, []string{"op:done:" + cb.Ticket, "op:fail:" + cb.Ticket, "op:back:" + cb.Ticket}) {
		t.Errorf("the number offers %v, want done, could not reach, give back", got)
	}
	e := sent[1]
	if e.Chat != groupCremona || e.Edit != 1000 || e.Reply.Texts[0].ID != "op.card.taken_by" || e.Reply.Texts[0].Data["Who"] != "Giulia" ||
		e.Reply.Texts[0].Data["At"] != "16/03 10:35" || len(e.Reply.Buttons) != 0 {
		t.Errorf("the group's card does not say who took it and when: %+v", e)
	}
	if !slices.ContainsFunc(e.Reply.Texts, func(x flows.Text) bool { return x.ID == "op.card.arrived" && x.Data["At"] == "16/03 10:30" }) {
		t.Errorf("the group's card does not say when the request arrived: %+v", e.Reply.Texts)
	}
	if res := press(t, svc, groupCremona, 7002, take); !hasText(res, "op.take.other") {
		t.Errorf("second operator's take: %+v", res)
	}
	if res := press(t, svc, groupCremona, 7002, "op:done:"+cb.Ticket); !hasText(res, "op.take.other") {
		t.Errorf("another operator closed it: %+v", res)
	}
	if res := press(t, svc, groupCremona, 7001, take); !hasText(res, "op.take.yours") {
		t.Errorf("take again by the same operator: %+v", res)
	}
	if sent := drain(t, st); len(sent) != 1 || sent[0].Chat != 7001 || !sent[0].Number {
		t.Errorf("take again sent %+v, want the number again to her only", sent)
	}
	if res := press(t, svc, 7002, 7002, "op:done:"+cb.Ticket); !hasText(res, "op.gone") {
		t.Errorf("another private chat got %+v", res)
	}
	// "Done" asks first, in her private chat.
	res = press(t, svc, 7001, 7001, "op:done:"+cb.Ticket)
	if !hasText(res, "op.close.ask") || len(res.Replies) != 1 || !slices.Equal(buttonsOf(res.Replies[0]), []string{"op:close:" + cb.Ticket, "op:keep:" + cb.Ticket}) {
		t.Fatalf("done: %+v, want a confirmation", res)
	}
	if got, _, _ := st.Callback(context.Background(), cb.Ticket); got.TakenBy != 7001 {
		t.Fatalf("done without confirmation changed the request: %+v", got)
	}
	if res := pressMessage(t, svc, 7001, 7001, 77, "op:keep:"+cb.Ticket); !hasText(res, "op.close.kept") {
		t.Errorf("not yet: %+v", res)
	}
	if sent := drain(t, st); len(sent) != 1 || sent[0].Edit != 77 || sent[0].Reply.Texts[0].ID != "op.close.kept" {
		t.Errorf("not yet sent %+v, want the confirmation replaced", sent)
	}
	// Done pressed on the group's old card: the confirmation goes to her
	// private chat, a pop-up says so.
	res = press(t, svc, groupCremona, 7001, "op:done:"+cb.Ticket)
	quiet(t, res)
	if sent := drain(t, st); len(sent) != 1 || sent[0].Chat != 7001 || sent[0].Reply.Texts[0].ID != "op.close.ask" {
		t.Errorf("done in the group sent %+v, want the confirmation in her private chat", sent)
	}
	if res := pressMessage(t, svc, 7001, 7001, 78, "op:close:"+cb.Ticket); !hasText(res, "op.done") {
		t.Fatalf("close: %+v", res)
	}
	// The group's card and both messages with her number lose her details
	// and their buttons; so does the confirmation.
	sent = drain(t, st)
	edited := map[[2]int64]bool{}
	for _, o := range sent {
		if o.Edit == 0 || carriesNumber(o) || len(o.Reply.Texts) != 1 || len(o.Reply.Buttons) != 0 {
			t.Errorf("after done, sent %+v; want only emptied messages", o)
		}
		edited[[2]int64{o.Chat, int64(o.Edit)}] = true
	}
	for _, m := range [][2]int64{{groupCremona, 1000}, {7001, 1000}, {7001, 78}} {
		if !edited[m] {
			t.Errorf("message %d of chat %d was not emptied: %+v", m[1], m[0], sent)
		}
	}
	if n := len(slices.DeleteFunc(slices.Clone(sent), func(o flows.Outgoing) bool { return o.Chat != 7001 })); n != 3 {
		t.Errorf("%d messages emptied in her private chat, want both numbers and the confirmation: %+v", n, sent)
	}
	if cbs, _ := st.Callbacks(context.Background()); len(cbs) != 0 {
		t.Errorf("after done, callbacks = %+v", cbs)
	}
	if res := press(t, svc, 7001, 7001, "op:close:"+cb.Ticket); !hasText(res, "op.gone") {
		t.Errorf("done twice: %+v", res)
	}
	// She can ask again.
	if res := handle(t, svc, flows.Input{Chat: her, Kind: flows.KindButton, Data: "cb"}); !hasText(res, "cb.centre.prompt") {
		t.Errorf("new request after done: %+v", res)
	}
}

func TestOperatorFailAndGiveBack(t *testing.T) {
	svc, st := cbService(t, &clock{t: tuesdayMorning})
	cb := request(t, svc, st, "arca-cremona", "asap", "none")
	drain(t, st)
	press(t, svc, groupCremona, 7001, "op:take:"+cb.Ticket)
	drain(t, st)
	res := press(t, svc, 7001, 7001, "op:fail:"+cb.Ticket)
	if !hasText(res, "op.fail") {
		t.Fatalf("fail: %+v", res)
	}
	got, _, _ := st.Callback(context.Background(), cb.Ticket)
	if got.TakenBy != 0 || got.Attempts != 1 {
		t.Errorf("after could-not-reach: %+v", got)
	}
	sent := drain(t, st)
	var card, number, old bool
	for _, o := range sent {
		switch {
		case carriesNumber(o):
			t.Errorf("after could-not-reach, the number was sent again: %+v", o)
		case o.Edit == 0 && o.Chat == groupCremona && o.Reply.Texts[0].ID == "op.card.retry":
			card = true
		case o.Edit != 0 && o.Chat == 7001 && o.Reply.Texts[0].ID == "op.number.passed":
			number = true
		case o.Edit != 0 && o.Chat == groupCremona && o.Reply.Texts[0].ID == "op.card.passed":
			old = true
		}
	}
	if !card || !number || !old {
		t.Errorf("after could-not-reach, sent %+v; want a new card, her number emptied and the old card shrunk", sent)
	}
	press(t, svc, groupCremona, 7002, "op:take:"+cb.Ticket)
	if res := press(t, svc, groupCremona, 7002, "op:back:"+cb.Ticket); !hasText(res, "op.back") {
		t.Fatalf("give back: %+v", res)
	}
	if got, _, _ := st.Callback(context.Background(), cb.Ticket); got.TakenBy != 0 {
		t.Errorf("after give back: %+v", got)
	}
	// The one who gave it back cannot act on it from her private chat.
	if res := press(t, svc, 7002, 7002, "op:take:"+cb.Ticket); !hasText(res, "op.gone") {
		t.Errorf("take from the private chat after giving back: %+v", res)
	}
}

func TestOperatorConcurrentTake(t *testing.T) {
	svc, st := cbService(t, &clock{t: tuesdayMorning})
	cb := request(t, svc, st, "arca-cremona", "asap", "none")
	drain(t, st)
	const n = 8
	results := make([]flows.Result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { results[i] = press(t, svc, groupCremona, int64(7000+i), "op:take:"+cb.Ticket) })
	}
	wg.Wait()
	won := 0
	for _, r := range results {
		switch {
		case hasText(r, "op.take.done"):
			won++
		case !hasText(r, "op.take.other"):
			t.Errorf("a take was answered %+v", r)
		}
	}
	if won != 1 {
		t.Fatalf("%d operators took the request, want exactly 1", won)
	}
	sent := drain(t, st)
	numbers := 0
	for _, o := range sent {
		if carriesNumber(o) {
			numbers++
		}
	}
	if numbers != 1 {
		t.Errorf("the number was sent %d times, want once", numbers)
	}
}

func TestOperatorSeesOnlyHerCentre(t *testing.T) {
	svc, st := cbService(t, &clock{t: tuesdayMorning})
	cb := request(t, svc, st, "arca-cremona", "asap", "none")
	for _, chat := range []int64{groupCinisello, onCallCrema} {
		if res := press(t, svc, chat, chat, "op:take:"+cb.Ticket); !hasText(res, "op.gone") {
			t.Errorf("chat %d took another centre's request: %+v", chat, res)
		}
	}
	// A group that is not registered gets no answer at all.
	if res := press(t, svc, -999, 5, "op:take:"+cb.Ticket); len(res.Replies) != 0 {
		t.Errorf("unregistered group answered: %+v", res)
	}
	if res := handle(t, svc, flows.Input{Chat: -999, From: 5, Group: true, Kind: flows.KindCommand, Command: "start"}); len(res.Replies) != 0 {
		t.Errorf("unregistered group answered /start: %+v", res)
	}
	for _, data := range []string{"op:take:", "op:take:abc", "op:steal:" + cb.Ticket, "op:take:" + cb.Ticket + "x"} {
		if res := press(t, svc, groupCremona, 1, data); !hasText(res, "op.unknown") {
			t.Errorf("button %q answered %+v", data, res)
		}
	}
}

func TestOperatorOnCall(t *testing.T) {
	svc, st := cbService(t, &clock{t: tuesdayMorning})
	res := handle(t, svc, flows.Input{Chat: groupCinisello, From: 9, Group: true, Kind: flows.KindCommand, Command: "reperibile"})
	if !hasText(res, "op.oncall.on") {
		t.Fatalf("on call: %+v", res)
	}
	onCall := func() bool {
		ops, _ := st.Operators(context.Background())
		return slices.ContainsFunc(ops, func(op flows.Operator) bool { return op.Chat == groupCinisello && op.OnCall })
	}
	if !onCall() {
		t.Errorf("not on call")
	}
	// Any other command typed in the group is for people, not for the bot.
	for _, cmd := range []string{"start", "help", "menu", "oncal", "stop", "staff"} {
		if res := handle(t, svc, flows.Input{Chat: groupCinisello, From: 9, Group: true, Kind: flows.KindCommand, Command: cmd}); len(res.Replies) != 0 || res.Answer != nil {
			t.Errorf("/%s in the group was answered %+v", cmd, res)
		}
	}
	if !onCall() {
		t.Errorf("another command took the group off call")
	}
	res = handle(t, svc, flows.Input{Chat: groupCinisello, Group: true, Kind: flows.KindCommand, Command: "offcall"})
	if !hasText(res, "op.oncall.off") {
		t.Fatalf("off call: %+v", res)
	}
	// A woman typing /oncall is not an operator: the dialogue answers.
	if res := handle(t, svc, flows.Input{Chat: her, Kind: flows.KindCommand, Command: "oncall"}); hasText(res, "op.oncall.on") {
		t.Errorf("a non-operator went on call: %+v", res)
	}
}

func TestCallbackEscalation(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: tuesdayMorning} // 10:30, Cremona open until 13:00
	svc, st := cbService(t, clk)
	cb := request(t, svc, st, "arca-cremona", "today.morning", "sms")
	drain(t, st)
	tick := func(at time.Time) []flows.Outgoing {
		t.Helper()
		clk.Set(at)
		if err := svc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		return drain(t, st)
	}
	if sent := tick(tuesdayMorning.Add(14 * time.Minute)); len(sent) != 0 {
		t.Errorf("before the escalation time: %+v", sent)
	}
	sent := tick(tuesdayMorning.Add(15 * time.Minute))
	if len(sent) != 1 || sent[0].Chat != groupCremona || sent[0].Reply.Texts[0].ID != "op.card.again" {
		t.Fatalf("reminder: %+v", sent)
	}
	sent = tick(tuesdayMorning.Add(30 * time.Minute))
	if len(sent) != 2 || sent[0].Reply.Texts[0].ID != "op.card.oncall" {
		t.Fatalf("on-call hand-off: %+v", sent)
	}
	if sent[0].Chat != groupCremona || sent[1].Chat != onCallCrema {
		t.Errorf("on-call hand-off went to %d and %d", sent[0].Chat, sent[1].Chat)
	}
	// The on-call operator of another centre may now take it.
	if res := press(t, svc, onCallCrema, onCallCrema, "op:take:"+cb.Ticket); !hasText(res, "op.take.done") {
		t.Errorf("on-call take: %+v", res)
	}
	press(t, svc, onCallCrema, onCallCrema, "op:fail:"+cb.Ticket)
	drain(t, st)
	if sent := tick(rome(2027, time.March, 16, 12, 59)); len(sent) != 0 {
		t.Errorf("inside her window: %+v", sent)
	}
	sent = tick(rome(2027, time.March, 16, 13, 1))
	if len(sent) != 1 || sent[0].Chat != her || sent[0].Reply.Texts[0].ID != "cb.final.title" {
		t.Fatalf("final message: %+v", sent)
	}
	if sent := tick(rome(2027, time.March, 16, 18, 0)); len(sent) != 0 {
		t.Errorf("final message sent twice: %+v", sent)
	}
	sent = tick(tuesdayMorning.Add(flows.DefaultCallbackRetention))
	if len(sent) == 0 || slices.ContainsFunc(sent, func(o flows.Outgoing) bool { return o.Edit == 0 || len(o.Reply.Texts) != 1 }) {
		t.Errorf("the purge did not empty the cards: %+v", sent)
	}
	if cbs, _ := st.Callbacks(ctx); len(cbs) != 0 {
		t.Errorf("after the retention: %+v", cbs)
	}
}

func TestCallbackClosedCentreGoesOnCall(t *testing.T) {
	clk := &clock{t: sundayNight} // everything closed: straight to on-call
	svc, st := cbService(t, clk)
	request(t, svc, st, "arca-cremona", "asap", "none")
	drain(t, st)
	clk.Set(sundayNight.Add(15 * time.Minute))
	if err := svc.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if sent := drain(t, st); len(sent) != 2 || sent[1].Chat != onCallCrema {
		t.Errorf("closed centre: sent %+v, want the centre and the on-call operator at once", sent)
	}
}

func TestCallbackContactAndUnavailable(t *testing.T) {
	// No operators: nothing offers a callback, and a stale button is
	// answered honestly.
	svc := newService(t, memstore.New(), tuesdayMorning)
	if res := handle(t, svc, flows.Input{Kind: flows.KindButton, Data: "menu"}); strings.Contains(fmtButtons(res), "cb") {
		t.Errorf("menu offers callbacks without operators: %s", fmtButtons(res))
	}
	if res := handle(t, svc, flows.Input{Kind: flows.KindButton, Data: "cb:c:arca-cremona"}); !hasText(res, "cb.unavailable") {
		t.Errorf("callback without operators: %+v", res)
	}
	// A centre without operators is not offered either.
	clk := &clock{t: tuesdayMorning}
	svc2, _ := cbService(t, clk)
	if res := handle(t, svc2, flows.Input{Chat: her, Kind: flows.KindButton, Data: "c:arca-casalmaggiore"}); strings.Contains(fmtButtons(res), "cb:") {
		t.Errorf("card of a centre without operators offers a callback: %s", fmtButtons(res))
	}
	if res := handle(t, svc2, flows.Input{Chat: her, Kind: flows.KindButton, Data: "cb:c:arca-casalmaggiore"}); !hasText(res, "cb.unavailable") {
		t.Errorf("callback to a centre without operators: %+v", res)
	}
	// A shared contact (in international form: the Telegram adapter adds
	// the plus Telegram leaves out); a foreign one is refused as foreign.
	handle(t, svc2, flows.Input{Chat: her, Kind: flows.KindButton, Data: "cb:c:arca-cremona"})
	if res := handle(t, svc2, flows.Input{Chat: her, Kind: flows.KindContact, Phone: "+447911123456"}); !hasText(res, "cb.phone.foreign") {
		t.Errorf("foreign contact: %+v", res)
	}
	if res := handle(t, svc2, flows.Input{Chat: her, Kind: flows.KindContact, Phone: "+393470000000"}); !hasText(res, "cb.windows.prompt") {
		t.Errorf("Italian contact: %+v", res)
	}
	handle(t, svc2, flows.Input{Chat: her, Kind: flows.KindButton, Data: "menu"})
	// A shared contact outside the number question is not taken as one.
	if res := handle(t, svc2, flows.Input{Chat: her, Kind: flows.KindContact, Phone: "+393470000000"}); !hasText(res, "auto.notice") {
		t.Errorf("stray contact: %+v", res)
	}
}

func fmtButtons(res flows.Result) string {
	var b strings.Builder
	for _, r := range res.Replies {
		for _, row := range r.Buttons {
			for _, btn := range row {
				b.WriteString(btn.Data + " ")
			}
		}
	}
	return b.String()
}

// failingApply is a store whose callback writes fail.
type failingApply struct{ *memstore.Store }

func (failingApply) Apply(context.Context, flows.Change) error { return errors.New("disk full") }

func TestCallbackNotConfirmedUnlessStored(t *testing.T) {
	clk := &clock{t: tuesdayMorning}
	dir := sampleDir(t)
	st := withOperators(t, clk.Now)
	svc := flows.NewService(st, dir, flows.Options{Langs: []string{"it"}, Now: clk.Now, Callbacks: failingApply{st}})
	var res flows.Result
	for _, data := range []string{"cb:c:arca-cremona", "", "cb:w:asap", "cb:wok", "cb:m:none", "cb:h:yes", "cb:s:hangup", "cb:l:it", "cb:ok"} {
		in := flows.Input{Chat: her, Kind: flows.KindButton, Data: data}
		if data == "" {
			in = flows.Input{Chat: her, Kind: flows.KindText, Text: "347 000 0000"}
		}
		res = handle(t, svc, in)
	}
	if hasText(res, "cb.confirmed.title") || !hasText(res, "error.store") {
		t.Fatalf("with a failing store she was told %+v", res)
	}
	if pending, _ := st.Pending(context.Background(), 10); len(pending) != 0 {
		t.Errorf("cards queued although nothing was stored: %+v", pending)
	}
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"347 000 0000", "+39 02 0000 0000", "0039 0372 000000", "+44 20 7946 0958", "12ab", "", "++39", "800 000 000", "+39 347 000 0000 ext. 5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e164, err := flows.ParsePhone(s)
		if err != nil {
			return
		}
		if !strings.HasPrefix(e164, "+39") {
			t.Fatalf("ParsePhone(%q) = %q, not Italian", s, e164)
		}
		if again, err := flows.ParsePhone(e164); err != nil || again != e164 {
			t.Fatalf("ParsePhone(%q) = %q, but parsing that gives %q, %v", s, e164, again, err)
		}
	})
}

func FuzzOperatorButton(f *testing.F) {
	for _, s := range []string{"op:take:ABCDEF", "op:done:ABC234", "op:fail:", "op:back:abcdef", "op:", "op:take:ABCDEF:x", "c:arca-cremona"} {
		f.Add(s)
	}
	svc, st := cbService(f, &clock{t: tuesdayMorning})
	f.Fuzz(func(t *testing.T, data string) {
		verb, ticket, ok := flows.ParseOperatorButton(data)
		if ok && data != "op:"+verb+":"+ticket {
			t.Fatalf("ParseOperatorButton(%q) = %q, %q", data, verb, ticket)
		}
		res, err := svc.Handle(context.Background(), flows.Input{Chat: groupCremona, From: 1, Group: true, Kind: flows.KindButton, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(data, "op:") && (len(res.Replies) != 0 || res.Answer == nil) {
			t.Fatalf("button %q in a group answered %+v, want a pop-up only", data, res)
		}
		if cbs, _ := st.Callbacks(context.Background()); len(cbs) != 0 {
			t.Fatalf("a button created a callback: %+v", cbs)
		}
	})
}

// FuzzCallbackDialogue sends forged button data and text at every question
// of the request: never an error, always a reply with the numbers and an
// exit, and never a request stored from an incomplete one.
func FuzzCallbackDialogue(f *testing.F) {
	for _, s := range []struct{ data, text string }{
		{"cb:w:today.morning", "347 000 0000"}, {"cb:ok", ""}, {"cb:e:nowhere", "x"}, {"cb:l:xx", "+1"},
		{"cb:c:", "0039"}, {"cb:n:arca", "\x00"}, {"cb:m:both", "123456789012345678901234567890123"}, {"cb:s:own", "ciao"},
	} {
		f.Add(s.data, s.text)
	}
	svc, st := cbService(f, &clock{t: tuesdayMorning})
	f.Fuzz(func(t *testing.T, data, text string) {
		chat := int64(len(data)*1000+len(text)) + 1
		for _, in := range []flows.Input{
			{Kind: flows.KindButton, Data: "cb:c:arca-cremona"},
			{Kind: flows.KindButton, Data: data},
			{Kind: flows.KindText, Text: text},
			{Kind: flows.KindContact, Phone: text},
			{Kind: flows.KindButton, Data: data},
		} {
			in.Chat = chat
			res, err := svc.Handle(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if b := fmtButtons(res); len(res.Replies) == 0 || !strings.Contains(b, "sos") || (!strings.Contains(b, "exit") && !strings.Contains(b, "cb:x")) {
				t.Fatalf("%+v answered %+v", in, res)
			}
		}
		if cbs, _ := st.Callbacks(context.Background()); len(cbs) != 0 {
			t.Fatalf("an incomplete request was stored: %+v", cbs)
		}
	})
}

// A request for tomorrow morning made at night waits for the morning: it
// is not pushed to the night's on-call operator, but escalates from the
// start of her window.
func TestTomorrowMorningNotPushedToTheNight(t *testing.T) {
	clk := &clock{t: sundayNight}
	svc, st := cbService(t, clk)
	request(t, svc, st, "arca-cremona", "tomorrow.morning", "none")
	drain(t, st)
	for _, at := range []time.Time{sundayNight.Add(15 * time.Minute), sundayNight.Add(3 * time.Hour), rome(2027, time.March, 15, 9, 10)} {
		clk.Set(at)
		if err := svc.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		if sent := drain(t, st); len(sent) != 0 {
			t.Fatalf("at %v, before her window and its escalation time: sent %+v", at, sent)
		}
	}
	clk.Set(rome(2027, time.March, 15, 9, 15)) // Cremona is open: announced again
	if err := svc.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if sent := drain(t, st); len(sent) != 1 || sent[0].Chat != groupCremona || sent[0].Reply.Texts[0].ID != "op.card.again" {
		t.Errorf("at 9:15: sent %+v, want the card again to the centre", sent)
	}
	clk.Set(rome(2027, time.March, 15, 9, 30))
	if err := svc.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if sent := drain(t, st); len(sent) != 2 || sent[1].Chat != onCallCrema {
		t.Errorf("at 9:30: sent %+v, want the on-call operators", sent)
	}
}

// A network with nobody on call still re-announces to the centre; its
// coordinators (the admins, when it has none) hear of it, and the log says
// so once (a metric counts the log's events), with no personal data.
func TestCallbackNoOnCall(t *testing.T) {
	clk := &clock{t: sundayNight}
	dir := sampleDir(t)
	st := withOperators(t, clk.Now)
	ctx := context.Background()
	for user, g := range map[int64]flows.Grant{
		8001: {Role: flows.RoleCoordinator, Network: "amaranta"},
		8002: {Role: flows.RoleCoordinator, Network: "arca"},
		8003: {Role: flows.RoleVolunteer, Network: "amaranta"},
	} {
		if err := st.SaveStaff(ctx, user, flows.Staff{Pseudonym: "P", Grants: []flows.Grant{g}}); err != nil {
			t.Fatal(err)
		}
	}
	var logs strings.Builder
	svc := flows.NewService(st, dir, flows.Options{Langs: []string{"it"}, Now: clk.Now, Callbacks: st, Staff: st, Admins: []int64{9000},
		Log: slog.New(slog.NewTextHandler(&logs, nil))})
	request(t, svc, st, "amaranta-cinisello", "asap", "none")
	drain(t, st)
	clk.Set(sundayNight.Add(15 * time.Minute))
	if err := svc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	sent := drain(t, st)
	if len(sent) != 2 || sent[0].Chat != groupCinisello || sent[1].Chat != 8001 {
		t.Fatalf("sent %+v, want the card again to the centre and the alert to amaranta's coordinator only", sent)
	}
	if a := sent[1]; a.Reply.To != flows.ForOperators || a.Reply.Texts[0].ID != "op.nobody_on_call" || carriesNumber(a) {
		t.Errorf("the coordinator's alert: %+v, want it audible, without her number", a)
	}
	// The log's event is what the metric counts.
	if strings.Count(logs.String(), "event=callback_no_on_call") != 1 || strings.Contains(logs.String(), "3470000000") {
		t.Errorf("log:\n%s", logs.String())
	}
	// A network without coordinators: the admins hear of it.
	if err := st.SaveStaff(ctx, 8001, flows.Staff{}); err != nil {
		t.Fatal(err)
	}
	handle(t, svc, flows.Input{Chat: her, Kind: flows.KindButton, Data: "cb:del"})
	drain(t, st)
	clk.Set(sundayNight)
	request(t, svc, st, "amaranta-cinisello", "asap", "none")
	drain(t, st)
	clk.Set(sundayNight.Add(15 * time.Minute))
	if err := svc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := drain(t, st); len(sent) != 2 || sent[1].Chat != 9000 {
		t.Errorf("sent %+v, want the alert to the admin", sent)
	}
}

// A window chosen in time that ends before she confirms is not sent: she
// chooses again.
func TestCallbackWindowPassesBeforeConfirm(t *testing.T) {
	clk := &clock{t: rome(2027, time.March, 16, 12, 50)}
	svc, st := cbService(t, clk)
	var res flows.Result
	for _, in := range []flows.Input{
		{Kind: flows.KindButton, Data: "cb:c:arca-cremona"},
		{Kind: flows.KindText, Text: "347 000 0000"},
		{Kind: flows.KindButton, Data: "cb:w:today.morning"},
		{Kind: flows.KindButton, Data: "cb:wok"},
		{Kind: flows.KindButton, Data: "cb:m:none"},
		{Kind: flows.KindButton, Data: "cb:h:yes"},
		{Kind: flows.KindButton, Data: "cb:s:hangup"},
		{Kind: flows.KindButton, Data: "cb:l:it"},
	} {
		in.Chat = her
		res = handle(t, svc, in)
	}
	if !hasText(res, "cb.summary.title") {
		t.Fatalf("no summary: %+v", res)
	}
	clk.Set(rome(2027, time.March, 16, 13, 5))
	res = handle(t, svc, flows.Input{Chat: her, Kind: flows.KindButton, Data: "cb:ok"})
	if !hasText(res, "cb.windows.expired") {
		t.Fatalf("confirm after the window: %+v", res)
	}
	if cbs, _ := st.Callbacks(context.Background()); len(cbs) != 0 {
		t.Fatalf("stored with a past window: %+v", cbs)
	}
	handle(t, svc, flows.Input{Chat: her, Kind: flows.KindButton, Data: "cb:w:today.afternoon"})
	res = handle(t, svc, flows.Input{Chat: her, Kind: flows.KindButton, Data: "cb:wok"})
	if !hasText(res, "cb.summary.title") {
		t.Fatalf("after choosing again, no summary: %+v", res)
	}
	if res := handle(t, svc, flows.Input{Chat: her, Kind: flows.KindButton, Data: "cb:ok"}); !hasText(res, "cb.confirmed.title") {
		t.Fatalf("not confirmed: %+v", res)
	}
}

// TestConfirmationSentAgainIfLost: the update that confirmed a request is
// committed before its replies are sent; if it comes again (the process
// stopped in between) the confirmation is sent again, while any other
// update already handled is skipped, and nothing is stored twice.
func TestConfirmationSentAgainIfLost(t *testing.T) {
	svc, st := cbService(t, &clock{t: tuesdayMorning})
	steps := []flows.Input{
		{Kind: flows.KindCommand, Command: "start"},
		{Kind: flows.KindButton, Data: "cb:c:arca-cremona"},
		{Kind: flows.KindContact, Phone: "+39 347 000 0000"},
		{Kind: flows.KindButton, Data: "cb:w:asap"},
		{Kind: flows.KindButton, Data: "cb:wok"},
		{Kind: flows.KindButton, Data: "cb:m:none"},
		{Kind: flows.KindButton, Data: "cb:h:yes"},
		{Kind: flows.KindButton, Data: "cb:s:wrong"},
		{Kind: flows.KindButton, Data: "cb:l:it"},
		{Kind: flows.KindButton, Data: "cb:ok"},
	}
	for i := range steps {
		steps[i].Chat, steps[i].Update = her, int64(100+i)
	}
	for _, in := range steps {
		handle(t, svc, in)
	}
	if cards := drain(t, st); len(cards) == 0 {
		t.Fatal("no card queued for the operators")
	}
	confirm := steps[len(steps)-1]
	again := handle(t, svc, confirm)
	if again.Duplicate || !hasText(again, "cb.confirmed.title") {
		t.Fatalf("the confirming update delivered again: %+v, want the confirmation again", again)
	}
	if res := handle(t, svc, steps[len(steps)-2]); !res.Duplicate || len(res.Replies) != 0 {
		t.Errorf("an earlier update delivered again was answered: %+v", res)
	}
	if cbs, _ := st.Callbacks(context.Background()); len(cbs) != 1 {
		t.Errorf("%d requests stored, want 1", len(cbs))
	}
	if cards := drain(t, st); len(cards) != 0 {
		t.Errorf("%d cards queued again", len(cards))
	}
	next := flows.Input{Chat: her, Update: confirm.Update + 1, Kind: flows.KindCommand, Command: "start"}
	handle(t, svc, next)
	if res := handle(t, svc, confirm); !res.Duplicate {
		t.Errorf("after her next update the confirmation was still kept: %+v", res)
	}
}

// A chat removed from the receiving chats (by the command line or a
// coordinator) gives back the requests taken in it at the next tick, her
// number emptied; its operator can no longer act on them.
func TestRemovedChatGivesBack(t *testing.T) {
	clk := &clock{t: tuesdayMorning}
	svc, st := cbService(t, clk)
	ctx := context.Background()
	if err := st.SaveOperator(ctx, flows.Operator{Chat: 7001, Centre: "arca-cremona"}); err != nil {
		t.Fatal(err)
	}
	cb := request(t, svc, st, "arca-cremona", "asap", "none")
	drain(t, st)
	press(t, svc, 7001, 7001, "op:take:"+cb.Ticket)
	drain(t, st)
	if _, err := st.DeleteOperator(ctx, 7001); err != nil {
		t.Fatal(err)
	}
	if res := press(t, svc, 7001, 7001, "op:done:"+cb.Ticket); !hasText(res, "op.gone") {
		t.Errorf("a removed chat acted on its request: %+v", res)
	}
	if err := svc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	sent := drain(t, st)
	if got, _, _ := st.Callback(ctx, cb.Ticket); got.TakenBy != 0 {
		t.Errorf("still taken: %+v", got)
	}
	if !slices.ContainsFunc(sent, func(o flows.Outgoing) bool {
		return o.Chat == 7001 && o.Edit != 0 && o.Reply.Texts[0].ID == "op.number.passed"
	}) ||
		!slices.ContainsFunc(sent, func(o flows.Outgoing) bool { return o.Chat == groupCremona && o.Edit == 0 && !carriesNumber(o) }) {
		t.Errorf("after the tick: %+v; want her number emptied and a new card to the group", sent)
	}
}

// Link codes and invites are different things: neither works as the
// other, a code works once, and only a coordinator of the centre's
// network (or an admin) can make one.
func TestLinkCodes(t *testing.T) {
	clk := &clock{t: tuesdayMorning}
	st := withOperators(t, clk.Now)
	ctx := context.Background()
	for user, g := range map[int64]flows.Grant{
		8001: {Role: flows.RoleCoordinator, Network: "arca"},
		8002: {Role: flows.RoleVolunteer, Network: "arca"},
		8003: {Role: flows.RoleCoordinator, Network: "amaranta"},
	} {
		if err := st.SaveStaff(ctx, user, flows.Staff{Pseudonym: "P", Grants: []flows.Grant{g}}); err != nil {
			t.Fatal(err)
		}
	}
	svc := flows.NewService(st, sampleDir(t), flows.Options{Langs: []string{"it"}, Now: clk.Now, Callbacks: st, Staff: st, Directory: st,
		Log: slog.New(slog.DiscardHandler)})
	for _, who := range []int64{8002, 8003} {
		if res := handle(t, svc, flows.Input{Chat: who, Kind: flows.KindButton, Data: "st.link:arca-cremona"}); hasText(res, "staff.link_code") {
			t.Errorf("%d made a link code for ARCA Cremona", who)
		}
		if res := handle(t, svc, flows.Input{Chat: who, Kind: flows.KindButton, Data: "st.chats:arca-cremona"}); hasText(res, "staff.chats_title") {
			t.Errorf("%d saw ARCA Cremona's receiving chats", who)
		}
	}
	res := handle(t, svc, flows.Input{Chat: 8001, Kind: flows.KindButton, Data: "st.link:arca-cremona"})
	if !hasText(res, "staff.link_code") {
		t.Fatalf("the coordinator's link code: %+v", res)
	}
	code := ""
	for _, x := range res.Replies[0].Texts {
		if x.ID == "staff.link_command" {
			code = x.Data["Code"].(string)
		}
	}
	// Opened as an invite, the code grants nothing.
	for _, args := range []string{"inv_" + code, "inv_link:" + code} {
		if res := handle(t, svc, flows.Input{Chat: 9001, Kind: flows.KindCommand, Command: "start", Args: args}); !hasText(res, "staff.invite_invalid") {
			t.Errorf("a link code worked as an invite (/start %s): %+v", args, res)
		}
	}
	group := flows.Input{Chat: -5005, From: 9001, Group: true, ChatTitle: "Operatrici", Kind: flows.KindCommand, Command: "link", Args: " " + strings.ToUpper(code) + " "}
	if res := handle(t, svc, group); !hasText(res, "op.link.done") || res.Replies[0].To != flows.ForStaff {
		t.Fatalf("the code in the group: %+v", res)
	}
	if res := handle(t, svc, group); !hasText(res, "op.link.invalid") {
		t.Errorf("a code worked twice: %+v", res)
	}
	ops, _ := st.Operators(ctx)
	if !slices.Contains(ops, flows.Operator{Chat: -5005, Centre: "arca-cremona", Name: "Operatrici"}) {
		t.Errorf("the group is not a receiving chat: %+v", ops)
	}
	// A code of another network is refused in a group that receives
	// ARCA's requests, which stays as it was, and still works elsewhere.
	res = handle(t, svc, flows.Input{Chat: 8003, Kind: flows.KindButton, Data: "st.link:amaranta-bresso"})
	other := ""
	for _, x := range res.Replies[0].Texts {
		if x.ID == "staff.link_command" {
			other = x.Data["Code"].(string)
		}
	}
	moved := group
	moved.Args = other
	if res := handle(t, svc, moved); !hasText(res, "op.link.other_network") {
		t.Errorf("another network's code in ARCA's group: %+v", res)
	}
	moved.Chat = -5006
	if res := handle(t, svc, moved); !hasText(res, "op.link.done") {
		t.Errorf("the refused code did not work in another group: %+v", res)
	}
	ops, _ = st.Operators(ctx)
	if !slices.Contains(ops, flows.Operator{Chat: -5005, Centre: "arca-cremona", Name: "Operatrici"}) ||
		!slices.Contains(ops, flows.Operator{Chat: -5006, Centre: "amaranta-bresso", Name: "Operatrici"}) {
		t.Errorf("receiving chats after a refused code: %+v", ops)
	}
	// An invite typed as a link code links nothing.
	handle(t, svc, flows.Input{Chat: 8001, Kind: flows.KindButton, Data: "st.invite:operator/arca-cremona"})
	for _, bad := range []string{"", "x", "abcdefg", "abcdefgh1", "../../..", "link:abcdefgh"} {
		in := group
		in.Chat, in.Args = -6006, bad
		if res := handle(t, svc, in); !hasText(res, "op.link.invalid") {
			t.Errorf("/link %q: %+v", bad, res)
		}
	}
}
