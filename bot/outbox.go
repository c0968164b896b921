package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"frontdoor/flows"
	"frontdoor/flows/logattr"
)

const (
	// outboxBatch bounds the messages read from the outbox at a time.
	outboxBatch = 50
	// outboxBackoffMin is the first wait after a failed delivery.
	outboxBackoffMin = 500 * time.Millisecond
)

// OutboxDoor is a door's side of the outbox: the chats it owns, and how it
// delivers a message to one of them.
type OutboxDoor interface {
	// Owns tells whether a chat is this door's.
	Owns(chat int64) bool
	// Deliver delivers one message of the outbox, once: sends it, replaces
	// the message o.Edit with it, or keeps it until she looks. It returns
	// the message's id in the chat (0 when the door gives none) and the
	// tries it took. An error is retried later, with the message safe in
	// the outbox, unless it is a *DeliveryError that says otherwise.
	Deliver(ctx context.Context, o flows.Outgoing, m Message) (id, attempts int, err error)
	// Withdraw takes back a delivered message with her number whose
	// request ended while it travelled: nothing else would ever empty it.
	Withdraw(ctx context.Context, chat int64, id int)
}

// DeliveryError is a door's failure to deliver, told in the terms the
// delivery needs.
type DeliveryError struct {
	Err error
	// Code is the door's code of the error for the log (the Bot API's
	// error code), or 0.
	Code int
	// Final says that no retry can deliver the message (Telegram's 403:
	// the chat blocked the bot or never started it): it is dropped, so that
	// it cannot hold up the queue.
	Final bool
	// RetryAfter is how long the door asked to wait before the next try
	// (Telegram's retry_after); 0 leaves it to the back-off.
	RetryAfter time.Duration
}

// Error is the door's error, as it said it.
func (e *DeliveryError) Error() string { return e.Err.Error() }

// Unwrap gives the door's error to errors.Is and errors.As.
func (e *DeliveryError) Unwrap() error { return e.Err }

// DropObserver is told of every message dropped from the outbox for good,
// by kind (see outboxKind), so that cmd can count them.
type DropObserver interface {
	OutboxDropped(kind string)
}

// Kinds of outbox messages, for DropObserver.
const (
	OutboxNumber   = "number"   // her number, to the operator who took the request
	OutboxCard     = "card"     // a request's card to an operators' chat
	OutboxOperator = "operator" // another message to operators
	OutboxHers     = "her"      // a message to the woman herself
)

// outboxKind says what an outbox message is, for metrics.
func outboxKind(o flows.Outgoing) string {
	switch {
	case o.Hers:
		return OutboxHers
	case o.Number:
		return OutboxNumber
	case o.Card != "":
		return OutboxCard
	}
	return OutboxOperator
}

// Delivery delivers the persistent outbox: cards and numbers to operators,
// and the discreet message to a woman nobody could reach. One loop reads
// the outbox, oldest first, and hands each message, rendered in its
// language, to the door its chat belongs to. A message leaves the outbox
// only once its door took it, so after a crash or restart it is delivered
// again: at least once (operator buttons are idempotent, so a duplicate
// card does no harm). Failures keep the message and back off; a message
// no retry can deliver, or that cannot be rendered, is logged and dropped,
// so that it cannot hold up the queue.
type Delivery struct {
	Outbox   flows.Outbox
	Renderer Renderer
	// Doors take the messages of the chats they own. A message of a chat
	// no door owns (a web chat while the bot runs without its web door) is
	// dropped.
	Doors []OutboxDoor
	// Undelivered, when set, is told of a message with her number that its
	// door refused for good (the operator never started a private chat
	// with the bot, or blocked it), before it leaves the outbox: the
	// request must go back to the others. An error keeps the message
	// queued, to be tried again.
	Undelivered func(ctx context.Context, o flows.Outgoing) error
	// Observer, when set, counts the messages dropped.
	Observer DropObserver
	// Log receives event kinds and pseudonyms only; nil discards.
	Log *slog.Logger
	// Ref is the pseudonym of a chat in the log.
	Ref func(chat int64) slog.Attr
}

// Run delivers the outbox until ctx is done, looking every interval
// (default 1 s), and at once again while a full batch was delivered.
func (d *Delivery) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Second
	}
	failures := 0
	for {
		wait := every
		if n, err := d.deliver(ctx); err != nil {
			if n > 0 {
				// It got messages through: a passing fault, not an outage,
				// so the backoff starts again (under a steady share of
				// faults it would otherwise climb to backoffMax).
				failures = 0
			}
			failures++
			wait = max(every, retryWait(err, failures))
			d.log().LogAttrs(ctx, slog.LevelWarn, "outbox_retry", logattr.Code(codeOf(err)),
				logattr.Wait(wait), logattr.Err(err))
		} else {
			failures = 0
			if n == outboxBatch {
				wait = 0 // more are waiting
			}
		}
		if !sleep(ctx, wait) {
			return
		}
	}
}

