// Package review writes the review sheet of a translation, for a native
// speaker who is not a programmer: every screen a woman meets, in the
// order she meets them, in Italian, English and the language side by side,
// then every other message; and it reads the filled-in sheet back into the
// message file.
package review

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
	"frontdoor/store/memstore"
)

// Step is one thing she does on her way through the bot, and the messages
// it answers with.
type Step struct {
	// When says, in English, when this happens (the tour's clock), or
	// who is written to, for whoever reads the sheet.
	When string
	// Did is what she did: the label of the button she pressed, or the
	// command or words she typed (Typed); empty when the bot writes by
	// itself.
	Did   flows.Text
	Typed bool
	// Replies are the messages she (or the operators) receives.
	Replies []flows.Reply
	// Operators is true for messages to the operators' group, which the
	// rule of the neutral first two lines does not bind.
	Operators bool
}

//go:embed tour.toml
var tourDirectory []byte

// The tour plays on a Saturday afternoon, then on Sunday and Monday.
var (
	saturday = time.Date(2027, time.March, 13, 16, 30, 0, 0, directory.Rome)
	sunday   = time.Date(2027, time.March, 14, 13, 0, 0, 0, directory.Rome)
	monday   = time.Date(2027, time.March, 15, 6, 0, 0, 0, directory.Rome)
)

// Chats of the tour: hers, and the operators' group of Centro Esempio A.
const (
	her       int64 = 4242
	operators int64 = -1001
)

// Tour plays her path through the dialogues against an invented directory
// (tour.toml) at fixed times and returns every screen, so that a reviewer
// reads whole messages as the program composes them: welcome, search,
// lists and cards with every kind of status, the numbers, a callback
// request from first question to confirmation and what follows, privacy,
// the errors, the exit. langs are the languages the bot offers.
func Tour(ctx context.Context, langs []string) ([]Step, error) {
	data, err := dirfile.Decode(bytes.NewReader(tourDirectory))
	if err != nil {
		return nil, fmt.Errorf("tour directory: %w", err)
	}
	dir, err := directory.New(data)
	if err != nil {
		return nil, fmt.Errorf("tour directory: %w", err)
	}
	p := &player{ctx: ctx, clock: saturday}
	p.store = &failing{Store: memstore.NewWithClock(func() time.Time { return p.clock })}
	if err := p.store.SaveOperator(ctx, flows.Operator{Chat: operators, Centre: "nord-a"}); err != nil {
		return nil, err
	}
	p.svc = flows.NewService(p.store, dir, flows.Options{
		Langs: langs, Now: func() time.Time { return p.clock }, Callbacks: p.store,
		Log: slog.New(slog.DiscardHandler),
		// Daily backups, seven kept: the privacy screen says so.
		Backups: 7 * 24 * time.Hour,
	})
	p.play()
	return p.steps, p.err
}

// play is the tour itself.
func (p *player) play() {
	p.when = "Saturday, 16:30"
	p.command("start")
	p.press("find")
	p.typed("Cremna")
	p.typed("Gotham")
	p.typed("Cremona") // seven centres, each with another status
	p.press("c:nord-e")
	p.pressLabel("button.back") // to the town
	p.press("c:nord-d")
	p.location(45.1340, 10.0245)
	p.press("menu")
	p.press("open")
	p.press("c:nord-a")
	p.press("sos")
	p.press("menu")
	p.press("lang")
	p.press("lang:" + flows.DefaultLang)

	// A callback request to whichever centre can call first, with every
	// mistake she can make on the way, then withdrawn.
	p.press("cb")
	p.press("cb:n:nord")
	p.typed("12ab")
	p.typed("+44 20 7946 0958")
	p.typed("347 000 0000")
	p.pressLabel("cb.win.today.afternoon")
	p.pressLabel("cb.win.tomorrow.morning") // Centro Esempio A is closed on Sunday
	p.press("cb:wok")
	p.pressLabel("cb.win.tomorrow.morning")
	p.press("cb:wok")
	p.press("cb:m:vm")
	p.press("cb:h:yes")
	p.press("cb:s:own")
	p.typed("Sono Anna, la collega della palestra: ti richiamo io più tardi per la riunione di domani, non preoccuparti")
	p.typed("Sono Anna della palestra")
	p.press("cb:e:lang")
	p.press("cb:l:en")
	p.press("cb:ok")
	p.operatorCards()
	p.press("cb")
	p.press("cb:del")

	// A request to one centre, from its card, its times typed; nobody
	// reaches her.
	p.typed("Cremona")
	p.press("c:nord-a")
	p.press("cb:c:nord-a")
	p.typed("347 000 0000")
	p.typed("oggi 17-18")
	p.press("cb:ty")
	p.press("cb:m:sms")
	p.press("cb:h:yes")
	p.press("cb:s:wrong")
	p.press("cb:ok")
	p.operatorCards()

	// The other area: a centre open all weekend.
	p.press("find")
	p.press("net:sud")

	p.clock, p.when = sunday, "Sunday, 13:00"
	p.tick()
	p.press("cb:again")
	p.press("cb:x")
	p.press("cb")
	p.press("cb:del")

	// Privacy, her settings, being forgotten.
	p.press("privacy")
	p.press("idle")
	p.press("idle:180")
	p.press("idle")
	p.press("idle:off")
	p.press("leave:on")
	p.press("forget")
	p.press("privacy") // "No"

	// What goes wrong: words the bot does not read, a failing store, a
	// centre's callback button tapped on an old card after its operators
	// left.
	p.typed("qwertyuiop")
	p.store.fail = true
	p.typed("Cremona")
	p.store.fail = false
	if _, err := p.store.DeleteOperator(p.ctx, operators); err != nil && p.err == nil {
		p.err = err
	}
	p.pressEarlier("cb:c:nord-a")
	p.flooded("Cremona")

	p.press("exit")
	p.clock, p.when = monday, "Monday, 6:00"
	p.command("start")
	p.press("open")
	p.press("open:sud")
}

