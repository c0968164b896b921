package flows

import "time"

// TrailWindow is how long a message id is kept for the wipe. Telegram lets
// a bot delete the messages of a private chat for 48 hours; an hour less
// leaves room for clock skew and a slow wipe, and an older message is
// neither kept nor attempted.
const TrailWindow = 47 * time.Hour

// Tracked is one message of a conversation, hers or the bot's, that a wipe
// deletes.
type Tracked struct {
	ID int
	At time.Time
}

// Trail is what is remembered of a conversation in order to wipe it: the
// ids of its messages, and when it is wiped if nothing else happens. It is
// sealed at rest like a session.
type Trail struct {
	Chat     int64
	Messages []Tracked
	// Due is when the idle wipe runs, or when the trail is dropped.
	Due time.Time
	// Idle is false when she turned the idle wipe off: at Due the trail is
	// only forgotten, and no message is deleted.
	Idle bool
}