// Flush makes one last delivery attempt at shutdown, after Run has
// returned and the doors handled their last inputs, so that what they
// queued (a new request's card for the operators) goes out now rather
// than at the next start. It gives up after shutdownGrace, even when ctx
// is already cancelled; what it cannot deliver stays in the outbox.
func (d *Delivery) Flush(ctx context.Context) {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	for {
		n, err := d.deliver(fctx)
		if err != nil {
			d.log().LogAttrs(ctx, slog.LevelWarn, "outbox_flush_incomplete", logattr.Code(codeOf(err)), logattr.Err(err))
			return
		}
		if n < outboxBatch {
			return
		}
	}
}

// retryWait is how long to wait after the failures-th failed delivery in a
// row: what the door asked, or the back-off.
func retryWait(err error, failures int) time.Duration {
	if de, ok := errors.AsType[*DeliveryError](err); ok && de.RetryAfter > 0 {
		return de.RetryAfter
	}
	return backoff(failures, outboxBackoffMin)
}

// codeOf is the door's code of an error, for the log; 0 for none.
func codeOf(err error) int {
	if de, ok := errors.AsType[*DeliveryError](err); ok {
		return de.Code
	}
	return 0
}

// deliver delivers what is pending, oldest first, and returns how many it
// handled; it stops at the first error worth retrying. A message with her
// number that must no longer stand is not delivered (Stale) or withdrawn
// at once (stale once delivered); one that its door refuses for good is
// handed to Undelivered, so that the request goes back to the others.
func (d *Delivery) deliver(ctx context.Context) (int, error) {
	pending, err := d.Outbox.Pending(ctx, outboxBatch)
	if err != nil {
		return 0, err
	}
	for i, o := range pending {
		if o.Stale {
			if _, err := d.Outbox.Sent(ctx, o, 0); err != nil {
				return i, err
			}
			d.log().LogAttrs(ctx, slog.LevelInfo, "outbox_stale", d.ref(o.Chat))
			continue
		}
		door := d.doorOf(o.Chat)
		if door == nil {
			if _, err := d.Outbox.Sent(ctx, o, 0); err != nil {
				return i, err
			}
			d.log().LogAttrs(ctx, slog.LevelWarn, "outbox_dropped", d.ref(o.Chat))
			d.observeDropped(o)
			continue
		}
		m, ok := d.render(ctx, o)
		if !ok {
			// It would fail the same way at every try and hold up every
			// message behind it: dropped, and told to whoever runs the bot.
			if _, err := d.Outbox.Sent(ctx, o, 0); err != nil {
				return i, err
			}
			d.observeDropped(o)
			continue
		}
		id, attempts, err := door.Deliver(ctx, o, m)
		event, level := "outbox_sent", slog.LevelInfo
		if err != nil {
			if de, ok := errors.AsType[*DeliveryError](err); !ok || !de.Final {
				return i, err
			}
			event, level = "outbox_dropped", slog.LevelError
			if o.Number && d.Undelivered != nil {
				if uerr := d.Undelivered(ctx, o); uerr != nil {
					return i, uerr // kept, and tried again
				}
				event = "outbox_number_returned"
			}
			d.observeDropped(o)
			id = 0
		}
		stale, serr := d.Outbox.Sent(ctx, o, id)
		if serr != nil {
			return i, serr
		}
		if stale {
			// Its request ended while it travelled: nothing would empty it.
			door.Withdraw(ctx, o.Chat, id)
			event = "outbox_number_withdrawn"
		}
		d.log().LogAttrs(ctx, level, event, d.ref(o.Chat),
			logattr.Code(codeOf(err)), logattr.Count("attempts", attempts))
	}
	return len(pending), nil
}

// doorOf is the door a chat belongs to, or nil.
func (d *Delivery) doorOf(chat int64) OutboxDoor {
	for _, door := range d.Doors {
		if door.Owns(chat) {
			return door
		}
	}
	return nil
}

// render renders a message of the outbox; ok is false when rendering
// panicked (a stored message the renderer cannot read). The panic is
// logged without its value or arguments: Go's traceback would print the
// chat id.
func (d *Delivery) render(ctx context.Context, o flows.Outgoing) (m Message, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			d.log().LogAttrs(ctx, slog.LevelError, "outbox_unrenderable", d.ref(o.Chat), logattr.Panic(p))
			ok = false
		}
	}()
	return d.Renderer.Render(o.Lang, o.Reply), true
}

func (d *Delivery) observeDropped(o flows.Outgoing) {
	if d.Observer != nil {
		d.Observer.OutboxDropped(outboxKind(o))
	}
}

func (d *Delivery) log() *slog.Logger {
	if d.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Log
}

func (d *Delivery) ref(chat int64) slog.Attr {
	if d.Ref == nil {
		return slog.Attr{}
	}
	return d.Ref(chat)
}
