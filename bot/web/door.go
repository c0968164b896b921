// Package web is the web door: the same dialogues as on Telegram, as a
// discreet page that a woman can open in any browser, private tab
// included, without an app or an account.
//
// The page is rendered on the server and works with JavaScript off; a
// little script makes it better (each step replaces the page in the
// history, the Escape key leaves, the page leaves by itself at the idle
// wipe, her location can be shared). Nothing is loaded from elsewhere, and
// every answer forbids caching, framing and referrers. She is known by one
// cookie holding a random id, whose hash is her chat (bot.WebChat); her
// state is sealed in the store like a Telegram chat's, through the same
// flows.Service. Nothing about her is logged, her address included.
package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"frontdoor/bot"
	"frontdoor/flows"
	"frontdoor/flows/logattr"
)

// Defaults of Config.
const (
	DefaultTitle = "Info"
	// DefaultAway is where Exit takes her: a page that anyone may have
	// open.
	DefaultAway = "https://www.google.it/"
)

const (
	// maxForm bounds a posted form: her longest words are a few hundred
	// bytes.
	maxForm = 16 << 10
	// maxText bounds what she types, in bytes, as Telegram bounds a message.
	maxText = 4096
	// shutdownGrace lets the steps in flight finish at shutdown.
	shutdownGrace = 5 * time.Second
)

// Texts gives the door's own labels in her language; *locales.Catalog
// implements it.
type Texts interface {
	Text(lang, id string, data map[string]any, count any) (text string, ok bool)
}

// Config configures the web door.
type Config struct {
	// Handler runs the dialogues and Renderer renders their replies, as for
	// Telegram; Texts gives the page's own labels. All are required.
	Handler  bot.Handler
	Renderer bot.Renderer
	Texts    Texts
	// Langs are the languages replies can be rendered in, the first the
	// fallback: her browser's Accept-Language picks among them.
	Langs []string
	// RightToLeft tells the languages written right to left.
	RightToLeft func(lang string) bool
	// Trail keeps when each visitor's idle wipe is due, and Wiper forgets
	// her state then; without them there is no idle wipe but the session's
	// expiry.
	Trail bot.Trail
	Wiper bot.Wiper
	// Shelf keeps the outbox's messages for her until her next visit,
	// sealed in the store (store.DB). Required.
	Shelf Shelf
	// Title is the page's title, neutral: it shows in tabs and history.
	Title string
	// Icon is the favicon and IconType its media type; nil means a plain
	// neutral circle.
	Icon     []byte
	IconType string
	// Away is the neutral site Exit and the idle wipe leave for.
	Away string
	// Secret keys the forms' anti-forgery tokens, so that they survive a
	// restart; nil draws one at start.
	Secret []byte
	// Keep is how long a visitor is remembered without a visit, like a
	// conversation (FRONTDOOR_SESSION_TTL): her screen, and a message the
	// outbox has for her (for flows.HersVisibleFor at most); 0 means 24 h.
	Keep time.Duration
	// MaxVisitors bounds the visitors kept in memory; 0 means 20,000.
	MaxVisitors int
	// Rate and Burst bound the requests of one client: Rate per second,
	// Burst at once; 0 means 1 and 60.
	Rate  float64
	Burst float64
	// Log receives event kinds, durations and pseudonyms, never her data
	// or address; nil discards.
	Log *slog.Logger
	// Refs names chats in the log; nil means its own.
	Refs *bot.ChatRefs
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// WipeEvery is how often due idle wipes are looked for; 0 means 1 min.
	WipeEvery time.Duration
}

// Shelf keeps the messages of the outbox for web visitors, sealed, until
// they are shown; store.DB implements it.
type Shelf interface {
	// Shelve keeps a message for its chat until until, once per outbox id.
	Shelve(ctx context.Context, o flows.Outgoing, until time.Time) error
	// TakeShelf removes a chat's messages and returns those still standing
	// at now.
	TakeShelf(ctx context.Context, chat int64, now time.Time) ([]flows.Outgoing, error)
}

// Door is the web door: an http.Handler, and the web's bot.OutboxDoor and
// bot.IdleDoor.
type Door struct {
	cfg      Config
	log      *slog.Logger
	now      func() time.Time
	secret   []byte
	refs     *bot.ChatRefs
	limitKey []byte
	locks    bot.ChatLocks
	visitors *visitors
	limit    *limiter
	csp      string
}

