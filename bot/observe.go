package bot

import (
	"context"
	"errors"
	"time"
)

// Outcomes of an update, as reported to an Observer.
const (
	OutcomeHandled   = "handled"   // answered (replies sent or tried)
	OutcomeDuplicate = "duplicate" // already handled before: skipped
	OutcomeIgnored   = "ignored"   // not for the dialogues (group chat, edit...)
	OutcomeError     = "error"     // the dialogues failed (store down...)
	OutcomePanic     = "panic"     // the handler panicked
	OutcomeFlood     = "flood"     // its chat sent too many at once: dropped, with a notice
	// OutcomeUndecodable is an update Telegram sent that does not decode:
	// acknowledged and dropped.
	OutcomeUndecodable = "undecodable"
)

// CodeNetwork is the code an Observer gets for a Bot API call that got no
// answer from Telegram (network error, timeout, undecodable answer).
const CodeNetwork = -1

// Observer is told what the Telegram transport does, so that cmd can count
// it (metrics, health) without the transport knowing how. Every argument is
// a fixed word or a number, never anything about a person. Methods are
// called concurrently.
type Observer interface {
	// Update is called once per update: its kind ("command", "text",
	// "button", "location", "none"), its outcome (Outcome*) and the time
	// from receiving it to its last reply sent.
	Update(kind, outcome string, took time.Duration)
	// APICall is called after each Bot API call with its method and the
	// error code: 0 for success, the Bot API error code, or CodeNetwork.
	APICall(method string, code int)
}

func (t *Telegram) observeUpdate(kind, outcome string, took time.Duration) {
	if t.cfg.Observer != nil {
		t.cfg.Observer.Update(kind, outcome, took)
	}
}

func (t *Telegram) observeCall(method string, err error) {
	if t.cfg.Observer == nil {
		return
	}
	code := 0
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return // our own shutdown, not Telegram's failure
		}
		if code = errorCode(err); code == 0 {
			code = CodeNetwork
		}
	}
	t.cfg.Observer.APICall(method, code)
}
