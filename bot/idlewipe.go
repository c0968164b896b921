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
	// (flows.Service.Wipe). It returns how many messages it sent.
	Cleared(ctx context.Context, chat int64, trail flows.Trail, res flows.Result) (sent int)
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
	// Writes, when set, are the locks that order a chat's trail writes
	// begun in the background: a take waits for those begun before it.
	Writes *ChatLocks
	// Sem, when set, bounds the wipes run at once together with whatever
	// else shares it (Telegram's updates); nil means idleParallel.
	Sem   chan struct{}
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
		sem := w.Sem
		if sem == nil {
			sem = make(chan struct{}, idleParallel)
		}
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
	defer func() {
		// Go's traceback would print her chat id, an argument here.
		if p := recover(); p != nil {
			w.log().LogAttrs(ctx, slog.LevelError, "idle_wipe_panic", logattr.Panic(p))
		}
	}()
	start := time.Now()
	// A wipe begun runs on after shutdown starts, for a short grace only.
	gctx, stop := graceful(ctx)
	defer stop()
	ctx, cancel := context.WithTimeout(gctx, wipeTimeout)
	defer cancel()
	defer w.Locks.Lock(chat)()
	trail, found := w.take(ctx, chat, now)
	if !found {
		return
	}
	if !trail.Idle {
		// She turned the idle wipe off: the trail is only forgotten.
		w.log().LogAttrs(ctx, slog.LevelInfo, "trail_dropped", w.ref(chat))
		return
	}
	// Her state first, as with Exit; then what the door shows.
	res, err := w.Wiper.Wipe(ctx, chat)
	if err != nil {
		w.log().LogAttrs(ctx, slog.LevelError, "idle_wipe_failed", w.ref(chat), logattr.Err(err))
	}
	sent := w.Door.Cleared(ctx, chat, trail, res)
	w.log().LogAttrs(ctx, slog.LevelInfo, "idle_wipe", w.ref(chat), logattr.Event(res.Event),
		logattr.Count("sent", sent), logattr.Duration(time.Since(start)))
}

// take removes and returns a chat's trail if it is due by dueBy, after the
// trail writes begun before.
func (w *IdleWiper) take(ctx context.Context, chat int64, dueBy time.Time) (flows.Trail, bool) {
	if w.Writes != nil {
		unlock := w.Writes.Lock(chat)
		defer unlock()
	}
	trail, found, err := w.Trail.TakeTrail(ctx, chat, dueBy)
	if err != nil {
		w.log().LogAttrs(ctx, slog.LevelError, "wipe_trail_failed", w.ref(chat), logattr.Err(err))
	}
	return trail, found
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
