package flows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"frontdoor/flows/logattr"
)

// Operator commands, in Italian and English.
var (
	onCallCommands  = []string{"oncall", "reperibile"}
	offCallCommands = []string{"offcall", "nonreperibile"}
)

// handleOperator serves operators' chats: the card buttons and the on-call
// commands. It reports false for input that belongs to the woman's
// dialogue. Groups that are not registered get no answer at all.
func (s *Service) handleOperator(ctx context.Context, in Input) (Result, bool) {
	ignored := Result{Event: "ignored_group"}
	opInput := in.Group ||
		(in.Kind == KindButton && strings.HasPrefix(in.Data, "op:")) ||
		(in.Kind == KindCommand && (slices.Contains(onCallCommands, in.Command) || slices.Contains(offCallCommands, in.Command)))
	if !opInput {
		return Result{}, false
	}
	if s.cb.store == nil {
		return ignored, in.Group
	}
	ops, err := s.cb.store.Operators(ctx)
	if err != nil {
		s.log.LogAttrs(context.Background(), slog.LevelError, "operators load failed", logattr.Event("store_error"), logattr.Op("operators"), logattr.Err(err))
		return ignored, in.Group
	}
	var op Operator
	if i := slices.IndexFunc(ops, func(op Operator) bool { return op.Chat == in.Chat }); i >= 0 {
		op = ops[i]
	} else if in.Group || in.Kind != KindButton {
		return ignored, in.Group
	} else {
		// An operator of a group took a request and got the number in her
		// private chat, with the card's buttons: she may act on that one.
		op = Operator{Chat: in.Chat}
	}
	o := &opTurn{svc: s, ctx: ctx, in: in, op: op, ops: ops, dir: s.dir.Load(), now: s.now()}
	o.who = in.From
	if o.who == 0 {
		o.who = in.Chat
	}
	switch in.Kind {
	case KindCommand:
		o.setOnCall(slices.Contains(onCallCommands, in.Command))
	case KindButton:
		o.button(in.Data)
	default:
		return ignored, true // talk among operators is not for the bot
	}
	if len(o.replies) == 0 {
		return ignored, true
	}
	return Result{Lang: DefaultLang, Replies: o.replies, Event: o.event}, true
}

// opTurn is the work of one operator input.
type opTurn struct {
	svc     *Service
	ctx     context.Context
	in      Input
	op      Operator
	ops     []Operator
	dir     *Directory
	now     time.Time
	who     int64 // the operator who pressed, whose private chat gets the number
	replies []Reply
	event   string
}

func (o *opTurn) say(texts ...Text) { o.replies = append(o.replies, Reply{Texts: texts}) }

// storeFailed logs a store error, without personal data, and tells the
// operator to try again.
func (o *opTurn) storeFailed(msg, op string, err error) {
	o.svc.log.LogAttrs(context.Background(), slog.LevelError, msg, logattr.Event("store_error"), logattr.Op(op), logattr.Err(err))
	o.event = "store_error"
	o.say(T("op.error"))
}

func (o *opTurn) setOnCall(on bool) {
	o.op.OnCall = on
	if err := o.svc.cb.store.SaveOperator(o.ctx, o.op); err != nil {
		o.storeFailed("operator save failed", "save_operator", err)
		return
	}
	if on {
		o.event = "operator_on_call"
		o.say(T("op.oncall.on"))
		return
	}
	o.event = "operator_off_call"
	o.say(T("op.oncall.off"))
}

// ParseOperatorButton reads the data of a card button: "op:VERB:TICKET".
// Data comes back from Telegram and may be old or forged.
func ParseOperatorButton(data string) (verb, ticket string, ok bool) {
	rest, found := strings.CutPrefix(data, "op:")
	if !found {
		return "", "", false
	}
	verb, ticket, _ = strings.Cut(rest, ":")
	if !slices.Contains([]string{"take", "done", "fail", "back"}, verb) || !validTicket(ticket) {
		return "", "", false
	}
	return verb, ticket, true
}

// button runs a card button. Every button is idempotent: a duplicate
// press, or a card delivered twice, changes nothing more.
func (o *opTurn) button(data string) {
	verb, ticket, ok := ParseOperatorButton(data)
	if !ok {
		o.event = "operator_bad_button"
		o.say(T("op.unknown"))
		return
	}
	for range 3 {
		cb, found, err := o.svc.cb.store.Callback(o.ctx, ticket)
		if err != nil {
			o.storeFailed("callback load failed", "callback", err)
			return
		}
		if !found || !(visible(o.dir, o.op, cb) || cb.TakenBy == o.who) {
			o.event = "operator_gone"
			o.say(T("op.gone", "Ticket", ticket))
			return
		}
		var ch Change
		var reply Text
		switch verb {
		case "take":
			ch, reply = o.take(cb)
		case "done":
			ch, reply = o.done(cb)
		case "fail":
			ch, reply = o.fail(cb)
		case "back":
			ch, reply = o.back(cb)
		}
		if !ch.empty() {
			err := o.svc.cb.store.Apply(o.ctx, ch)
			if errors.Is(err, ErrConflict) {
				continue // another operator was faster: look again
			}
			if err != nil {
				o.storeFailed("callback save failed", "apply", err)
				return
			}
		}
		o.say(reply)
		return
	}
	o.event = "operator_busy"
	o.say(T("op.error"))
}