// New checks the configuration and returns a door ready to serve.
func New(cfg Config) (*Door, error) {
	if cfg.Handler == nil || cfg.Renderer == nil || cfg.Texts == nil || len(cfg.Langs) == 0 || cfg.Shelf == nil {
		return nil, errors.New("web: a Handler, a Renderer, Texts, Langs and a Shelf are required")
	}
	if (cfg.Trail == nil) != (cfg.Wiper == nil) {
		return nil, errors.New("web: the idle wipe needs both a Trail and a Wiper")
	}
	if cfg.Title == "" {
		cfg.Title = DefaultTitle
	}
	if cfg.Away == "" {
		cfg.Away = DefaultAway
	}
	away, err := url.Parse(cfg.Away)
	if err != nil || (away.Scheme != "https" && away.Scheme != "http") || away.Host == "" {
		return nil, fmt.Errorf("web: the exit site %q must be an http or https address", cfg.Away)
	}
	if cfg.Icon == nil {
		cfg.Icon, cfg.IconType = defaultIcon, "image/svg+xml"
	}
	if cfg.RightToLeft == nil {
		cfg.RightToLeft = func(string) bool { return false }
	}
	if cfg.Keep <= 0 {
		cfg.Keep = 24 * time.Hour
	}
	if cfg.MaxVisitors <= 0 {
		cfg.MaxVisitors = 20000
	}
	if cfg.Rate <= 0 {
		cfg.Rate = 1
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 60
	}
	d := &Door{cfg: cfg, log: cfg.Log, now: cfg.Now, secret: cfg.Secret, refs: cfg.Refs, limitKey: randomBytes(16)}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.secret == nil {
		d.secret = randomBytes(32)
	}
	if d.refs == nil {
		d.refs = bot.NewChatRefs()
	}
	d.visitors = newVisitors(cfg.MaxVisitors)
	d.limit = newLimiter(cfg.Rate, cfg.Burst)
	d.csp = contentPolicy(away.Scheme + "://" + away.Host)
	return d, nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return b
}

// Run serves the door on ln and runs its idle wipe and the forgetting of
// old visitors until ctx ends; steps in flight then get a short grace.
func (d *Door) Run(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           d,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    16 << 10,
		// net/http's own messages name the client's address: only their
		// number is logged.
		ErrorLog: log.New(serverErrors{d}, "", 0),
	}
	var wg sync.WaitGroup
	bctx, stop := context.WithCancel(ctx)
	defer func() { stop(); wg.Wait() }()
	if d.cfg.Trail != nil {
		w := bot.IdleWiper{Trail: d.cfg.Trail, Wiper: d.cfg.Wiper, Door: d, Locks: &d.locks, Every: d.cfg.WipeEvery,
			Now: d.now, Log: d.log, Ref: d.chatAttr}
		wg.Go(func() { w.Run(bctx) })
	}
	wg.Go(func() { d.forgetOld(bctx) })
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	d.log.LogAttrs(ctx, slog.LevelInfo, "web door listening", logattr.Event("web_listen"), logattr.Addr(ln.Addr().String()))
	select {
	case err := <-errc:
		return fmt.Errorf("web: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	return nil
}

// forgetOld drops, every minute, the screens of visitors not seen for
// cfg.Keep and the limiter's idle clients.
func (d *Door) forgetOld(ctx context.Context) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		d.visitors.forget(d.now().Add(-d.cfg.Keep))
		d.limit.forget(time.Now())
	}
}

// serverErrors turns net/http's log lines into a count of events: they
// carry the client's address.
type serverErrors struct{ d *Door }

func (s serverErrors) Write(p []byte) (int, error) {
	s.d.log.LogAttrs(context.Background(), slog.LevelDebug, "web server error", logattr.Event("web_http_error"))
	return len(p), nil
}

// ServeHTTP answers the page ("/"), its steps and its icon.
func (d *Door) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.headers(w)
	defer func() {
		if p := recover(); p != nil {
			d.log.LogAttrs(r.Context(), slog.LevelError, "web panic", logattr.Event("handler_panic"), logattr.Panic(p))
			d.sorry(w, r)
		}
	}()
	switch r.URL.Path {
	case "/":
	case "/favicon.ico", "/favicon.svg":
		w.Header().Set("Content-Type", d.cfg.IconType)
		_, _ = w.Write(d.cfg.Icon)
		return
	default:
		http.Error(w, "Not found", http.StatusNotFound)
		return
	}
	if !d.limit.allow(clientKey(r, d.limitKey), time.Now()) && !exiting(w, r) {
		d.busy(w, r)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		d.show(w, r)
	case http.MethodPost:
		d.step(w, r)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "Method not allowed", http.StatusMethodNotAllowed)
	}
}

// exiting tells whether a request is Exit, which no limit holds back.
func exiting(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	return r.ParseForm() == nil && r.PostForm.Get("b") == "exit"
}

