package flows

import (
	"context"
	"crypto/rand"
	"errors"
	"frontdoor/flows/directory"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// Callback is one request of a woman to be called back. Everything in it is
// about her: stores seal it and delete it when an operator closes it or the
// retention ends.
type Callback struct {
	// Ticket is the pseudonymous code operators see; random, never derived
	// from her chat.
	Ticket string `json:"k"`
	// Centre is the centre asked, or "" for "whichever can call first" in
	// Network.
	Centre  string `json:"c,omitempty"`
	Network string `json:"n"`
	// Chat is her chat, to write to her if nobody reaches her.
	Chat int64 `json:"h"`
	// Phone is the number to call, in E.164 form.
	Phone   string   `json:"p"`
	Windows []Window `json:"w"`
	// Voicemail and SMS say whether a message may be left on her phone.
	Voicemail bool `json:"v,omitempty"`
	SMS       bool `json:"m,omitempty"`
	// Here is whether she may get one message in her chat if nobody
	// reaches her in her times.
	Here Consent `json:"hc,omitempty"`
	// Say is what the caller says if someone else answers: a choice key
	// (see sayKeys), or her own words when SayOwn is set.
	Say    string `json:"s"`
	SayOwn string `json:"o,omitempty"`
	// Lang is the language she wants to be called in; UILang the one she
	// reads, for the message she may get if nobody reaches her.
	Lang    string    `json:"l"`
	UILang  string    `json:"u"`
	Created time.Time `json:"t"`
	// TakenBy is the operator's private chat that took it; 0 while open.
	// TakenIn is the receiving chat she took it in (a group, or her own
	// chat) and TakenAt when: she may act on it only while that chat
	// still receives it.
	TakenBy int64     `json:"b,omitempty"`
	TakenIn int64     `json:"bi,omitempty"`
	TakenAt time.Time `json:"bt,omitempty"`
	// Reminded is set once the operator who took it was reminded to close
	// it; it goes back to the others if she still does not.
	Reminded bool `json:"r,omitempty"`
	// Attempts counts "could not reach her".
	Attempts int `json:"a,omitempty"`
	// Announced is when operators were last told of it; Stage how far it
	// was escalated (0 centre, 1 re-announced, 2 on-call operators).
	Announced time.Time `json:"an"`
	Stage     int       `json:"g,omitempty"`
	// Final is set once she got the discreet message with the 24/7 numbers.
	Final bool `json:"f,omitempty"`
	// Version increases with every change; Apply refuses a put whose
	// Version is not the stored one, so two operators cannot both take it.
	Version int `json:"x"`
}

// Window is a span of time in which she said it is safe to call.
type Window struct {
	Start time.Time `json:"s"`
	End   time.Time `json:"e"`
	// Key names it for display ("today.morning", "asap").
	Key string `json:"k"`
}

// Operator is a chat that receives the requests of one centre: an
// operators' group or an operator's private chat.
type Operator struct {
	Chat   int64  `json:"c"`
	Centre string `json:"n"`
	// OnCall puts the chat on the network's on-call rota: it also gets the
	// requests nobody of their centre took in time.
	OnCall bool `json:"o,omitempty"`
	// Name is what coordinators see the chat as: a group's title when it
	// was linked. An operator's private chat shows the name she chose.
	Name string `json:"m,omitempty"`
}

// Outgoing is a message to send later from the persistent outbox, to an
// operator or to her. Text data must be strings, so that it survives the
// store's encoding unchanged.
type Outgoing struct {
	// ID is set by the store.
	ID    string `json:"-"`
	Chat  int64  `json:"c"`
	Lang  string `json:"l"`
	Reply Reply  `json:"r"`
	// Card, for a request's card to operators, is its ticket: once sent,
	// the store remembers the message, so that it can be edited later.
	Card string `json:"k,omitempty"`
	// Edit, when not 0, is the message to replace instead of sending one.
	Edit int `json:"e,omitempty"`
	// Hers marks a message to the woman herself: once sent it joins her
	// wipe trail, so that Exit, /forget and the idle wipe delete it too.
	Hers bool `json:"h,omitempty"`
	// Number marks the message with her number to the operator who took
	// the request (Card is its ticket): once sent it is remembered like a
	// card, and emptied when the request ends or passes to someone else.
	Number bool `json:"n,omitempty"`
	// Stale is set by Pending on a Number message whose request ended, or
	// is no longer taken by Chat, while it waited: it must not be sent.
	Stale bool `json:"-"`
}

// HersVisibleFor is how long a message the outbox sends her stays before the
// idle wipe removes it: long enough to be read, well inside the 48 hours in
// which the bot can still delete it.
const HersVisibleFor = 12 * time.Hour

// CardRef is a card as sent: the operator chat and its message. Number
// marks the message with her number rather than a card.
type CardRef struct {
	Chat    int64 `json:"c"`
	Message int   `json:"m"`
	Number  bool  `json:"n,omitempty"`
}

// Change is what one handled input writes, all in one transaction: the
// session, callbacks and the messages to send because of them.
type Change struct {
	Chat int64
	// Session, when not nil, is saved until Expires.
	Session *Session
	Expires time.Time
	// DropSession deletes the session of Chat instead (the idle wipe).
	DropSession bool
	// Put stores callbacks; each must carry the Version it was read with
	// (0 for a new one) and is stored with Version+1.
	Put []Callback
	// Delete removes callbacks by ticket.
	Delete []string
	// Send queues messages in the outbox.
	Send []Outgoing
	// Count adds one to each anonymous counter, in the same transaction as
	// the event it counts: a crash neither loses nor doubles a count.
	Count []Count
}

// empty says whether a change writes nothing but the session.
func (c Change) empty() bool { return len(c.Put)+len(c.Delete)+len(c.Send)+len(c.Count) == 0 }

// ErrConflict is returned by Apply when a callback changed since it was
// read: another operator was faster.
var ErrConflict = errors.New("callback changed meanwhile")

// CallbackStore keeps callbacks, operators and the outbox. Implementations
// seal everything and key nothing by a raw chat id.
type CallbackStore interface {
	// Apply writes a change atomically and durably, or nothing of it.
	// Deleting a callback deletes its card references too.
	Apply(ctx context.Context, c Change) error
	// Cards returns where every card of a callback was sent.
	Cards(ctx context.Context, ticket string) ([]CardRef, error)
	// Callback returns one callback by ticket.
	Callback(ctx context.Context, ticket string) (Callback, bool, error)
	// CallbackOf returns the request of a chat, if it has one, without
	// reading the others.
	CallbackOf(ctx context.Context, chat int64) (Callback, bool, error)
	// Callbacks returns all stored callbacks.
	Callbacks(ctx context.Context) ([]Callback, error)
	// Operators returns all operator chats.
	Operators(ctx context.Context) ([]Operator, error)
	// SaveOperator adds or replaces an operator chat.
	SaveOperator(ctx context.Context, op Operator) error
	// DeleteOperator removes an operator chat; found says whether it was there.
	DeleteOperator(ctx context.Context, chat int64) (found bool, err error)
}

// Outbox is the persistent queue of messages a transport delivers.
type Outbox interface {
	// Pending returns up to n queued messages, oldest first; a message
	// with her number that must no longer be sent comes marked Stale.
	Pending(ctx context.Context, n int) ([]Outgoing, error)
	// Sent removes a delivered (or stale) message; for a card or a number
	// whose callback still exists it remembers messageID, in the same
	// transaction. It reports stale for a message with her number whose
	// request ended, or passed to someone else, while it was being sent:
	// nothing would ever empty it, so the transport deletes it at once.
	Sent(ctx context.Context, o Outgoing, messageID int) (stale bool, err error)
}

// NumberLive says whether a message with her number may stand in its
// chat: its request exists (found) and is still taken by that chat. The
// stores use it in Pending and Sent.
func NumberLive(o Outgoing, cb Callback, found bool) bool {
	return found && cb.TakenBy == o.Chat
}

// Phone problems, told to her in her language.
var (
	errPhoneBad     = errors.New("not a phone number")
	errPhoneForeign = errors.New("not an Italian number")
)

// ParsePhone reads a number as she types it (Italian by default, or
// international) and returns it in E.164 form. Centres call from Italy,
// so only Italian numbers are accepted.
func ParsePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) < 3 || len(s) > 32 {
		return "", errPhoneBad
	}
	n, err := phonenumbers.Parse(s, "IT")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", errPhoneBad
	}
	if phonenumbers.GetRegionCodeForNumber(n) != "IT" {
		return "", errPhoneForeign
	}
	switch phonenumbers.GetNumberType(n) {
	case phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST, phonenumbers.TOLL_FREE, phonenumbers.UAN, phonenumbers.VOICEMAIL:
		return "", errPhoneBad
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// ticketAlphabet leaves out letters and digits that read alike (0/O, 1/I/L).
const ticketAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// newTicket draws a random 6-character ticket code.
func newTicket() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	for i := range b {
		b[i] = ticketAlphabet[int(b[i])%len(ticketAlphabet)]
	}
	return string(b)
}