// notify tells a request's operator chats what happened to it: the card
// already sent to a chat is replaced by edited, and a chat whose card is
// not known (not delivered yet) gets the line note instead, unless it is
// the chat where the button was pressed, which gets the answer anyway.
func (o *opTurn) notify(ch *Change, cb Callback, edited Reply, note Text) {
	ch.Send = append(ch.Send, editCards(o.svc.cards(o.ctx, cb.Ticket), edited)...)
	for _, chat := range targets(o.ops, o.dir, cb) {
		if chat != o.in.Chat && !slices.ContainsFunc(ch.Send, func(m Outgoing) bool { return m.Chat == chat && m.Edit != 0 }) {
			ch.Send = append(ch.Send, Outgoing{Chat: chat, Lang: DefaultLang, Reply: Reply{Texts: []Text{note}}})
		}
	}
}

// cards returns where a request's cards were sent; on a store error none,
// and the chats get a line instead.
func (s *Service) cards(ctx context.Context, ticket string) []CardRef {
	refs, err := s.cb.store.Cards(ctx, ticket)
	if err != nil {
		s.log.LogAttrs(context.Background(), slog.LevelError, "cards load failed", logattr.Event("store_error"), logattr.Op("cards"), logattr.Err(err))
	}
	return refs
}

// editCards replaces the sent cards with r.
func editCards(refs []CardRef, r Reply) []Outgoing {
	out := make([]Outgoing, 0, len(refs))
	for _, ref := range refs {
		out = append(out, Outgoing{Chat: ref.Chat, Lang: DefaultLang, Edit: ref.Message, Reply: r})
	}
	return out
}

// announce is a request's card, titled title, for each of chats; the store
// remembers each as sent, so that it can be edited later.
func announce(chats []int64, dir *Directory, cb Callback, title string) []Outgoing {
	card := opCard(dir, cb, title)
	out := make([]Outgoing, 0, len(chats))
	for _, chat := range chats {
		out = append(out, Outgoing{Chat: chat, Lang: DefaultLang, Reply: card, Card: cb.Ticket})
	}
	return out
}

// closedCard is what a card becomes once the request is gone: its ticket
// and a line, none of her details.
func closedCard(id, ticket string) Reply { return Reply{Texts: []Text{T(id, "Ticket", ticket)}} }

func (o *opTurn) take(cb Callback) (Change, Text) {
	var ch Change
	switch cb.TakenBy {
	case o.who:
		o.event = "callback_take_again"
		ch.Send = append(ch.Send, Outgoing{Chat: o.who, Lang: DefaultLang, Reply: opNumber(o.dir, cb)})
		return ch, T("op.take.yours", "Ticket", cb.Ticket)
	case 0:
	default:
		o.event = "callback_take_lost"
		return ch, T("op.take.other", "Ticket", cb.Ticket)
	}
	o.event = "callback_taken"
	cb.TakenBy = o.who
	ch.Put = []Callback{cb}
	ch.Count = []Count{o.count(CountTaken, cb), takenCount(o.now, cb, o.centre(cb))}
	ch.Send = append(ch.Send, Outgoing{Chat: o.who, Lang: DefaultLang, Reply: opNumber(o.dir, cb)})
	o.notify(&ch, cb, opCard(o.dir, cb, "op.card.taken"), T("op.taken_note", "Ticket", cb.Ticket))
	return ch, T("op.take.done", "Ticket", cb.Ticket)
}

// mine answers an operator who presses a button of a request she did not take.
func (o *opTurn) mine(cb Callback) (Text, bool) {
	switch cb.TakenBy {
	case o.who:
		return Text{}, true
	case 0:
		o.event = "callback_not_taken"
		return T("op.take_first", "Ticket", cb.Ticket), false
	}
	o.event = "callback_not_yours"
	return T("op.take.other", "Ticket", cb.Ticket), false
}

// done closes a request: it and everything about her are deleted at once.
func (o *opTurn) done(cb Callback) (Change, Text) {
	if t, ok := o.mine(cb); !ok {
		return Change{}, t
	}
	o.event = "callback_done"
	ch := Change{Delete: []string{cb.Ticket}, Count: []Count{o.count(CountDone, cb)}}
	o.notify(&ch, cb, closedCard("op.card.closed", cb.Ticket), T("op.closed_note", "Ticket", cb.Ticket))
	return ch, T("op.done", "Ticket", cb.Ticket)
}

