package flows

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"frontdoor/flows/directory"
	"frontdoor/flows/logattr"
)

// DefaultSessionTTL is how long a conversation is remembered after her last
// message when the configuration says nothing.
const DefaultSessionTTL = 24 * time.Hour

// Service runs the dialogues: it loads a chat's session, fires the event the
// input means, stores the new session and returns the replies to send.
// Updates of one chat must not be handled concurrently; different chats may.
type Service struct {
	sessions SessionStore
	staff    StaffStore
	updater  DirectoryUpdater
	admins   []int64
	codec    DirectoryCodec
	rand     io.Reader
	dir      atomic.Pointer[directory.Directory]
	botName  atomic.Value // string
	langs    []string
	ttl      time.Duration
	idle     time.Duration
	// forgetters delete the other kinds of data about her on /forget.
	forgetters []Forgetter
	now        func() time.Time
	log        *slog.Logger
	cb         callbackOptions
	stats      StatsStore
	chart      StatsChart
	backups    time.Duration
	lexicon    *Lexicon
}

// Options tunes a Service; the zero value is usable.
type Options struct {
	// Langs are the languages replies can be rendered in; the first is the
	// fallback. Default: DefaultLang only.
	Langs []string
	// SessionTTL is how long an idle session is kept. Default DefaultSessionTTL.
	SessionTTL time.Duration
	// IdleWipe is the idle-wipe delay of a woman who chose none. Default
	// DefaultIdleWipe.
	IdleWipe time.Duration
	// Forgetters are told to delete their data about a chat when she asks
	// to be forgotten (/forget), after the session is deleted.
	Forgetters []Forgetter
	// Now is the clock; default time.Now. Tests inject a fixed time.
	Now func() time.Time
	// Log receives event kinds only; default slog.Default().
	Log *slog.Logger
	// Callbacks stores callback requests and operators; nil offers no
	// callbacks.
	Callbacks CallbackStore
	// CallbackEscalate is how long a request may wait untaken before it is
	// re-announced and then escalated; default DefaultCallbackEscalate.
	CallbackEscalate time.Duration
	// CallbackRetention is how long any request is kept at most; default
	// DefaultCallbackRetention.
	CallbackRetention time.Duration
	// CallbackCloseWithin is how long after her last window a taken request
	// may stay open before its operator is reminded, and after that one
	// more CallbackEscalate before it goes back to the others; default
	// DefaultCallbackCloseWithin.
	CallbackCloseWithin time.Duration
	// Staff keeps roles, invites and the audit trail, and Directory saves
	// volunteers' edits; without them there are no staff commands.
	Staff     StaffStore
	Directory DirectoryUpdater
	// Admins are Telegram user ids that are admins from the start.
	Admins []int64
	// Codec reads and writes the directory file that staff exchange with
	// the bot; without it there is no import or export in the bot.
	Codec DirectoryCodec
	// Stats reads the anonymous counters for /stats, and Chart draws them;
	// without Stats there is no /stats, without Chart no chart.
	Stats StatsStore
	Chart StatsChart
	// Rand is the source of invite codes and pseudonyms; default
	// crypto/rand. Tests inject a seeded one for stable transcripts.
	Rand io.Reader
	// Backups is how long periodic backups of the store keep what it
	// held (every backup interval times the backups kept); 0 for none.
	// The privacy screen tells her, since /forget cannot reach them.
	Backups time.Duration
	// Lexicon reads what she types for what it means (help, small talk,
	// towns inside a sentence). Without it only town names are read, and
	// anything else gets the reply that gives the numbers.
	Lexicon *Lexicon
}