// player drives the service as she would, and records what it answers.
type player struct {
	ctx    context.Context
	svc    *flows.Service
	store  *failing
	clock  time.Time
	when   string
	update int64
	// last are the messages of the last answer: the buttons she can press.
	last  []flows.Reply
	steps []Step
	err   error
}

// failing is the tour's store, which fails to save while fail is set.
type failing struct {
	*memstore.Store
	fail bool
}

// errFull is the failure of the tour's store.
var errFull = errors.New("tour: the disk is full")

// SaveSession fails while the store is set to fail.
func (f *failing) SaveSession(ctx context.Context, chat int64, s flows.Session, expires time.Time) error {
	if f.fail {
		return errFull
	}
	return f.Store.SaveSession(ctx, chat, s, expires)
}

// Apply fails while the store is set to fail.
func (f *failing) Apply(ctx context.Context, c flows.Change) error {
	if f.fail {
		return errFull
	}
	return f.Store.Apply(ctx, c)
}

func (p *player) command(name string) {
	p.handle(flows.Raw("/"+name), flows.Input{Kind: flows.KindCommand, Command: name})
	p.typedLast()
}

func (p *player) typed(text string) {
	p.handle(flows.Raw(text), flows.Input{Kind: flows.KindText, Text: text})
	p.typedLast()
}

// typedLast marks the last step as typed rather than pressed.
func (p *player) typedLast() {
	if p.err == nil {
		p.steps[len(p.steps)-1].Typed = true
	}
}

func (p *player) location(lat, lon float64) {
	p.handle(flows.T("location.button"), flows.Input{Kind: flows.KindLocation, Lat: lat, Lon: lon})
}

// press presses the button that sends data on the screen she has.
func (p *player) press(data string) {
	if !p.pressOn(p.last, data) && p.err == nil {
		var there []string
		for _, rep := range p.last {
			for _, row := range rep.Buttons {
				for _, b := range row {
					there = append(there, b.Data)
				}
			}
		}
		p.err = fmt.Errorf("tour: no button %q after step %d (there are %q)", data, len(p.steps), there)
	}
}

// pressLabel presses the button whose label shows the message id, on the
// screen she has: the buttons of times carry their date in their data.
func (p *player) pressLabel(id string) {
	for _, rep := range p.last {
		for _, row := range rep.Buttons {
			for _, b := range row {
				if slices.Contains(Step{Did: b.Label}.IDs(), id) {
					p.handle(b.Label, flows.Input{Kind: flows.KindButton, Data: b.Data})
					return
				}
			}
		}
	}
	if p.err == nil {
		p.err = fmt.Errorf("tour: no button showing %s after step %d", id, len(p.steps))
	}
}

// pressEarlier presses a button of an older message, as she can in
// Telegram by scrolling up.
func (p *player) pressEarlier(data string) {
	for i := len(p.steps) - 1; i >= 0; i-- {
		if !p.steps[i].Operators && p.pressOn(p.steps[i].Replies, data) {
			return
		}
	}
	if p.err == nil {
		p.err = fmt.Errorf("tour: no button %q on any screen", data)
	}
}