// fail records that she could not be reached and opens it again.
func (o *opTurn) fail(cb Callback) (Change, Text) {
	if t, ok := o.mine(cb); !ok {
		return Change{}, t
	}
	o.event = "callback_unreached"
	cb.TakenBy, cb.Attempts, cb.Announced = 0, cb.Attempts+1, o.now
	ch := Change{Put: []Callback{cb}, Count: []Count{o.count(CountUnreached, cb)}}
	ch.Send = announce(targets(o.ops, o.dir, cb), o.dir, cb, "op.card.retry")
	return ch, T("op.fail", "Ticket", cb.Ticket, "Attempts", strconv.Itoa(cb.Attempts))
}

// back gives a request back to the other operators.
func (o *opTurn) back(cb Callback) (Change, Text) {
	if t, ok := o.mine(cb); !ok {
		return Change{}, t
	}
	o.event = "callback_given_back"
	cb.TakenBy, cb.Announced = 0, o.now
	ch := Change{Put: []Callback{cb}, Send: announce(targets(o.ops, o.dir, cb), o.dir, cb, "op.card.back")}
	return ch, T("op.back", "Ticket", cb.Ticket)
}

// visible says whether an operator chat may see a request: only requests
// of her own centre, of her network when any centre may call, or of her
// network once escalated to the on-call operators she is one of.
func visible(dir *Directory, op Operator, cb Callback) bool {
	c, ok := dir.Centre(op.Centre)
	if !ok || c.Network != cb.Network {
		return false
	}
	return cb.Centre == "" || cb.Centre == op.Centre || (op.OnCall && cb.Stage >= 2)
}

// targets are the operator chats a request is announced to.
func targets(ops []Operator, dir *Directory, cb Callback) []int64 {
	var out []int64
	for _, op := range ops {
		if visible(dir, op, cb) && !slices.Contains(out, op.Chat) {
			out = append(out, op.Chat)
		}
	}
	return out
}

// opButtons are the card's buttons.
func opButtons(ticket string) [][]Button {
	return [][]Button{
		{{Label: T("op.button.take"), Data: "op:take:" + ticket}, {Label: T("op.button.done"), Data: "op:done:" + ticket}},
		{{Label: T("op.button.fail"), Data: "op:fail:" + ticket}, {Label: T("op.button.back"), Data: "op:back:" + ticket}},
	}
}

// opDetails are the lines of a request an operator needs to call well.
// Values are strings only: cards travel through the outbox.
func opDetails(dir *Directory, cb Callback) []Text {
	target := cb.Network
	if c, ok := dir.Centre(cb.Centre); ok {
		target = c.Name
	} else if n, ok := dir.Network(cb.Network); ok {
		target = n.Name
	}
	texts := []Text{T("op.card.centre", "Centre", target)}
	for _, w := range cb.Windows {
		s, e := w.Start.In(Rome), w.End.In(Rome)
		if w.Key == "asap" {
			texts = append(texts, T("op.card.window_asap", "Until", fmt.Sprintf("%02d/%02d %s", e.Day(), e.Month(), clockOf(e))))
			continue
		}
		texts = append(texts, T("op.card.window", "When", fmt.Sprintf("%02d/%02d %s–%s", s.Day(), s.Month(), clockOf(s), clockOf(e))))
	}
	texts = append(texts, T("op.card.lang", "Lang", LanguageName(cb.Lang)), T("op.card.msg."+cb.messages()))
	if cb.Say == "own" {
		texts = append(texts, T("op.card.say_own", "Words", cb.SayOwn))
	} else {
		texts = append(texts, T("op.card.say."+cb.Say))
	}
	if cb.Attempts > 0 {
		texts = append(texts, T("op.card.attempts", "N", strconv.Itoa(cb.Attempts)))
	}
	return texts
}

// opCard is the card posted to operators: everything but her number.
func opCard(dir *Directory, cb Callback, title string) Reply {
	texts := append([]Text{T(title, "Ticket", cb.Ticket)}, opDetails(dir, cb)...)
	return Reply{Texts: texts, Buttons: opButtons(cb.Ticket), Protect: true}
}

// opNumber is the card with her number, for the operator who took it only.
func opNumber(dir *Directory, cb Callback) Reply {
	texts := append([]Text{T("op.number.title", "Ticket", cb.Ticket), T("op.number.phone", "Phone", cb.Phone)}, opDetails(dir, cb)...)
	return Reply{Texts: texts, Buttons: opButtons(cb.Ticket), Protect: true}
}