// NewService returns a Service on a session store and a directory.
func NewService(sessions SessionStore, dir *directory.Directory, opts Options) *Service {
	s := &Service{sessions: sessions, langs: opts.Langs, ttl: opts.SessionTTL, now: opts.Now, log: opts.Log,
		staff: opts.Staff, updater: opts.Directory, admins: opts.Admins, codec: opts.Codec, rand: opts.Rand,
		idle: opts.IdleWipe, forgetters: opts.Forgetters, stats: opts.Stats, chart: opts.Chart, backups: opts.Backups,
		lexicon: opts.Lexicon}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if len(s.langs) == 0 {
		s.langs = []string{DefaultLang}
	}
	if s.ttl <= 0 {
		s.ttl = DefaultSessionTTL
	}
	if s.idle <= 0 {
		s.idle = DefaultIdleWipe
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.cb = newCallbackOptions(opts)
	s.dir.Store(dir)
	return s
}

// SetDirectory replaces the directory used from the next update on, for an
// import that happened while the bot runs.
func (s *Service) SetDirectory(d *directory.Directory) { s.dir.Store(d) }

// SetBotUsername tells the dialogues the bot's Telegram username, once the
// transport knows it, so that invites are links.
func (s *Service) SetBotUsername(name string) { s.botName.Store(name) }

// BotUsername is the bot's Telegram username, or "" when not known.
func (s *Service) BotUsername() string {
	name, _ := s.botName.Load().(string)
	return name
}

// Directory returns the directory in use.
func (s *Service) Directory() *directory.Directory { return s.dir.Load() }

// Langs returns the languages replies are rendered in.
func (s *Service) Langs() []string { return s.langs }

// Handle runs one input through the dialogue of its chat. A session that
// cannot be read is replaced by a fresh one; a session that cannot be saved
// is answered with a localized apology and the emergency numbers, and
// logged. The error is only for a dialogue that could not run at all.
func (s *Service) Handle(ctx context.Context, in Input) (Result, error) {
	if res, handled := s.handleOperator(ctx, in); handled {
		return res, nil
	}
	sess, found, err := s.sessions.Session(ctx, in.Chat)
	if err != nil {
		// A record that cannot be read must not lock her out until it
		// expires: start afresh, and the save below replaces it.
		s.log.LogAttrs(ctx, slog.LevelWarn, "session load failed", logattr.Event("store_error"), logattr.Op("load"), logattr.Err(err))
		sess, found = Session{}, false
	}
	if res, dup := s.duplicate(in, sess, found); dup {
		return res, nil
	}
	now := s.now()
	d := &dialogue{ctx: ctx, svc: s, dir: s.dir.Load(), now: now, in: in, sess: sess, isNew: !found || sess.State == "" || sess.State == stIdle}
	if d.sess.Lang == "" {
		d.sess.Lang = PickLang(in.Lang, s.langs)
	}
	if err := d.run(); err != nil {
		return Result{}, fmt.Errorf("dialogue: %w", err)
	}
	d.change.Count = append(d.change.Count, d.eventCounts()...)
	if d.wipe != wipeNone {
		return s.wiped(ctx, d), nil
	}
	d.sess.Seen = now
	if in.Update > d.sess.LastUpdate {
		d.sess.LastUpdate = in.Update
	}
	d.sess.Replay = nil
	if in.Update != 0 && len(d.change.Put)+len(d.change.Delete) > 0 {
		// A reply that could not be stored must not fail the request: it
		// is then only not sent again.
		if _, err := json.Marshal(d.replies); err != nil {
			s.log.LogAttrs(ctx, slog.LevelError, "replay not kept", logattr.Event("replay_not_kept"), logattr.Err(err))
		} else {
			d.sess.Replay = d.replies
		}
	}
	if err := s.save(ctx, d); err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "session save failed", logattr.Event("store_error"), logattr.Op("save"), logattr.Err(err))
		return s.sorry(in), nil
	}
	return Result{Lang: d.lang, Replies: d.replies, Event: d.event, IdleWipe: s.idleWipe(d.sess), Menu: d.menuChange}, nil
}

// duplicate answers an input her session shows was handled before: the
// replies kept for the update that made or withdrew a request (at worst
// she reads them twice; never a request made in silence), else nothing.
func (s *Service) duplicate(in Input, sess Session, found bool) (Result, bool) {
	if !found || in.Update == 0 || in.Update > sess.LastUpdate {
		return Result{}, false
	}
	if in.Update == sess.LastUpdate && len(sess.Replay) > 0 {
		return Result{Lang: sess.Lang, Replies: sess.Replay, Event: "replayed", IdleWipe: s.idleWipe(sess)}, true
	}
	return Result{Lang: sess.Lang, Duplicate: true, Event: "duplicate"}, true
}

// wiped forgets her state after the dialogue decided to wipe. The messages
// are still deleted when the store fails (the session then expires on its
// own), and she is told only when /forget could not delete everything.
func (s *Service) wiped(ctx context.Context, d *dialogue) Result {
	res := Result{Lang: d.lang, Replies: d.replies, Event: d.event, Wipe: true}
	err := s.forget(ctx, d.in.Chat, d.wipe == wipeAll)
	if c := d.change; s.cb.store != nil && !c.empty() {
		// Callback writes without a session: hers is gone.
		c.Chat = d.in.Chat
		err = errors.Join(err, s.cb.store.Apply(ctx, c))
	}
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "forget failed", logattr.Event("store_error"), logattr.Op("forget"), logattr.Err(err))
		if d.wipe == wipeAll {
			res.Replies = s.sorry(d.in).Replies
		}
	}
	return res
}

// sorry is the reply when the store fails: honest, and never a dead end.
func (s *Service) sorry(in Input) Result {
	lang := PickLang(in.Lang, s.langs)
	return Result{Lang: lang, Event: "store_error", IdleWipe: s.idle, Replies: []Reply{{
		Texts:   append([]Text{T("error.store"), T("emergency.title")}, emergencyLines()...),
		Buttons: [][]Button{chatRow(), navRow(false)},
		Protect: true,
	}}}
}
