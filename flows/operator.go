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

	"frontdoor/flows/directory"
	"frontdoor/flows/logattr"
)

// Operator commands, in Italian and English. In a group these are the
// only commands the bot hears: anything else typed there is for people.
var (
	onCallCommands  = []string{"oncall", "reperibile"}
	offCallCommands = []string{"offcall", "nonreperibile"}
	linkCommands    = []string{"link", "collega"}
)

// handleOperator serves operators' chats: the card buttons, the on-call
// commands and, in a group, the one-time code that links it to a centre.
// It reports false for input that belongs to the woman's dialogue. Groups
// that are not registered get no answer at all, but to a link code.
func (s *Service) handleOperator(ctx context.Context, in Input) (Result, bool) {
	ignored := Result{Event: "ignored_group"}
	onOff := in.Kind == KindCommand && (slices.Contains(onCallCommands, in.Command) || slices.Contains(offCallCommands, in.Command))
	opInput := in.Group || onOff || (in.Kind == KindButton && strings.HasPrefix(in.Data, "op:"))
	if !opInput {
		return Result{}, false
	}
	if s.cb.store == nil {
		return ignored, in.Group
	}
	if in.Group && in.Kind == KindCommand && slices.Contains(linkCommands, in.Command) {
		return s.linkGroup(ctx, in), true
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
		// private chat, with its buttons: she may act on that one.
		op = Operator{Chat: in.Chat}
	}
	o := &opTurn{svc: s, ctx: ctx, in: in, op: op, ops: ops, dir: s.dir.Load(), now: s.now()}
	o.who = in.From
	if o.who == 0 {
		o.who = in.Chat
	}
	switch {
	case onOff:
		o.setOnCall(slices.Contains(onCallCommands, in.Command))
	case in.Kind == KindButton:
		o.button(in.Data)
	default:
		return ignored, true // other commands and talk among operators are not for the bot
	}
	return Result{Lang: DefaultLang, Replies: o.replies, Answer: o.answer, Event: o.event}, true
}

// opTurn is the work of one operator input.
type opTurn struct {
	svc     *Service
	ctx     context.Context
	in      Input
	op      Operator
	ops     []Operator
	dir     *directory.Directory
	now     time.Time
	who     int64 // the operator who pressed, whose private chat gets the number
	replies []Reply
	answer  *Text // the pop-up for whoever pressed
	event   string
}

// popup answers whoever pressed, and her only.
func (o *opTurn) popup(t Text) { o.answer = &t }

// storeFailed logs a store error, without personal data, and tells the
// operator to try again.
func (o *opTurn) storeFailed(msg, op string, err error) {
	o.svc.log.LogAttrs(context.Background(), slog.LevelError, msg, logattr.Event("store_error"), logattr.Op(op), logattr.Err(err))
	o.event = "store_error"
	if o.in.Kind == KindButton {
		o.popup(T("op.error"))
		return
	}
	o.replies = append(o.replies, Reply{Texts: []Text{T("op.error")}, To: ForStaff})
}

func (o *opTurn) setOnCall(on bool) {
	o.op.OnCall = on
	if err := o.svc.cb.store.SaveOperator(o.ctx, o.op); err != nil {
		o.storeFailed("operator save failed", "save_operator", err)
		return
	}
	o.event, o.replies = "operator_off_call", []Reply{{Texts: []Text{T("op.oncall.off")}, To: ForStaff}}
	if on {
		o.event, o.replies = "operator_on_call", []Reply{{Texts: []Text{T("op.oncall.on")}, To: ForStaff}}
	}
}

// opVerbs are the verbs of card buttons: take it; done (asks), close (the
// confirmation), keep (not yet); could not reach her; give it back.
var opVerbs = []string{"take", "done", "close", "keep", "fail", "back"}

// ParseOperatorButton reads the data of a card button: "op:VERB:TICKET".
// Data comes back from Telegram and may be old or forged.
func ParseOperatorButton(data string) (verb, ticket string, ok bool) {
	rest, found := strings.CutPrefix(data, "op:")
	if !found {
		return "", "", false
	}
	verb, ticket, _ = strings.Cut(rest, ":")
	if !slices.Contains(opVerbs, verb) || !validTicket(ticket) {
		return "", "", false
	}
	return verb, ticket, true
}

