package bot

import (
	"context"
	"log/slog"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"frontdoor/flows"
	"frontdoor/flows/logattr"
)

// FloodNotifier answers the updates the poll loop drops because their
// chat sent too many at once (see maxChatBacklog): Duplicate for one
// handled before, with the replies kept for it if any (a confirmation
// delivered again after a restart), else the notice when notice is true;
// and her idle wipe, for the trail. flows.Service implements it; with a
// Handler that does not, the chat is not told.
type FloodNotifier interface {
	Flooded(ctx context.Context, in flows.Input, notice bool) (flows.Result, error)
}

// isExit tells whether an update asks to wipe the chat.
func isExit(u tgbotapi.Update) bool {
	in, ignored := toInput(u)
	return ignored == "" && flows.IsExit(in)
}

// floods keeps, per chat, what dropping its updates left to do: answer
// them (the notice, or a confirmation delivered again), and put her
// messages and those answers in the trail, so that a wipe still deletes
// them. One goroutine per chat does it, beside the chat's own updates.
type floods struct {
	mu    sync.Mutex
	chats map[int64]*floodWork
}

type floodWork struct {
	dropped []flows.Input // to answer, in order
	notice  bool          // a notice is due: the window asked, none was sent
	ids     []int         // her messages dropped and the answers, for the trail
}

// dropUpdate is the poll loop's drop: the update is acknowledged without
// being handled, counted, and left to afterFlood; notify says that the
// chat is to be told. It returns at once.
func (t *Telegram) dropUpdate(ctx context.Context, u tgbotapi.Update, notify bool) {
	in, ignored := toInput(u)
	t.observeUpdate(KindName(in.Kind), OutcomeFlood, 0)
	if ignored != "" {
		return
	}
	t.log.LogAttrs(ctx, slog.LevelDebug, "update_dropped", logattr.Kind(KindName(in.Kind)), t.chatAttr(in.Chat))
	t.floods.mu.Lock()
	defer t.floods.mu.Unlock()
	if t.floods.chats == nil {
		t.floods.chats = map[int64]*floodWork{}
	}
	w := t.floods.chats[in.Chat]
	if w == nil {
		w = &floodWork{}
		t.floods.chats[in.Chat] = w
		t.tracking.Go(func() { t.afterFlood(ctx, in.Chat) })
	}
	w.dropped = append(w.dropped, in)
	w.notice = w.notice || notify
	if u.Message != nil {
		w.ids = append(w.ids, u.Message.MessageID)
	}
}

// afterFlood answers the updates of a chat that were dropped and puts
// them and the answers in its trail, until nothing is left to do.
func (t *Telegram) afterFlood(ctx context.Context, chat int64) {
	defer func() {
		// Go's traceback would print the chat id, an argument here.
		if p := recover(); p != nil {
			t.log.LogAttrs(ctx, slog.LevelError, "flood_panic", logattr.Panic(p))
			t.floods.mu.Lock()
			delete(t.floods.chats, chat)
			t.floods.mu.Unlock()
		}
	}()
	fn, _ := t.cfg.Handler.(FloodNotifier)
	idle := flows.DefaultIdleWipe // too early a wipe rather than none
	for {
		t.floods.mu.Lock()
		w := t.floods.chats[chat]
		dropped := w.dropped
		w.dropped = nil
		if len(dropped) == 0 && len(w.ids) == 0 {
			delete(t.floods.chats, chat)
			t.floods.mu.Unlock()
			return
		}
		t.floods.mu.Unlock()
		for _, in := range dropped {
			if fn == nil {
				break
			}
			t.floods.mu.Lock()
			notice := w.notice
			t.floods.mu.Unlock()
			res, err := fn.Flooded(ctx, in, notice)
			if err != nil {
				t.log.LogAttrs(ctx, slog.LevelError, "flood_answer_failed", t.chatAttr(chat), logattr.Err(err))
				continue
			}
			idle = res.IdleWipe
			ids := t.sendReplies(ctx, chat, res)
			t.floods.mu.Lock()
			w.notice = w.notice && res.Duplicate
			w.ids = append(w.ids, ids...)
			t.floods.mu.Unlock()
		}
		// Under the trail's lock, so that a wipe of the chat finds the ids
		// either in the trail or still here (see takeTrail).
		unlock := t.trails.Lock(chat)
		if ids := t.takeDropped(chat); len(ids) > 0 && t.cfg.Trail != nil {
			t.writeTrail(ctx, chat, ids, idle)
		}
		unlock()
	}
}

// takeDropped returns the ids a flood left for the trail of chat and
// forgets them; a wipe deletes them with the trail.
func (t *Telegram) takeDropped(chat int64) []int {
	t.floods.mu.Lock()
	defer t.floods.mu.Unlock()
	w := t.floods.chats[chat]
	if w == nil {
		return nil
	}
	ids := w.ids
	w.ids = nil
	return ids
}
