package bot

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"frontdoor/flows"
	"frontdoor/flows/logattr"
)

// outboxBatch bounds the messages read from the outbox at a time.
const outboxBatch = 50

// RunOutbox delivers the persistent outbox until ctx is done: cards and
// numbers to operators, and the discreet message to a woman nobody could
// reach. It looks every interval (default 1 s). A message leaves the outbox
// only once Telegram accepted it, so after a crash or restart it is sent
// again: delivery is at least once, and operator buttons are idempotent so
// a duplicate does no harm. Network errors, 5xx and 429 keep the message
// and back off; a refusal that no retry can fix (403: the chat blocked the
// bot or never started it; 400) is logged and the message dropped, so that
// it cannot hold up the queue.
func (t *Telegram) RunOutbox(ctx context.Context, box flows.Outbox, every time.Duration) {
	if every <= 0 {
		every = time.Second
	}
	failures := 0
	for {
		wait := every
		if n, err := t.deliver(ctx, box); err != nil {
			if n > 0 {
				// It got messages through: a passing fault, not an outage,
				// so the backoff starts again (under a steady share of
				// faults it would otherwise climb to backoffMax).
				failures = 0
			}
			failures++
			d, _ := retryDelay(err, failures, sendBackoffMin) // the backoff, or Telegram's retry_after
			wait = max(every, d)
			t.log.LogAttrs(ctx, slog.LevelWarn, "outbox_retry", logattr.Code(errorCode(err)),
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

// deliver sends what is pending, oldest first, and returns how many it
// handled; it stops at the first error worth retrying. A message with her
// number that must no longer stand is not sent (Stale) or deleted at once
// (stale once sent); one that Telegram refuses for good is handed to
// TelegramConfig.Undelivered, so that the request goes back to the others.
func (t *Telegram) deliver(ctx context.Context, box flows.Outbox) (int, error) {
	pending, err := box.Pending(ctx, outboxBatch)
	if err != nil {
		return 0, err
	}
	for i, o := range pending {
		if o.Stale {
			if _, err := box.Sent(ctx, o, 0); err != nil {
				return i, err
			}
			t.log.LogAttrs(ctx, slog.LevelInfo, "outbox_stale", t.chatAttr(o.Chat))
			continue
		}
		m, ok := t.renderQueued(ctx, o)
		if !ok {
			// It would fail the same way at every try and hold up every
			// message behind it: dropped, and told to whoever runs the bot.
			if _, err := box.Sent(ctx, o, 0); err != nil {
				return i, err
			}
			t.observeDropped(o)
			continue
		}
		// The outbox loop retries, with the message safe in the store.
		var id, attempts int
		var err error
		if o.Edit != 0 {
			id, attempts, err = o.Edit, 1, t.edit(ctx, o.Chat, o.Edit, m)
		} else {
			id, attempts, err = t.sendWith(ctx, o.Chat, m, 0)
		}
		event, level := "outbox_sent", slog.LevelInfo
		if err != nil {
			if _, retry := retryDelay(err, 1, sendBackoffMin); retry {
				return i, err
			}
			event, level = "outbox_dropped", slog.LevelError
			if o.Number && t.cfg.Undelivered != nil {
				if uerr := t.cfg.Undelivered(ctx, o); uerr != nil {
					return i, uerr // kept, and tried again
				}
				event = "outbox_number_returned"
			}
			t.observeDropped(o)
			id = 0
		} else if o.Edit == 0 {
			if t.cfg.OnSent != nil {
				t.cfg.OnSent(o.Chat, id)
			}
			if o.Hers {
				t.track(ctx, o.Chat, []int{id}, flows.HersVisibleFor)
			}
		}
		stale, serr := box.Sent(ctx, o, id)
		if serr != nil {
			return i, serr
		}
		if stale {
			// Its request ended while it travelled: nothing would empty it.
			if _, err := t.deleteMessages(ctx, o.Chat, []int{id}); err != nil {
				t.log.LogAttrs(ctx, slog.LevelError, "delete_failed", t.chatAttr(o.Chat), logattr.Code(errorCode(err)), logattr.Err(err))
			}
			event = "outbox_number_withdrawn"
		}
		t.log.LogAttrs(ctx, level, event, t.chatAttr(o.Chat),
			logattr.Code(errorCode(err)), logattr.Count("attempts", attempts))
	}
	return len(pending), nil
}

// edit replaces the text and buttons of a message the bot sent: a card to
// operators once its request is taken or closed. A message without buttons
// loses the ones it had.
func (t *Telegram) edit(ctx context.Context, chat int64, messageID int, m Message) error {
	p, err := messageParams(chat, m)
	if err != nil {
		return err
	}
	// An edit neither rings nor changes protection: Telegram has no such
	// fields for it.
	delete(p, "disable_notification")
	delete(p, "protect_content")
	p["message_id"] = strconv.Itoa(messageID)
	if _, ok := p["reply_markup"]; !ok {
		p["reply_markup"] = `{"inline_keyboard":[]}`
	}
	_, err = t.call(ctx, "editMessageText", p)
	return err
}

// renderQueued renders a message of the outbox; ok is false when rendering
// panicked (a stored message the renderer cannot read). The panic is
// logged without its value or arguments: Go's traceback would print the
// chat id.
func (t *Telegram) renderQueued(ctx context.Context, o flows.Outgoing) (m Message, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			t.log.LogAttrs(ctx, slog.LevelError, "outbox_unrenderable", t.chatAttr(o.Chat), logattr.Panic(p))
			ok = false
		}
	}()
	return t.cfg.Renderer.Render(o.Lang, o.Reply), true
}