// button runs a card button. Every button is idempotent: a duplicate
// press, or a card delivered twice, changes nothing more. The answer goes
// to whoever pressed, as a pop-up, never to the whole group.
func (o *opTurn) button(data string) {
	verb, ticket, ok := ParseOperatorButton(data)
	if !ok {
		o.event = "operator_bad_button"
		o.popup(T("op.unknown"))
		return
	}
	for range 3 {
		cb, found, err := o.svc.cb.store.Callback(o.ctx, ticket)
		if err != nil {
			o.storeFailed("callback load failed", "callback", err)
			return
		}
		if !found || !o.may(cb) {
			o.event = "operator_gone"
			o.popup(T("op.gone", "Ticket", ticket))
			return
		}
		var ch Change
		switch verb {
		case "take":
			ch = o.take(cb)
		case "done":
			ch = o.done(cb)
		case "close":
			ch = o.close(cb)
		case "keep":
			ch = o.keep(cb)
		case "fail":
			ch = o.fail(cb)
		case "back":
			ch = o.back(cb)
		}
		if !ch.empty() {
			err := o.svc.cb.store.Apply(o.ctx, ch)
			if errors.Is(err, ErrConflict) {
				o.replies, o.answer = nil, nil
				continue // another operator was faster: look again
			}
			if err != nil {
				o.storeFailed("callback save failed", "apply", err)
				return
			}
		}
		return
	}
	o.event = "operator_busy"
	o.popup(T("op.error"))
}

// may says whether the chat where a button was pressed may act on a
// request: a chat that receives it, or the private chat of the operator
// who took it, while the chat she took it in still receives it.
func (o *opTurn) may(cb Callback) bool {
	if visible(o.dir, o.op, cb) {
		return true
	}
	return cb.TakenBy == o.who && o.in.Chat == o.who && holds(o.ops, o.dir, cb)
}

// holds says whether the operator who took a request may still act on it:
// the chat she took it in still receives it. A chat removed, a centre
// deleted or a role revoked ends that.
func holds(ops []Operator, dir *directory.Directory, cb Callback) bool {
	return slices.ContainsFunc(ops, func(op Operator) bool {
		return (op.Chat == cb.TakenIn || cb.TakenIn == 0) && visible(dir, op, cb)
	})
}

// toOperators addresses a message to an operator chat: it is heard.
func toOperators(chat int64, r Reply) Outgoing {
	r.To = ForOperators
	return Outgoing{Chat: chat, Lang: DefaultLang, Reply: r}
}

// private sends r to the private chat of whoever pressed: as the answer
// when she pressed there, through ch when she pressed in a group.
func (o *opTurn) private(ch *Change, r Reply) {
	if o.in.Chat == o.who {
		r.To = ForStaff
		o.replies = append(o.replies, r)
		return
	}
	ch.Send = append(ch.Send, toOperators(o.who, r))
}

// notify tells the chats that receive a request, whose card is not known
// (not delivered yet), what happened to it in a line; the chat where the
// button was pressed knows.
func (o *opTurn) notify(ch *Change, cb Callback, note Text) {
	for _, chat := range targets(o.ops, o.dir, cb) {
		if chat != o.in.Chat && !slices.ContainsFunc(ch.Send, func(m Outgoing) bool { return m.Chat == chat && m.Edit != 0 }) {
			ch.Send = append(ch.Send, toOperators(chat, Reply{Texts: []Text{note}}))
		}
	}
}

// cards returns where a request's cards and numbers were sent; on a store
// error none, and the chats get a line instead.
func (s *Service) cards(ctx context.Context, ticket string) []CardRef {
	refs, err := s.cb.store.Cards(ctx, ticket)
	if err != nil {
		s.log.LogAttrs(context.Background(), slog.LevelError, "cards load failed", logattr.Event("store_error"), logattr.Op("cards"), logattr.Err(err))
	}
	return refs
}

// editCards replaces what was sent about a request: its cards with card,
// and the messages with her number with number, or leaves those as they
// are when number is nil.
func editCards(refs []CardRef, card Reply, number *Reply) []Outgoing {
	out := make([]Outgoing, 0, len(refs))
	for _, ref := range refs {
		r := card
		if ref.Number {
			if number == nil {
				continue
			}
			r = *number
		}
		e := toOperators(ref.Chat, r)
		e.Edit = ref.Message
		out = append(out, e)
	}
	return out
}