// headers are set on every answer: nothing cached or framed, no referrer,
// nothing loaded from elsewhere.
func (d *Door) headers(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", d.csp)
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "geolocation=(self), camera=(), microphone=(), payment=(), usb=()")
}

// show answers a visit: her screen as it was, or the welcome.
func (d *Door) show(w http.ResponseWriter, r *http.Request) {
	id, ok := d.cookie(r)
	if !ok {
		id = randomBytes(idSize)
		d.setCookie(w, r, id)
	}
	chat := bot.WebChat(id)
	defer d.locks.Lock(chat)()
	screen, found := d.visitors.screen(chat, d.now())
	if network := r.URL.Query().Get("n"); !found || network != "" {
		// A first visit, a poster's link to a network, or a screen this
		// process does not hold (a restart, the idle wipe): the welcome.
		in := flows.Input{Kind: flows.KindCommand, Command: "start", Args: network}
		res, err := d.handle(r.Context(), chat, r, in)
		if err != nil {
			d.sorry(w, r)
			return
		}
		screen = d.visitors.set(chat, res, d.now())
		d.track(r.Context(), chat, res.IdleWipe)
	}
	var kept []flows.Outgoing
	if r.Method == http.MethodGet {
		// Shown once: not to a HEAD, which shows nothing.
		kept = d.takeShelf(r.Context(), chat)
	}
	d.page(w, r, id, screen, kept)
}

// step takes one thing she did, a button, words or her location, and
// sends her to the next screen.
func (d *Door) step(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		http.Error(w, "Forbidden", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "Bad request", http.StatusBadRequest)
		return
	}
	id, ok := d.cookie(r)
	exit := r.PostForm.Get("b") == "exit"
	switch {
	case !ok && exit:
		d.leave(w, r) // Exit always leaves
		return
	case !ok:
		d.noCookie(w, r)
		return
	case !exit && !hmac.Equal([]byte(r.PostForm.Get("t")), []byte(d.token(id))):
		// A form of another session, or forged: nothing is done, and she
		// sees where she is. Exit needs no token: it also works from an
		// old tab of hers, and a post from another site carries neither
		// her cookie (SameSite) nor passes sameOrigin.
		d.next(w, r, "/")
		return
	}
	in, ok := input(r.PostForm)
	if !ok {
		d.next(w, r, "/")
		return
	}
	wiped, err := d.apply(r, bot.WebChat(id), in)
	switch {
	case err != nil:
		d.sorry(w, r)
	case wiped:
		d.leave(w, r)
	default:
		d.next(w, r, "/")
	}
}

// apply runs one input of a chat, under its lock, and keeps the screen it
// leads to; after Exit (wiped) nothing of her is left in the door.
func (d *Door) apply(r *http.Request, chat int64, in flows.Input) (wiped bool, err error) {
	defer d.locks.Lock(chat)()
	res, err := d.handle(r.Context(), chat, r, in)
	if err != nil {
		return false, err
	}
	if res.Wipe {
		d.visitors.drop(chat)
		d.untrack(r.Context(), chat)
		d.takeShelf(r.Context(), chat)
		return true, nil
	}
	d.visitors.set(chat, res, d.now())
	d.track(r.Context(), chat, res.IdleWipe)
	return false, nil
}

// leave sends her to the neutral site, taking her cookie back.
func (d *Door) leave(w http.ResponseWriter, r *http.Request) {
	d.clearCookie(w, r)
	w.Header().Set("Clear-Site-Data", `"cache", "cookies"`)
	d.next(w, r, "away")
}

