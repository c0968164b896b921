package bot

import (
	"context"
	"log/slog"

	"frontdoor/flows"
	"frontdoor/flows/logattr"
)

// Shelf is a door that cannot push a message to her: it keeps what the
// outbox has for one of its chats until she next looks (the web door).
type Shelf interface {
	// Keep takes a message for one of the door's chats; it reports false
	// when it cannot keep it (nobody with that chat is known any more).
	Keep(ctx context.Context, o flows.Outgoing) bool
}

// RoutedOutbox is the outbox as the Telegram transport sees it: a message
// for a web chat is handed to the web door (Web) as soon as it comes up,
// and removed from the outbox, so that Telegram is never asked to send
// anything to a web chat id. With no web door such a message is dropped.
type RoutedOutbox struct {
	flows.Outbox
	Web Shelf
	// Log receives event kinds and pseudonyms only; nil discards.
	Log *slog.Logger
	// Ref is the pseudonym of a chat in the log.
	Ref func(chat int64) slog.Attr
}

// Pending returns the queued messages for Telegram among the first n,
// after handing the web's to the web door.
func (r RoutedOutbox) Pending(ctx context.Context, n int) ([]flows.Outgoing, error) {
	pending, err := r.Outbox.Pending(ctx, n)
	if err != nil {
		return nil, err
	}
	keep := pending[:0]
	for _, o := range pending {
		if !IsWebChat(o.Chat) {
			keep = append(keep, o)
			continue
		}
		event, level := "outbox_kept", slog.LevelInfo
		if r.Web == nil || !r.Web.Keep(ctx, o) {
			event, level = "outbox_dropped", slog.LevelWarn
		}
		if _, err := r.Outbox.Sent(ctx, o, 0); err != nil {
			return keep, err
		}
		log := r.Log
		if log == nil {
			log = slog.New(slog.DiscardHandler)
		}
		ref := slog.Attr{}
		if r.Ref != nil {
			ref = r.Ref(o.Chat)
		}
		log.LogAttrs(ctx, level, event, ref, logattr.Event("web"))
	}
	return keep, nil
}