// announce is a request's card, titled title, for each of chats; the store
// remembers each as sent, so that it can be edited later.
func announce(chats []int64, dir *directory.Directory, cb Callback, title string) []Outgoing {
	card := opCard(dir, cb, title)
	out := make([]Outgoing, 0, len(chats))
	for _, chat := range chats {
		o := toOperators(chat, card)
		o.Card = cb.Ticket
		out = append(out, o)
	}
	return out
}

// closedCard is what a card becomes once the request is gone: its ticket
// and a line, none of her details.
func closedCard(id, ticket string) Reply { return Reply{Texts: []Text{T(id, "Ticket", ticket)}} }

// numberTo is the message with her number to the operator who took it.
func numberTo(chat int64, dir *directory.Directory, cb Callback) Outgoing {
	o := toOperators(chat, opNumber(dir, cb))
	o.Card, o.Number = cb.Ticket, true
	return o
}

func (o *opTurn) take(cb Callback) Change {
	var ch Change
	switch cb.TakenBy {
	case o.who:
		o.event = "callback_take_again"
		ch.Send = append(ch.Send, numberTo(o.who, o.dir, cb))
		o.popup(T("op.take.yours", "Ticket", cb.Ticket))
		return ch
	case 0:
	default:
		o.event = "callback_take_lost"
		o.popup(T("op.take.other", "Ticket", cb.Ticket))
		return ch
	}
	o.event = "callback_taken"
	cb.TakenBy, cb.TakenIn, cb.TakenAt, cb.Reminded = o.who, o.in.Chat, o.now, false
	ch.Put = []Callback{cb}
	ch.Count = []Count{o.count(CountTaken, cb), takenCount(o.now, cb, o.centre(cb))}
	ch.Send = append(ch.Send, numberTo(o.who, o.dir, cb))
	ch.Send = append(ch.Send, editCards(o.svc.cards(o.ctx, cb.Ticket), takenCard(o.dir, cb, o.takerName()), nil)...)
	o.notify(&ch, cb, T("op.taken_note", "Ticket", cb.Ticket))
	o.popup(T("op.take.done", "Ticket", cb.Ticket))
	return ch
}

// takerName is how the group card names who took a request: the name she
// chose as staff, else the name she shows in Telegram.
func (o *opTurn) takerName() string {
	if o.svc.staff != nil {
		if st, found, err := o.svc.staff.Staff(o.ctx, o.who); err == nil && found && st.Name != "" {
			return st.Name
		}
	}
	return o.in.FromName
}

// mine answers an operator who presses a button of a request she did not take.
func (o *opTurn) mine(cb Callback) bool {
	switch cb.TakenBy {
	case o.who:
		return true
	case 0:
		o.event = "callback_not_taken"
		o.popup(T("op.take_first", "Ticket", cb.Ticket))
		return false
	}
	o.event = "callback_not_yours"
	o.popup(T("op.take.other", "Ticket", cb.Ticket))
	return false
}

// done asks the operator to confirm, in her private chat: closing deletes
// the request and everything about her, and cannot be undone.
func (o *opTurn) done(cb Callback) Change {
	var ch Change
	if !o.mine(cb) {
		return ch
	}
	o.event = "callback_done_ask"
	o.private(&ch, Reply{Texts: []Text{T("op.close.ask", "Ticket", cb.Ticket)}, Buttons: [][]Button{{
		{Label: T("op.button.close"), Data: "op:close:" + cb.Ticket},
		{Label: T("op.button.keep"), Data: "op:keep:" + cb.Ticket},
	}}})
	if o.in.Chat != o.who {
		o.popup(T("op.close.see_private", "Ticket", cb.Ticket))
	}
	return ch
}

// replacePressed replaces the message whose button was pressed (a
// confirmation) with r, through ch.
func (o *opTurn) replacePressed(ch *Change, r Reply) {
	if o.in.Message == 0 || o.in.Chat != o.who {
		return
	}
	e := toOperators(o.in.Chat, r)
	e.Edit = o.in.Message
	ch.Send = append(ch.Send, e)
}