// next sends her on after a step: to the page ("/") or away. The page's
// script asks with X-Step and goes there itself, replacing the page in the
// history; a plain form is redirected.
func (d *Door) next(w http.ResponseWriter, r *http.Request, to string) {
	if r.Header.Get("X-Step") != "" {
		w.Header().Set("X-Next", to)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if to == "away" {
		to = d.cfg.Away
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// handle runs one input of a web chat through the dialogues and logs it.
func (d *Door) handle(ctx context.Context, chat int64, r *http.Request, in flows.Input) (flows.Result, error) {
	start := time.Now()
	in.Chat, in.Door, in.Lang = chat, flows.DoorWeb, acceptLanguage(r.Header.Get("Accept-Language"), d.cfg.Langs)
	res, err := d.cfg.Handler.Handle(ctx, in)
	if err != nil {
		// The dialogues' errors are not logged: like Telegram's, they
		// could carry what she typed.
		d.log.LogAttrs(ctx, slog.LevelError, "web step failed", logattr.Event("handler_error"), logattr.Kind(bot.KindName(in.Kind)), d.chatAttr(chat))
		return res, err
	}
	d.log.LogAttrs(ctx, slog.LevelInfo, "web step", logattr.Event(res.Event), logattr.Kind(bot.KindName(in.Kind)), d.chatAttr(chat),
		logattr.Count("replies", len(res.Replies)), logattr.Duration(time.Since(start)))
	return res, nil
}

// input reads a posted form: a button's data (b), her location (lat, lon),
// or what she typed (q), a /command included.
func input(f url.Values) (flows.Input, bool) {
	if b := f.Get("b"); b != "" {
		return flows.Input{Kind: flows.KindButton, Data: b}, len(b) <= maxText
	}
	if f.Has("lat") {
		lat, err1 := strconv.ParseFloat(f.Get("lat"), 64)
		lon, err2 := strconv.ParseFloat(f.Get("lon"), 64)
		if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
			return flows.Input{}, false
		}
		return flows.Input{Kind: flows.KindLocation, Lat: lat, Lon: lon}, true
	}
	q := strings.TrimSpace(f.Get("q"))
	if len(q) > maxText {
		q = q[:maxText]
	}
	return bot.ParseTyped(q), true
}

// sameOrigin tells whether a post comes from this site's own page, as far
// as the browser says: Sec-Fetch-Site where it is sent, else Origin. The
// page's no-referrer policy makes browsers send "Origin: null" with its
// forms, so null says nothing; the token and the SameSite cookie still
// hold such a post back.
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "":
	default:
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// track pushes her idle wipe back (off: the trail is only dropped when no
// longer of use, as on Telegram).
func (d *Door) track(ctx context.Context, chat int64, idle time.Duration) {
	if d.cfg.Trail == nil {
		return
	}
	now := d.now()
	due, on := now.Add(idle), idle > 0
	if !on {
		due = now.Add(flows.TrailWindow)
	}
	if err := d.cfg.Trail.Track(ctx, chat, nil, now, due, on); err != nil {
		d.log.LogAttrs(ctx, slog.LevelError, "web track failed", logattr.Event("track_failed"), d.chatAttr(chat), logattr.Err(err))
	}
}

// untrack drops her idle wipe after Exit: there is nothing left to wipe.
func (d *Door) untrack(ctx context.Context, chat int64) {
	if d.cfg.Trail == nil {
		return
	}
	if _, _, err := d.cfg.Trail.TakeTrail(ctx, chat, time.Time{}); err != nil {
		d.log.LogAttrs(ctx, slog.LevelError, "web untrack failed", logattr.Event("wipe_trail_failed"), d.chatAttr(chat), logattr.Err(err))
	}
}

// Owns tells whether a chat is the web door's (bot.IdleDoor).
func (d *Door) Owns(chat int64) bool { return bot.IsWebChat(chat) }

// Cleared takes her screen away once the idle wipe forgot her state
// (bot.IdleDoor). A message the outbox kept for her stays until she sees
// it or its time is over (see Deliver): it is for the woman who left.
func (d *Door) Cleared(_ context.Context, chat int64, _ flows.Trail, _ flows.Result) int {
	d.visitors.clear(chat)
	return 0
}

// Deliver keeps a message of the outbox for her next visit, sealed in the
// store, for flows.HersVisibleFor or cfg.Keep, whichever is shorter
// (bot.OutboxDoor). It runs under her chat's lock, so that it never lands
// in the middle of her Exit. The page renders it when she comes, in its
// own language; the web gives it no id.
func (d *Door) Deliver(ctx context.Context, o flows.Outgoing, _ bot.Message) (id, attempts int, err error) {
	defer d.locks.Lock(o.Chat)()
	if err := d.cfg.Shelf.Shelve(ctx, o, d.now().Add(min(flows.HersVisibleFor, d.cfg.Keep))); err != nil {
		return 0, 1, fmt.Errorf("web: %w", err)
	}
	return 0, 1, nil
}

// Withdraw has nothing to take back (bot.OutboxDoor): no message with her
// number is ever for a web chat, operators are on Telegram.
func (d *Door) Withdraw(context.Context, int64, int) {}

// takeShelf takes the messages the outbox kept for her: to show them, or
// to forget them when she leaves.
func (d *Door) takeShelf(ctx context.Context, chat int64) []flows.Outgoing {
	kept, err := d.cfg.Shelf.TakeShelf(ctx, chat, d.now())
	if err != nil {
		d.log.LogAttrs(ctx, slog.LevelError, "web shelf failed", logattr.Event("shelf_failed"), d.chatAttr(chat), logattr.Err(err))
	}
	return kept
}

// chatAttr is the log attribute of a chat: its pseudonym.
func (d *Door) chatAttr(chat int64) slog.Attr { return d.refs.Attr(chat) }