// validTicket checks button data before it is used as a store key.
func validTicket(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune(ticketAlphabet, r) {
			return false
		}
	}
	return true
}

// Parts of the day she can pick, in Europe/Rome.
var dayParts = []struct {
	key         string
	start, stop int // hours
}{{"morning", 9, 13}, {"afternoon", 13, 18}, {"evening", 18, 21}}

// windowFor returns the window a key names ("today.morning",
// "tomorrow.evening", "asap") as seen at now; ok is false for an unknown
// key. A window that has already ended is returned with past set.
func windowFor(key string, now time.Time) (w Window, past, ok bool) {
	now = now.In(directory.Rome)
	if key == "asap" {
		return Window{Start: now, End: now.Add(24 * time.Hour), Key: key}, false, true
	}
	day, part, found := strings.Cut(key, ".")
	if !found {
		return Window{}, false, false
	}
	base := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, directory.Rome)
	switch day {
	case "today":
	case "tomorrow":
		base = base.AddDate(0, 0, 1)
	default:
		return Window{}, false, false
	}
	for _, p := range dayParts {
		if p.key == part {
			w = Window{Start: base.Add(time.Duration(p.start) * time.Hour), End: base.Add(time.Duration(p.stop) * time.Hour), Key: key}
			return w, !w.End.After(now), true
		}
	}
	return Window{}, false, false
}

