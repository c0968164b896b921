package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"sync"
	"time"

	"frontdoor/flows"
)

// cookieName is the door's one cookie: a random id and nothing else.
const cookieName = "s"

// idSize is the length of the random id in the cookie.
const idSize = 32

// cookie reads her id from the cookie; false when there is none or it is
// not one of ours.
func (d *Door) cookie(r *http.Request) ([]byte, bool) {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return nil, false
	}
	id, err := base64.RawURLEncoding.DecodeString(c.Value)
	return id, err == nil && len(id) == idSize
}

// setCookie gives her an id: no expiry (it ends with the browser), not
// readable by scripts, never sent by another site, Secure behind TLS.
func (d *Door) setCookie(w http.ResponseWriter, r *http.Request, id []byte) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: base64.RawURLEncoding.EncodeToString(id), Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: overTLS(r)})
}

// clearCookie takes the id back at Exit.
func (d *Door) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: overTLS(r)})
}

// overTLS tells whether she reached the door over TLS: directly, or
// through a reverse proxy on this machine that says so.
func overTLS(r *http.Request) bool {
	return r.TLS != nil || fromProxy(r) && r.Header.Get("X-Forwarded-Proto") == "https"
}

// fromProxy tells whether a request comes from this machine, where the
// reverse proxy that serves TLS runs: only then are its X-Forwarded-
// headers believed.
func fromProxy(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	ip := net.ParseIP(host)
	return err == nil && ip != nil && ip.IsLoopback()
}

// token is the anti-forgery token of her forms: a keyed hash of her id, so
// that a page of another site, which cannot read her cookie, cannot make
// one.
func (d *Door) token(id []byte) string {
	h := hmac.New(sha256.New, d.secret)
	h.Write([]byte("form\x00"))
	h.Write(id)
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18])
}

// visitor is what the door holds of one visitor, in memory only: the
// screen she is on (the replies of her last step).
type visitor struct {
	lang   string
	screen []flows.Reply
	idle   time.Duration
	shown  bool // screen holds a screen; false after the idle wipe
	seen   time.Time
}

// screen is what a page shows: her language, the replies of her last step
// and how long until the idle wipe.
type screen struct {
	lang    string
	replies []flows.Reply
	idle    time.Duration
}

// visitors are the door's visitors by chat, bounded in number.
type visitors struct {
	mu  sync.Mutex
	max int
	m   map[int64]*visitor
}

func newVisitors(max int) *visitors { return &visitors{max: max, m: map[int64]*visitor{}} }

// get returns a chat's visitor, making room for a new one.
func (v *visitors) get(chat int64, now time.Time) *visitor {
	vis := v.m[chat]
	if vis == nil {
		if len(v.m) >= v.max {
			v.evictOldest()
		}
		vis = &visitor{}
		v.m[chat] = vis
	}
	vis.seen = now
	return vis
}

// evictOldest forgets the visitor seen longest ago: a rare, linear scan.
func (v *visitors) evictOldest() {
	var oldest int64
	var at time.Time
	for chat, vis := range v.m {
		if at.IsZero() || vis.seen.Before(at) {
			oldest, at = chat, vis.seen
		}
	}
	delete(v.m, oldest)
}

// screen returns the screen she is on, if the door holds one.
func (v *visitors) screen(chat int64, now time.Time) (screen, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	vis := v.m[chat]
	if vis == nil || !vis.shown {
		return screen{}, false
	}
	vis.seen = now
	return screen{lang: vis.lang, replies: vis.screen, idle: vis.idle}, true
}

// set keeps the screen a step led to.
func (v *visitors) set(chat int64, res flows.Result, now time.Time) screen {
	v.mu.Lock()
	defer v.mu.Unlock()
	vis := v.get(chat, now)
	vis.lang, vis.screen, vis.idle, vis.shown = res.Lang, res.Replies, res.IdleWipe, true
	return screen{lang: vis.lang, replies: vis.screen, idle: vis.idle}
}

// clear takes her screen away (the idle wipe).
func (v *visitors) clear(chat int64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if vis := v.m[chat]; vis != nil {
		vis.screen, vis.shown = nil, false
	}
}

// drop forgets a visitor (Exit).
func (v *visitors) drop(chat int64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	delete(v.m, chat)
}

// forget drops the visitors not seen since before.
func (v *visitors) forget(before time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for chat, vis := range v.m {
		if vis.seen.Before(before) {
			delete(v.m, chat)
		}
	}
}
