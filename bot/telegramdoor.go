package bot

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"frontdoor/flows"
	"frontdoor/flows/logattr"
)

// Owns tells whether a chat is Telegram's (OutboxDoor): all but the web
// door's.
func (t *Telegram) Owns(chat int64) bool { return IsTelegramChat(chat) }

// Deliver sends a message of the outbox, or edits the card o.Edit, once
// (OutboxDoor): the delivery retries, with the message safe in the store.
// A message to her joins her wipe trail, to be wiped within
// flows.HersVisibleFor.
func (t *Telegram) Deliver(ctx context.Context, o flows.Outgoing, m Message) (id, attempts int, err error) {
	if o.Edit != 0 {
		id, attempts, err = o.Edit, 1, t.edit(ctx, o.Chat, o.Edit, m)
	} else {
		id, attempts, err = t.sendWith(ctx, o.Chat, m, 0)
	}
	if err != nil {
		return 0, attempts, deliveryError(err)
	}
	if o.Edit == 0 {
		if t.cfg.OnSent != nil {
			t.cfg.OnSent(o.Chat, id)
		}
		if o.Hers {
			t.track(ctx, o.Chat, []int{id}, flows.HersVisibleFor)
		}
	}
	return id, attempts, nil
}

// deliveryError says what the delivery needs of a Bot API error: 429 waits
// its retry_after; 5xx, network and decoding errors back off; a refusal no
// retry can fix (403: the chat blocked the bot or never started it; 400)
// is final.
func deliveryError(err error) *DeliveryError {
	_, again := retryDelay(err, 1, sendBackoffMin)
	de := &DeliveryError{Err: err, Code: errorCode(err), Final: !again}
	if apiErr, ok := errors.AsType[*tgbotapi.Error](err); ok && apiErr.RetryAfter > 0 {
		de.RetryAfter = time.Duration(apiErr.RetryAfter) * time.Second
	}
	return de
}

// Withdraw deletes a message with her number that arrived after its
// request ended (OutboxDoor).
func (t *Telegram) Withdraw(ctx context.Context, chat int64, id int) {
	if _, err := t.deleteMessages(ctx, chat, []int{id}); err != nil {
		t.log.LogAttrs(ctx, slog.LevelError, "delete_failed", t.chatAttr(chat), logattr.Code(errorCode(err)), logattr.Err(err))
	}
}

// edit replaces the text and buttons of a message the bot sent: a card to
// operators once its request is taken or closed. A message without buttons
// loses the ones it had.
func (t *Telegram) edit(ctx context.Context, chat int64, messageID int, m Message) error {
	p, err := t.messageParams(ctx, chat, m)
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