// sayKeys are the neutral things a caller can say if someone else answers.
var sayKeys = []string{"wrong", "survey", "hangup"}

// lastEnd is when her last window ends.
func (c Callback) lastEnd() time.Time {
	var end time.Time
	for _, w := range c.Windows {
		if w.End.After(end) {
			end = w.End
		}
	}
	return end
}

// firstStart is when her first window begins.
func (c Callback) firstStart() time.Time {
	var start time.Time
	for i, w := range c.Windows {
		if i == 0 || w.Start.Before(start) {
			start = w.Start
		}
	}
	return start
}

// messages is her answer to "may they leave a message" as a choice key
// (msgChoices).
func (c Callback) messages() string {
	switch {
	case c.Voicemail && c.SMS:
		return "both"
	case c.Voicemail:
		return "vm"
	case c.SMS:
		return "sms"
	}
	return "none"
}

// Consent is her answer to a question she may not have been asked.
type Consent int8

// The answers to a consent question.
const (
	// ConsentUnasked is the answer of requests stored before the question
	// existed.
	ConsentUnasked Consent = iota
	ConsentYes
	ConsentNo
)

// tellHere says whether she may be written to in her chat when nobody
// reached her. Requests stored before she was asked had one question,
// "may they leave a message?", and "no message" was what she chose: they
// follow her voicemail and SMS answer, as they did when she made them.
func (c Callback) tellHere() bool {
	switch c.Here {
	case ConsentYes:
		return true
	case ConsentNo:
		return false
	}
	return c.Voicemail || c.SMS
}