// pressOn presses the button that sends data among replies, if there is one.
func (p *player) pressOn(replies []flows.Reply, data string) bool {
	for _, rep := range replies {
		for _, row := range rep.Buttons {
			for _, b := range row {
				if b.Data == data {
					p.handle(b.Label, flows.Input{Kind: flows.KindButton, Data: data})
					return true
				}
			}
		}
	}
	return false
}

func (p *player) handle(did flows.Text, in flows.Input) {
	if p.err != nil {
		return
	}
	p.update++
	in.Chat, in.Update, in.Lang = her, p.update, flows.DefaultLang
	res, err := p.svc.Handle(p.ctx, in)
	if err != nil {
		p.err = fmt.Errorf("tour step %d: %w", len(p.steps)+1, err)
		return
	}
	p.last = res.Replies
	p.steps = append(p.steps, Step{When: p.when, Did: did, Replies: res.Replies})
}

// flooded records the notice she gets when she sends many messages at
// once, and the transport drops those past the first ones.
func (p *player) flooded(text string) {
	if p.err != nil {
		return
	}
	p.update++
	in := flows.Input{Chat: her, Update: p.update, Lang: flows.DefaultLang, Kind: flows.KindText, Text: text}
	res, err := p.svc.Flooded(p.ctx, in, true)
	if err != nil {
		p.err = fmt.Errorf("tour step %d: %w", len(p.steps)+1, err)
		return
	}
	p.steps = append(p.steps, Step{When: p.when + ", many messages at once", Did: flows.Raw(text), Typed: true, Replies: res.Replies})
}

// operatorCards records what the operators' group was sent since last
// time, and marks it sent.
func (p *player) operatorCards() {
	p.outbox(false)
}

// tick lets the callback clock run: the request is announced again, and
// she is told that nobody reached her.
func (p *player) tick() {
	if p.err != nil {
		return
	}
	if err := p.svc.Tick(p.ctx); err != nil {
		p.err = err
		return
	}
	p.outbox(true)
}

// outbox records the queued messages, hers as her screen when withHers.
func (p *player) outbox(withHers bool) {
	if p.err != nil {
		return
	}
	pending, err := p.store.Pending(p.ctx, 100)
	if err != nil {
		p.err = err
		return
	}
	var ops []flows.Reply
	for _, o := range pending {
		if o.Chat == her && withHers {
			p.last = []flows.Reply{o.Reply}
			p.steps = append(p.steps, Step{When: p.when, Replies: []flows.Reply{o.Reply}})
		} else if o.Chat != her {
			ops = append(ops, fixedTicket(o.Reply))
		}
		if _, err := p.store.Sent(p.ctx, o, 1); err != nil {
			p.err = err
			return
		}
	}
	if len(ops) > 0 {
		p.steps = append(p.steps, Step{When: p.when, Replies: ops, Operators: true})
	}
}

// IDs are the message ids the step shows, in the order she reads them:
// what she pressed, then each message's lines (a line's inner pieces after
// it), keyboards and buttons. Raw texts have none.
func (s Step) IDs() []string {
	var out []string
	seen := map[string]bool{}
	var walk func(t flows.Text)
	walk = func(t flows.Text) {
		if t.ID != flows.RawID && t.ID != "" && !seen[t.ID] {
			seen[t.ID] = true
			out = append(out, t.ID)
		}
		for _, k := range slices.Sorted(maps.Keys(t.Data)) {
			switch v := t.Data[k].(type) {
			case flows.Text:
				walk(v)
			case []flows.Text:
				for _, t := range v {
					walk(t)
				}
			}
		}
	}
	walk(s.Did)
	for _, rep := range s.Replies {
		for _, t := range rep.Texts {
			walk(t)
		}
		if rep.AskLocation {
			walk(flows.T("location.button"))
		}
		if rep.AskContact {
			walk(flows.T("contact.button"))
		}
		for _, row := range rep.Buttons {
			for _, b := range row {
				walk(b.Label)
			}
		}
	}
	return out
}

// tourTicket stands for the random ticket of a request in what operators
// read, so that the tour reads the same every time.
const tourTicket = "K7M2QX"

// fixedTicket replaces the ticket of a card to operators.
func fixedTicket(rep flows.Reply) flows.Reply {
	for _, t := range rep.Texts {
		if _, ok := t.Data["Ticket"]; ok {
			t.Data["Ticket"] = tourTicket
		}
	}
	return rep
}
