package flows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"frontdoor/flows/directory"
	"frontdoor/flows/logattr"
)

// Tick escalates requests nobody took, keeps taken ones from being
// forgotten, keeps every request reachable after changes of the directory
// and of the receiving chats, tells her when her last window passed without
// a call (if she allowed a message in her chat), and purges requests older
// than the retention. A ticker calls it, tests call it with an injected
// clock, and staff actions that change who receives requests call it at
// once.
func (s *Service) Tick(ctx context.Context) error {
	if s.cb.store == nil {
		return nil
	}
	now, dir := s.now(), s.dir.Load()
	ops, err := s.dropStrayOperators(ctx, dir)
	if err != nil {
		return fmt.Errorf("callback tick: %w", err)
	}
	cbs, err := s.cb.store.Callbacks(ctx)
	if err != nil {
		return fmt.Errorf("callback tick: %w", err)
	}
	var errs []error
	for _, cb := range cbs {
		ch, event := s.tickOne(ctx, dir, ops, cb, now)
		if event == "" {
			continue
		}
		if err := s.cb.store.Apply(ctx, ch); err != nil {
			if !errors.Is(err, ErrConflict) { // an operator acted meanwhile: next tick
				errs = append(errs, err)
			}
			continue
		}
		// The ticket is a random pseudonym; nothing about her is logged.
		s.log.LogAttrs(ctx, slog.LevelInfo, "callback tick", logattr.Event(event), logattr.Ticket(cb.Ticket), logattr.Count("age_min", int(now.Sub(cb.Created).Minutes())))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("callback tick: %w", err)
	}
	return nil
}

// tickOne decides what time did to one request; event is "" for nothing.
func (s *Service) tickOne(ctx context.Context, dir *directory.Directory, ops []Operator, cb Callback, now time.Time) (Change, string) {
	if now.Sub(cb.Created) >= s.cb.retention {
		// Her details leave the operators' chats too, her number first.
		closed := closedCard("op.card.closed", cb.Ticket)
		return Change{Delete: []string{cb.Ticket}, Send: editCards(s.cards(ctx, cb.Ticket), closed, &closed)}, "callback_purged"
	}
	if ch, event := s.tickHeld(ctx, dir, ops, cb, now); event != "" {
		return ch, event
	}
	var ch Change
	var event string
	if cb.TakenBy == 0 && cb.Stage < 2 && now.Sub(cb.escalateFrom()) >= s.cb.escalate {
		title := "op.card.again"
		if cb.Stage == 0 && centreOpen(dir, cb, now) {
			cb.Stage, event = 1, "callback_reannounced"
		} else {
			// Outside the centre's hours, or re-announced in vain: the
			// network's on-call operators.
			cb.Stage, event, title = 2, "callback_on_call", "op.card.oncall"
			ch.Count = []Count{count(now, CountEscalated, cb.Network, cb.Centre, cb.UILang)}
		}
		cb.Announced = now
		ch.Send = append(ch.Send, announce(targets(ops, dir, cb), dir, cb, title)...)
		if cb.Stage == 2 && !slices.ContainsFunc(ops, func(op Operator) bool { return op.OnCall && visible(dir, op, cb) }) {
			// The centre's operators got it again; the network's
			// coordinators must know that nobody is on call.
			event = "callback_no_on_call"
			ch.Send = append(ch.Send, s.alertCoordinators(ctx, dir, cb)...)
		}
	}
	if !cb.Final && cb.TakenBy == 0 && cb.tellHere() && now.After(cb.lastEnd()) {
		// Nobody holds it and her times are over: nobody reached her. A
		// request an operator still holds waits for her answer.
		cb.Final, event = true, "callback_final_message"
		ch.Send = append(ch.Send, Outgoing{Chat: cb.Chat, Lang: cb.UILang, Hers: true, Reply: finalMessage()})
	}
	if event == "" {
		return Change{}, ""
	}
	ch.Put = []Callback{cb}
	return ch, event
}

// finalMessage tells her that nobody reached her in her times: two neutral
// lines first, then the numbers that always answer and a way to ask again.
func finalMessage() Reply {
	return Reply{
		Texts:   append([]Text{T("cb.final.title"), T("cb.final.body")}, append(alwaysOnLines(), T("cb.final.again"))...),
		Buttons: [][]Button{{{Label: T("button.cb_again"), Data: "cb:again"}}, chatRow(), navRow(true)},
		Protect: true,
	}
}

// centreOpen says whether the centre of a request (any of its network's
// for "whichever can call first") is open at now.
func centreOpen(dir *directory.Directory, cb Callback, now time.Time) bool {
	if c, ok := dir.Centre(cb.Centre); ok {
		open, _ := c.OpenAt(now)
		return open
	}
	return len(dir.OpenAt(cb.Network, now)) > 0
}

// RunCallbackTicker calls Tick every interval until ctx is done, logging
// failures without personal data.
func (s *Service) RunCallbackTicker(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "callback tick failed", logattr.Event("callback_tick_failed"), logattr.Err(err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