// close deletes a request and everything about her at once: the cards and
// her number in the operators' chats shrink to a line.
func (o *opTurn) close(cb Callback) Change {
	if !o.mine(cb) {
		return Change{}
	}
	o.event = "callback_done"
	ch := Change{Delete: []string{cb.Ticket}, Count: []Count{o.count(CountDone, cb)}}
	closed := closedCard("op.card.closed", cb.Ticket)
	ch.Send = editCards(o.svc.cards(o.ctx, cb.Ticket), closed, &closed)
	o.replacePressed(&ch, closed)
	o.notify(&ch, cb, T("op.closed_note", "Ticket", cb.Ticket))
	o.popup(T("op.done", "Ticket", cb.Ticket))
	return ch
}

// keep answers "not yet": the request stays hers.
func (o *opTurn) keep(cb Callback) Change {
	var ch Change
	if !o.mine(cb) {
		return ch
	}
	o.event = "callback_kept"
	o.replacePressed(&ch, closedCard("op.close.kept", cb.Ticket))
	o.popup(T("op.close.kept", "Ticket", cb.Ticket))
	return ch
}

// fail records that she could not be reached and passes the request on.
func (o *opTurn) fail(cb Callback) Change {
	if !o.mine(cb) {
		return Change{}
	}
	o.event = "callback_unreached"
	cb.Attempts++
	ch := o.svc.release(o.ctx, o.ops, o.dir, cb, o.now, "op.card.retry")
	ch.Count = []Count{o.count(CountUnreached, cb)}
	o.popup(T("op.fail", "Ticket", cb.Ticket, "Attempts", strconv.Itoa(cb.Attempts)))
	return ch
}

// back gives a request back to the other operators.
func (o *opTurn) back(cb Callback) Change {
	if !o.mine(cb) {
		return Change{}
	}
	o.event = "callback_given_back"
	o.popup(T("op.back", "Ticket", cb.Ticket))
	return o.svc.release(o.ctx, o.ops, o.dir, cb, o.now, "op.card.back")
}

// release opens a taken request again for the others: her number leaves
// the chat of the operator who held it, the old cards shrink to a line,
// and a new card, titled title, goes to every chat that receives it.
func (s *Service) release(ctx context.Context, ops []Operator, dir *directory.Directory, cb Callback, now time.Time, title string) Change {
	refs := s.cards(ctx, cb.Ticket)
	cb.TakenBy, cb.TakenIn, cb.TakenAt, cb.Reminded, cb.Announced = 0, 0, time.Time{}, false, now
	passed := closedCard("op.number.passed", cb.Ticket)
	ch := Change{Put: []Callback{cb}, Send: editCards(refs, closedCard("op.card.passed", cb.Ticket), &passed)}
	ch.Send = append(ch.Send, announce(targets(ops, dir, cb), dir, cb, title)...)
	return ch
}

// Undelivered sends a request back to the others at once when her number
// could not reach the operator who took it (she never started a private
// chat with the bot, or blocked it), and tells the chats why, without the
// number. A number that is no longer hers changes nothing.
func (s *Service) Undelivered(ctx context.Context, o Outgoing) error {
	if !o.Number || s.cb.store == nil {
		return nil
	}
	for range 3 {
		cb, found, err := s.cb.store.Callback(ctx, o.Card)
		if err != nil {
			return fmt.Errorf("undelivered number: %w", err)
		}
		if !found || cb.TakenBy != o.Chat {
			return nil
		}
		ops, err := s.cb.store.Operators(ctx)
		if err != nil {
			return fmt.Errorf("undelivered number: %w", err)
		}
		dir := s.dir.Load()
		bot := s.BotUsername()
		if bot != "" {
			bot = "@" + bot
		}
		why := Reply{Texts: []Text{T("op.number.undelivered", "Ticket", cb.Ticket, "Bot", bot)}}
		var ch Change
		for _, chat := range targets(ops, dir, cb) {
			if chat != o.Chat {
				ch.Send = append(ch.Send, toOperators(chat, why))
			}
		}
		released := s.release(ctx, ops, dir, cb, s.now(), "op.card.back")
		ch.Put, ch.Send = released.Put, append(ch.Send, released.Send...)
		err = s.cb.store.Apply(ctx, ch)
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("undelivered number: %w", err)
		}
		s.log.LogAttrs(ctx, slog.LevelWarn, "number undelivered", logattr.Event("callback_number_undelivered"), logattr.Ticket(cb.Ticket))
		return nil
	}
	return fmt.Errorf("undelivered number: %w", ErrConflict)
}

