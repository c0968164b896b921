package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"frontdoor/flows"
	"frontdoor/flows/logattr"
)

// idleParallel bounds the idle wipes of one door run at the same time.
const idleParallel = 8

// IdleDoor is a door's side of the idle wipe: which chats are its own, and
// taking away what it shows of one once her state is forgotten.
type IdleDoor interface {
	// Owns tells whether a chat is this door's.
	Owns(chat int64) bool
	// Cleared is told that the idle wipe of a chat forgot her state: trail
	// is what was tracked of the chat, res the dialogue's side of the wipe
	// (flows.Service.Wipe).
	Cleared(ctx context.Context, chat int64, trail flows.Trail, res flows.Result)
}

// IdleWiper runs the idle wipes of one door's chats from the trails' due
// index, which survives restarts: every Every (default 1 min) it takes the
// trails that are due, forgets her state and lets the door clear its
// screen, each chat under its lock so that no input of hers runs in the
// middle of it.
type IdleWiper struct {
	Trail Trail
	Wiper Wiper
	Door  IdleDoor
	// Locks are the door's chat locks, shared with its inputs.
	Locks *ChatLocks
	Every time.Duration
	// Now is the clock of the due times; nil means time.Now.
	Now func() time.Time
	// Log receives event kinds and pseudonyms only; nil discards.
	Log *slog.Logger
	// Ref is the pseudonym of a chat in the log.
	Ref func(chat int64) slog.Attr
}

// Run wipes due chats until ctx ends.
func (w *IdleWiper) Run(ctx context.Context) {
	every := w.Every
	if every <= 0 {
		every = defaultWipeEvery
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		w.WipeDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// WipeDue runs every idle wipe of the door's chats that is due now.
func (w *IdleWiper) WipeDue(ctx context.Context) {
	now := w.now()
	for ctx.Err() == nil {
		due, err := w.Trail.DueTrails(ctx, now, dueBatch)
		if err != nil {
			if ctx.Err() == nil {
				w.log().LogAttrs(ctx, slog.LevelError, "idle_wipe_failed", logattr.Err(err))
			}
			return
		}
		sem := make(chan struct{}, idleParallel)
		var wg sync.WaitGroup
		mine := 0
		for _, chat := range due {
			if !w.Door.Owns(chat) {
				continue // another door's, which wipes it
			}
			mine++
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				w.wipe(ctx, chat, now)
			})
		}
		wg.Wait()
		if len(due) < dueBatch || mine == 0 {
			return
		}
	}
}

// wipe wipes one chat whose trail was due at now, unless she did something
// meanwhile (the trail is then no longer due and is left alone).
func (w *IdleWiper) wipe(ctx context.Context, chat int64, now time.Time) {
	gctx, stop := graceful(ctx)
	defer stop()
	ctx, cancel := context.WithTimeout(gctx, wipeTimeout)
	defer cancel()
	defer w.Locks.Lock(chat)()
	trail, found, err := w.Trail.TakeTrail(ctx, chat, now)
	if err != nil {
		w.log().LogAttrs(ctx, slog.LevelError, "wipe_trail_failed", w.ref(chat), logattr.Err(err))
		return
	}
	if !found {
		return
	}
	if !trail.Idle {
		w.log().LogAttrs(ctx, slog.LevelInfo, "trail_dropped", w.ref(chat))
		return
	}
	res, err := w.Wiper.Wipe(ctx, chat)
	if err != nil {
		w.log().LogAttrs(ctx, slog.LevelError, "idle_wipe_failed", w.ref(chat), logattr.Err(err))
	}
	w.Door.Cleared(ctx, chat, trail, res)
	w.log().LogAttrs(ctx, slog.LevelInfo, "idle_wipe", w.ref(chat), logattr.Event(res.Event))
}

func (w *IdleWiper) now() time.Time {
	if w.Now == nil {
		return time.Now()
	}
	return w.Now()
}

func (w *IdleWiper) log() *slog.Logger {
	if w.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return w.Log
}

func (w *IdleWiper) ref(chat int64) slog.Attr {
	if w.Ref == nil {
		return slog.Attr{}
	}
	return w.Ref(chat)
}

// OwnedTrail is a Trail whose due index shows only the chats one door
// owns, so that a door that runs its own idle wipe (Telegram's) never
// wipes another door's chat.
type OwnedTrail struct {
	Trail
	Owns func(chat int64) bool
}

// DueTrails lists the due chats that Owns accepts, among the first limit.
func (o OwnedTrail) DueTrails(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	due, err := o.Trail.DueTrails(ctx, now, limit)
	mine := due[:0]
	for _, chat := range due {
		if o.Owns(chat) {
			mine = append(mine, chat)
		}
	}
	return mine, err
}
