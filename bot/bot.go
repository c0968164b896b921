// Package bot holds the doors of frontdoor and the core they share. The
// core knows no transport: which door a chat belongs to, per-chat
// ordering (ChatLocks), the delivery of the persistent outbox to the door
// of each chat (Delivery), the idle wipe (IdleWiper), retries with
// back-off, pseudonyms of chats for logs, and rendering replies in her
// language. The doors adapt it: Telegram (its own long-poll loop or a
// webhook over the Bot API, with the rules that are Telegram's alone), the
// console, and the web door in bot/web. A door turns what a woman does
// into a flows.Input, hands it to the dialogues and shows the replies its
// own way.
package bot

import (
	"context"

	"frontdoor/flows"
)

// Handler runs the dialogues for one input. flows.Service implements it.
type Handler interface {
	Handle(ctx context.Context, in flows.Input) (flows.Result, error)
}

// FileGate is asked, before a file a chat sent is fetched, whether that
// chat may send one at all, so that files from anyone else are never
// downloaded. A Handler that does not implement it gets no files.
// flows.Service implements it.
type FileGate interface {
	AcceptsFile(ctx context.Context, chat int64) bool
}

// Message is a reply rendered in one language, ready for a transport.
type Message struct {
	// Text is HTML as Telegram's parse_mode "HTML" accepts it: every value
	// that came from data is already escaped.
	Text    string
	Buttons [][]MessageButton
	// Protect asks Telegram to keep the message from being forwarded or saved.
	Protect bool
	// To is who the message is for, which decides how it arrives (see
	// arrival).
	To flows.Audience
	// LocationLabel, when not empty, asks for a one-time reply keyboard with
	// a single "share location" button carrying this label, instead of the
	// inline buttons.
	LocationLabel string
	// RemoveKeyboard takes away a reply keyboard offered earlier.
	RemoveKeyboard bool
	// ContactLabel, when not empty, asks likewise for a single "share my
	// number" button carrying this label.
	ContactLabel string
	// Document, when set, is sent as a file with Text as its caption.
	Document *flows.Document
}

// MessageButton is an inline button ready to send: it sends Data back, or
// opens URL when that is set.
type MessageButton struct {
	Label string
	Data  string
	URL   string
}

// Renderer turns abstract replies into messages in a language.
type Renderer interface {
	Render(lang string, r flows.Reply) Message
}