// visible says whether an operator chat may see a request: only requests
// of her own centre, of her network when any centre may call, or of her
// network once escalated to the on-call operators she is one of.
func visible(dir *directory.Directory, op Operator, cb Callback) bool {
	c, ok := dir.Centre(op.Centre)
	if !ok || c.Network != cb.Network {
		return false
	}
	return cb.Centre == "" || cb.Centre == op.Centre || (op.OnCall && cb.Stage >= 2)
}

// targets are the operator chats a request is announced to.
func targets(ops []Operator, dir *directory.Directory, cb Callback) []int64 {
	var out []int64
	for _, op := range ops {
		if visible(dir, op, cb) && !slices.Contains(out, op.Chat) {
			out = append(out, op.Chat)
		}
	}
	return out
}

// stamp writes a time for a card: day, month and clock, in Italy.
func stamp(t time.Time) string {
	t = t.In(directory.Rome)
	return fmt.Sprintf("%02d/%02d %s", t.Day(), t.Month(), clockOf(t))
}

// opTarget names the centre of a request, or its network.
func opTarget(dir *directory.Directory, cb Callback) string {
	if c, ok := dir.Centre(cb.Centre); ok {
		return c.Name
	}
	if n, ok := dir.Network(cb.Network); ok {
		return n.Name
	}
	return cb.Network
}

// opDetails are the lines of a request an operator needs to call well.
// Values are strings only: cards travel through the outbox.
func opDetails(dir *directory.Directory, cb Callback) []Text {
	texts := []Text{T("op.card.centre", "Centre", opTarget(dir, cb)), T("op.card.arrived", "At", stamp(cb.Created))}
	for _, w := range cb.Windows {
		s, e := w.Start.In(directory.Rome), w.End.In(directory.Rome)
		if w.Key == "asap" {
			texts = append(texts, T("op.card.window_asap", "Until", stamp(e)))
			continue
		}
		texts = append(texts, T("op.card.window", "When", fmt.Sprintf("%s–%s", stamp(s), clockOf(e))))
	}
	texts = append(texts, T("op.card.lang", "Lang", directory.LanguageName(cb.Lang)), T("op.card.msg."+cb.messages()))
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

// opCard is the card posted to operators: everything but her number, and
// one button, to take it.
func opCard(dir *directory.Directory, cb Callback, title string) Reply {
	texts := append([]Text{T(title, "Ticket", cb.Ticket)}, opDetails(dir, cb)...)
	return Reply{Texts: texts, Buttons: [][]Button{{{Label: T("op.button.take"), Data: "op:take:" + cb.Ticket}}}, Protect: true}
}

// takenCard is what the cards become once a request is taken: who took it
// and when, and when it arrived; her details stay with the taker only.
func takenCard(dir *directory.Directory, cb Callback, who string) Reply {
	by := T("op.card.taken_by", "Ticket", cb.Ticket, "Who", who, "At", stamp(cb.TakenAt))
	if who == "" {
		by = T("op.card.taken", "Ticket", cb.Ticket, "At", stamp(cb.TakenAt))
	}
	return Reply{Texts: []Text{by, T("op.card.centre", "Centre", opTarget(dir, cb)), T("op.card.arrived", "At", stamp(cb.Created))}, Protect: true}
}

// workButtons are what the operator who took a request can do with it.
func workButtons(ticket string) [][]Button {
	return [][]Button{
		{{Label: T("op.button.done"), Data: "op:done:" + ticket}},
		{{Label: T("op.button.fail"), Data: "op:fail:" + ticket}, {Label: T("op.button.back"), Data: "op:back:" + ticket}},
	}
}

// opNumber is the card with her number, for the operator who took it only.
func opNumber(dir *directory.Directory, cb Callback) Reply {
	texts := append([]Text{T("op.number.title", "Ticket", cb.Ticket), T("op.number.phone", "Phone", directory.PhoneText(cb.Phone))}, opDetails(dir, cb)...)
	return Reply{Texts: texts, Buttons: workButtons(cb.Ticket), Protect: true}
}
