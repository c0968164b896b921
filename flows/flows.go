// Package flows is the domain core of frontdoor: the dialogues a woman has
// with the bot, the directory of centres with their opening hours, and the
// small storage interfaces the dialogues need. It knows nothing of Telegram,
// bbolt or message catalogues: input comes in as Input, replies go out as
// abstract Reply values (message ids, data, buttons) that a transport renders.
package flows

import (
	"context"
	"time"
)

// Kind says what a woman did.
type Kind int

// The kinds of input a transport can deliver.
const (
	KindCommand  Kind = iota + 1 // "/start", "/lang it" ...
	KindText                     // free text
	KindButton                   // an inline button was pressed
	KindLocation                 // a shared location
	KindDocument                 // a file: staff send the directory file
	KindContact                  // a shared contact (its number is in Phone)
)

// Input is one thing a woman did, as the transport understood it.
type Input struct {
	// Chat identifies the conversation. It is the transport's private chat
	// id; storage never keeps it in clear.
	Chat int64
	// Update is the transport's update id, increasing per chat; 0 when the
	// transport has none (the console).
	Update int64
	// Lang is the language the client reports (Telegram's language_code).
	Lang string
	Kind Kind
	// Command is the command name without the slash, lower case; Args what
	// follows it.
	Command string
	Args    string
	// Text is the free text she typed.
	Text string
	// Data is the payload of the pressed button.
	Data string
	// Lat and Lon are the shared location.
	Lat, Lon float64
	// Phone is the number of a shared contact.
	Phone string
	// From is the user who wrote or pressed, which differs from Chat in a
	// group; 0 when the transport has none (the console).
	From int64
	// Group is true for a group chat; only operators' groups are served.
	Group bool
	// Document is the content of a sent file (nil when it was too large or
	// not downloaded) and DocumentName its name.
	Document     []byte
	DocumentName string
	// Message is the message whose button was pressed, so that an answer
	// can replace it; 0 when unknown.
	Message int
	// FromName is the name an operator who pressed a button in a group
	// shows there (Telegram's first and last name): the group's card says
	// who took a request when she chose no name of her own. Empty in
	// private chats. Never logged.
	FromName string
	// ChatTitle is the title of a group: the name a linked operators'
	// group is listed under.
	ChatTitle string
	// Door is where she writes from; the zero value is a chat.
	Door Door
}

// Door is the kind of place a conversation happens in. The dialogues are
// the same behind every door; only a few sentences differ, where they say
// how to clear the conversation or what else can see it.
type Door int8

// The doors.
const (
	// DoorChat is a chat app (Telegram, and the console that plays it):
	// messages stay in the chat until deleted, a number and a location can
	// be shared with a button.
	DoorChat Door = iota
	// DoorWeb is a page in her browser: one screen at a time, nothing to
	// share but what she types, no staff commands.
	DoorWeb
)

// Text is one localizable piece of a reply: a message id and its template
// data. A Data value that is itself a Text is localized first, so that for
// example a weekday name is shown in her language.
type Text struct {
	ID   string
	Data map[string]any
	// Count selects the plural form when not nil.
	Count any
}

// T is a short way to build a Text.
func T(id string, kv ...any) Text {
	t := Text{ID: id}
	if len(kv) > 0 {
		t.Data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			t.Data[kv[i].(string)] = kv[i+1]
		}
	}
	return t
}

// TN is T with a count: the plural form of the message follows n, and the
// template sees n as {{.Count}}.
func TN(id string, n int, kv ...any) Text {
	t := T(id, append([]any{"Count", n}, kv...)...)
	t.Count = n
	return t
}

// Raw is a Text that is shown as it is, untranslated: names of centres,
// towns, phone numbers. Renderers must escape it like any other text.
func Raw(s string) Text { return Text{ID: RawID, Data: map[string]any{"Text": s}} }

// RawID is the message id of Raw texts; renderers show Data["Text"].
const RawID = "raw"

// Button is an inline button: a label and the data it sends back, or, when
// URL is set, a link the transport opens instead.
type Button struct {
	Label Text
	Data  string
	URL   string `json:",omitempty"`
}

// Audience says who a message is for. The transport derives from it, in one
// place, how the message arrives: a woman's phone never rings and what she
// gets cannot be forwarded; what asks operators to act rings.
type Audience int

// The audiences. The zero value is the woman, the safe default.
const (
	// ForHer is a woman's chat: silent, and protected from forwarding and
	// saving.
	ForHer Audience = iota
	// ForStaff is a member of staff at work in her own chat (or a group
	// acknowledging its command): silent, and forwardable, as invite
	// links and the directory file must be.
	ForStaff
	// ForOperators is a request that someone must act on (a card, her
	// number, a reminder, an escalation): with sound.
	ForOperators
)

