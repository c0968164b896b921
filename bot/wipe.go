package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"frontdoor/flows"
	"frontdoor/flows/logattr"
)

const (
	// deleteBatch is the most ids one deleteMessages call accepts.
	deleteBatch = 100
	// defaultWipeEvery is how often due idle wipes are looked for. The
	// delays she can choose start at 5 minutes.
	defaultWipeEvery = time.Minute
	// dueBatch bounds the chats one look at the due index returns.
	dueBatch = 100
	// wipeTimeout bounds one idle wipe; after shutdown begins it runs on
	// for shutdownGrace at most: a wipe cut short loses the ids it took.
	wipeTimeout = 2 * time.Minute
)

// Trail remembers the messages of each conversation, hers and the bot's,
// so that a wipe can delete them; store.DB implements it.
type Trail interface {
	// Track adds message ids seen or sent at at, and sets when the trail
	// is due: its idle wipe when idle, else only its removal.
	Track(ctx context.Context, chat int64, ids []int, at, due time.Time, idle bool) error
	// TakeTrail removes and returns a chat's trail; with a non-zero dueBy
	// only if it is due by then.
	TakeTrail(ctx context.Context, chat int64, dueBy time.Time) (flows.Trail, bool, error)
	// DueTrails lists up to limit chats whose trail is due at now.
	DueTrails(ctx context.Context, now time.Time, limit int) ([]int64, error)
}

// Wiper is the dialogue's side of the idle wipe: it forgets her state and
// says what, if anything, to leave in the chat. flows.Service implements it.
type Wiper interface {
	Wipe(ctx context.Context, chat int64) (flows.Result, error)
}

// track records the ids of messages and pushes the idle wipe back by idle
// after now (0: she turned it off, and the trail is only dropped when it
// can no longer be used).
func (t *Telegram) track(ctx context.Context, chat int64, ids []int, idle time.Duration) {
	if t.cfg.Trail == nil {
		return
	}
	defer t.trails.Lock(chat)()
	t.writeTrail(ctx, chat, ids, idle)
}

// trackLater is track in the background, so that an update is acknowledged
// without waiting for a second commit: its own commit already made it
// safe from being handled twice, and a crash before the trail is written
// loses the same ids either way (the update delivered again is skipped).
// The chat's trail lock, taken before returning, keeps the write ahead of
// the chat's later writes and takes.
func (t *Telegram) trackLater(ctx context.Context, chat int64, ids []int, idle time.Duration) {
	if t.cfg.Trail == nil {
		return
	}
	unlock := t.trails.Lock(chat)
	t.tracking.Go(func() {
		defer unlock()
		t.writeTrail(ctx, chat, ids, idle)
	})
}

func (t *Telegram) writeTrail(ctx context.Context, chat int64, ids []int, idle time.Duration) {
	now := t.now()
	due, on := now.Add(idle), idle > 0
	if !on {
		due = now.Add(flows.TrailWindow)
	}
	if err := t.cfg.Trail.Track(ctx, chat, ids, now, due, on); err != nil {
		t.log.LogAttrs(ctx, slog.LevelError, "track_failed", t.chatAttr(chat), logattr.Err(err))
	}
}

// takeTrail removes and returns a chat's trail, once the writes begun
// before are done: when due by dueBy, or in any case when dueBy is zero. found is false when there is none to take.
func (t *Telegram) takeTrail(ctx context.Context, chat int64, dueBy time.Time) (flows.Trail, bool) {
	if t.cfg.Trail == nil {
		return flows.Trail{}, false
	}
	unlock := t.trails.Lock(chat) // after the writes begun before
	trail, found, err := t.cfg.Trail.TakeTrail(ctx, chat, dueBy)
	if dueBy.IsZero() {
		// A wipe she asked for takes her messages a flood left too.
		for _, id := range t.takeDropped(chat) {
			trail.Messages, found = append(trail.Messages, flows.Tracked{ID: id, At: t.now()}), true
		}
	}
	unlock()
	if err != nil {
		t.log.LogAttrs(ctx, slog.LevelError, "wipe_trail_failed", t.chatAttr(chat), logattr.Err(err))
	}
	return trail, found
}

// deleteTrail deletes the messages of a trail that Telegram still lets the
// bot delete, and extra ids; older ones are not attempted.
func (t *Telegram) deleteTrail(ctx context.Context, chat int64, trail flows.Trail, extra []int) {
	ids := slices.Clone(extra)
	oldest := t.now().Add(-flows.TrailWindow)
	skipped := 0
	for _, m := range trail.Messages {
		if m.At.Before(oldest) {
			skipped++ // beyond Telegram's 48 hours: not attempted
			continue
		}
		ids = append(ids, m.ID)
	}
	deleted, err := t.deleteMessages(ctx, chat, ids)
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelError
	}
	t.log.LogAttrs(ctx, level, "messages_deleted", t.chatAttr(chat), logattr.Count("deleted", deleted),
		logattr.Count("too_old", skipped), logattr.Code(errorCode(err)), logattr.Err(err))
}

// deleteMessages deletes ids in batches of up to 100, with the retries of
// a send. Telegram skips ids it cannot delete; it returns how many ids
// were in calls that succeeded.
func (t *Telegram) deleteMessages(ctx context.Context, chat int64, ids []int) (int, error) {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	ids = slices.DeleteFunc(ids, func(id int) bool { return id <= 0 })
	done := 0
	for batch := range slices.Chunk(ids, deleteBatch) {
		b, err := json.Marshal(batch)
		if err != nil {
			return done, err
		}
		p := tgbotapi.Params{"chat_id": strconv.FormatInt(chat, 10), "message_ids": string(b)}
		if _, _, err := t.callRetry(ctx, "deleteMessages", p, t.maxRetries); err != nil {
			return done, err
		}
		done += len(batch)
	}
	return done, nil
}

// telegramIdle is Telegram's side of the idle wipe (IdleDoor): its chats
// are all but the web door's, and clearing one deletes the messages of its
// trail and leaves what she chose to leave.
type telegramIdle struct{ t *Telegram }

func (d telegramIdle) Owns(chat int64) bool { return IsTelegramChat(chat) }

func (d telegramIdle) Cleared(ctx context.Context, chat int64, trail flows.Trail, res flows.Result) int {
	d.t.deleteTrail(ctx, chat, trail, nil)
	return len(d.t.sendReplies(ctx, chat, res))
}

// idleWiper runs Telegram's idle wipes, under its chat locks and after its
// trail writes, sharing the bound of chats handled at once with updates.
func (t *Telegram) idleWiper() *IdleWiper {
	return &IdleWiper{Trail: t.cfg.Trail, Wiper: t.cfg.Wiper, Door: telegramIdle{t}, Locks: &t.chats, Writes: &t.trails,
		Sem: t.sem, Every: t.cfg.WipeEvery, Now: t.now, Log: t.log, Ref: t.chatAttr}
}