// Reply is one message to send.
type Reply struct {
	// Texts are the lines of the message, joined with newlines.
	Texts []Text
	// To is who the message is for; it decides sound and protection.
	To Audience `json:",omitempty"`
	// Buttons are rows of inline buttons.
	Buttons [][]Button
	// Protect asks the transport to keep the message from being forwarded
	// or saved: it carries help information.
	Protect bool
	// AskLocation asks the transport to offer a one-tap "share location"
	// keyboard with this message instead of inline buttons.
	AskLocation bool
	// AskContact asks the transport to offer a one-tap "share my number"
	// keyboard with this message instead of inline buttons.
	AskContact bool
	// Document, when set, is sent as a file with the texts as its caption.
	Document *Document
	// RemoveKeyboard asks the transport to take away a keyboard offered
	// earlier (the "share location" one), which deleting messages leaves
	// on her screen.
	RemoveKeyboard bool
	// Transient asks the transport to delete the message as soon as it is
	// sent: it exists only to carry RemoveKeyboard.
	Transient bool
}

// Document is a file to send, such as the exported directory.
type Document struct {
	Name string
	Data []byte
}

// Result is what handling one input produced.
type Result struct {
	// Lang is the language to render the replies in.
	Lang    string
	Replies []Reply
	// Duplicate is true when the update had already been handled: nothing
	// was changed and nothing must be sent.
	Duplicate bool
	// Event names what happened, for logs and metrics; never personal data.
	Event string
	// Wipe asks the transport to delete every message of the conversation
	// it still can, then to send Replies without tracking them: they are
	// what she chose to leave in the chat. Her state is already forgotten.
	Wipe bool
	// IdleWipe is how long after this input the transport wipes the
	// conversation by itself if nothing else happens; 0 means never (she
	// turned it off).
	IdleWipe time.Duration
	// Menu asks the transport to change the command menu of this chat.
	Menu MenuChange
	// Answer, when set, is the short answer to a pressed button, shown
	// only to whoever pressed it (a pop-up), never to the whole chat.
	Answer *Text
}

// MenuChange tells the transport which command menu a chat should show.
type MenuChange int

// The menus of a chat: as it is, the staff's (public commands plus staff
// commands), or back to the public one (someone who is no longer staff).
const (
	MenuUnchanged MenuChange = iota
	MenuStaff
	MenuPublic
)

// Session is what the bot remembers of one conversation between updates.
// It is sealed at rest and expires after a period of inactivity.
type Session struct {
	State   string `json:"s,omitempty"`
	Lang    string `json:"l,omitempty"`
	Network string `json:"n,omitempty"`
	// Town is the last town she searched, to go back to its results.
	Town string `json:"w,omitempty"`
	// Data holds the answers of a dialogue in progress.
	Data map[string]string `json:"d,omitempty"`
	// LastUpdate is the id of the last update handled in this chat, so that
	// a re-delivered update is recognised and skipped.
	LastUpdate int64     `json:"u,omitempty"`
	Seen       time.Time `json:"t"`
	// Idle is her idle-wipe choice in minutes: 0 the default, -1 off.
	Idle int `json:"i,omitempty"`
	// Leave is her choice to leave one neutral message after a wipe.
	Leave bool `json:"x,omitempty"`
	// Keyboard is true once a reply keyboard was offered, which a wipe
	// must take away.
	Keyboard bool `json:"k,omitempty"`
	// Replay holds the replies to LastUpdate when that update made or
	// withdrew a request: should the update come again (the process
	// stopped before they reached her), they are sent again, since she
	// must learn what was done. Cleared by her next update.
	Replay []Reply `json:"r,omitempty"`
}

// SessionStore keeps sessions. Implementations seal what they store and
// never use the raw chat id as a key.
type SessionStore interface {
	// Session returns the session of a chat; found is false when there is
	// none or it has expired.
	Session(ctx context.Context, chat int64) (s Session, found bool, err error)
	// SaveSession durably stores the session; it expires at expires. It
	// returns only once the write is committed.
	SaveSession(ctx context.Context, chat int64, s Session, expires time.Time) error
	// DeleteSession forgets the session of a chat at once, for the wipe;
	// deleting a missing session is not an error.
	DeleteSession(ctx context.Context, chat int64) error
}

// DirectoryStore keeps the directory of centres.
type DirectoryStore interface {
	// Directory returns the stored directory; found is false when none has
	// been stored yet.
	Directory(ctx context.Context) (d DirectoryData, found bool, err error)
	// SaveDirectory replaces the stored directory. Of a centre whose
	// address is confidential it keeps only the position of its comune
	// (KeepCoarse), never the coordinates in d.
	SaveDirectory(ctx context.Context, d DirectoryData) error
}
