package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/bot/web"
	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
	"frontdoor/locales"
	"frontdoor/store/memstore"
)

// The test's clock: a Tuesday morning, ARCA Cremona open.
var tuesdayMorning = time.Date(2027, time.March, 16, 10, 30, 0, 0, directory.Rome)

const away = "http://away.test/"

// syncBuffer is a log destination safe for concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// door is a web door on the real dialogues, catalogue and renderer, with
// memory stores, callbacks to the Cremona operators' group, and its log.
type door struct {
	*web.Door
	cfg    web.Config
	store  *memstore.Store
	trails *memstore.Trails
	shelf  *memstore.Shelves
	svc    *flows.Service
	log    *syncBuffer
	now    time.Time
}

func newDoor(t testing.TB, tune ...func(*web.Config)) *door {
	t.Helper()
	cat, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := directory.New(dirfile.Sample())
	if err != nil {
		t.Fatal(err)
	}
	d := &door{trails: &memstore.Trails{}, shelf: &memstore.Shelves{}, log: &syncBuffer{}, now: tuesdayMorning}
	now := func() time.Time { return d.now }
	d.store = memstore.NewWithClock(now)
	if err := d.store.SaveOperator(context.Background(), flows.Operator{Chat: -100123, Centre: "arca-cremona"}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(d.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d.svc = flows.NewService(d.store, dir, flows.Options{Langs: cat.Langs(), Now: now, Callbacks: d.store, Log: log})
	cfg := web.Config{Handler: d.svc, Renderer: bot.NewRenderer(cat), Texts: cat, Langs: cat.Langs(), RightToLeft: locales.RightToLeft,
		Trail: d.trails, Wiper: d.svc, Shelf: d.shelf, Away: away, Now: now, Log: log}
	for _, f := range tune {
		f(&cfg)
	}
	d.cfg = cfg
	d.Door, err = web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// browser is one visitor: her cookies and her language.
type browser struct {
	t      testing.TB
	d      *door
	cookie string
	lang   string
	addr   string
	page   string
}

func (d *door) visitor(t testing.TB, lang string) *browser {
	return &browser{t: t, d: d, lang: lang, addr: "192.0.2.7:51000"}
}

// do sends a request as her browser would and keeps her cookie.
func (b *browser) do(req *http.Request) *http.Response {
	b.t.Helper()
	req.RemoteAddr = b.addr
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	if b.cookie != "" {
		req.AddCookie(&http.Cookie{Name: "s", Value: b.cookie})
	}
	rec := httptest.NewRecorder()
	b.d.ServeHTTP(rec, req)
	res := rec.Result()
	for _, c := range res.Cookies() {
		if c.Name == "s" {
			b.cookie = c.Value
			if c.MaxAge < 0 {
				b.cookie = ""
			}
		}
	}
	return res
}

func (b *browser) get(path string) *http.Response {
	b.t.Helper()
	res := b.do(httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(res.Body)
	b.page = string(body)
	return res
}

var tokenField = regexp.MustCompile(`name="t" value="([^"]+)"`)

// post sends a form of the page she is on, with its token.
func (b *browser) post(form url.Values) *http.Response {
	b.t.Helper()
	if !form.Has("t") {
		if m := tokenField.FindStringSubmatch(b.page); m != nil {
			form.Set("t", m[1])
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// press presses a button of the page and follows to the next one.
func (b *browser) press(data string) string {
	b.t.Helper()
	if !strings.Contains(b.page, `value="`+data+`"`) {
		b.t.Fatalf("no button %q on the page:\n%s", data, b.page)
	}
	return b.follow(b.post(url.Values{"b": {data}}))
}

// say types into the text field and follows.
func (b *browser) say(text string) string {
	b.t.Helper()
	return b.follow(b.post(url.Values{"q": {text}}))
}

func (b *browser) follow(res *http.Response) string {
	b.t.Helper()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		b.t.Fatalf("after a step: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	b.get("/")
	return b.page
}

// TestFirstPage: the first visit gets the welcome in her language, one
// discreet cookie, and the headers that keep the page out of caches, frames
// and other sites' reach; it is light, and its inline style and script are
// exactly those the policy allows.
func TestFirstPage(t *testing.T) {
	d := newDoor(t)
	b := d.visitor(t, "en-GB,en;q=0.8,it;q=0.5")
	res := b.get("/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if len(b.page) > 30<<10 {
		t.Errorf("the first page is %d bytes, more than 30 kB", len(b.page))
	}
	for _, want := range []string{`<html lang="en" dir="ltr">`, "<title>Info</title>", "Hello 👋", "(or the Esc key)", `value="find"`,
		`<form id="exit"`, `enterkeyhint="send"`, `autocomplete="off"`} {
		if !strings.Contains(b.page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if !strings.Contains(b.page, `<span aria-hidden="true">🔎</span> Find a centre`) {
		t.Error("screen readers would read the symbols of the buttons")
	}
	if strings.Index(b.page, `id="exit"`) > strings.Index(b.page, "<main>") {
		t.Error("Exit is not the first control of the page")
	}
	h := res.Header
	for name, want := range map[string]string{
		"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
		"X-Content-Type-Options": "nosniff", "Content-Type": "text/html; charset=utf-8",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	csp := h.Get("Content-Security-Policy")
	for _, part := range []string{"default-src 'none'", "frame-ancestors 'none'", "form-action 'self' http://away.test", "base-uri 'none'"} {
		if !strings.Contains(csp, part) {
			t.Errorf("the policy %q lacks %q", csp, part)
		}
	}
	for _, tag := range []string{"style", "script"} {
		m := regexp.MustCompile(`(?s)<` + tag + `>(.*?)</` + tag + `>`).FindStringSubmatch(b.page)
		if m == nil {
			t.Fatalf("no inline %s", tag)
		}
		sum := sha256.Sum256([]byte(m[1]))
		if !strings.Contains(csp, tag+"-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
			t.Errorf("the policy does not allow the page's own %s", tag)
		}
	}
	if strings.Contains(b.page, " style=") || strings.Contains(b.page, " onclick=") || strings.Contains(b.page, "http://") && !strings.Contains(b.page, away) {
		t.Error("the page has inline handlers, style attributes or other sites' addresses")
	}
	cookies := res.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("%d cookies, want one", len(cookies))
	}
	c := cookies[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure || !c.Expires.IsZero() || c.MaxAge != 0 || len(c.Value) != 43 {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Strict, no expiry, a 32-byte id", c)
	}
}

// TestLanguages: Accept-Language picks among the thirteen; Arabic reads
// right to left; a language the dialogues do not speak gets Italian with
// English one tap away.
func TestLanguages(t *testing.T) {
	d := newDoor(t)
	for _, tc := range []struct{ accept, html, want string }{
		{"ar-EG,ar;q=0.9,en;q=0.5", `<html lang="ar" dir="rtl">`, "مرحباً"},
		{"fa", `<html lang="fa" dir="rtl">`, ""},
		{"de-DE,de;q=0.9", `<html lang="it" dir="ltr">`, `value="lang:en"`},
		{"", `<html lang="it" dir="ltr">`, "Ciao"},
		{"pt-BR", `<html lang="pt" dir="ltr">`, ""},
	} {
		b := d.visitor(t, tc.accept)
		b.get("/")
		if !strings.Contains(b.page, tc.html) || !strings.Contains(b.page, tc.want) {
			t.Errorf("Accept-Language %q: want %s and %q in\n%.600s", tc.accept, tc.html, tc.want, b.page)
		}
	}
	// The picker changes the page's language and direction.
	b := d.visitor(t, "it")
	b.get("/")
	b.press("lang")
	if page := b.press("lang:ar"); !strings.Contains(page, `<html lang="ar" dir="rtl">`) {
		t.Errorf("after picking Arabic:\n%.400s", page)
	}
}

// TestFindCentre: a town typed, the centre's card with its number to call,
// "open now", the numbers: the same dialogues as on Telegram.
func TestFindCentre(t *testing.T) {
	d := newDoor(t)
	b := d.visitor(t, "en")
	b.get("/")
	page := b.press("find")
	if !strings.Contains(page, "Type the name of your town.") || strings.Contains(page, "with the button below") || !strings.Contains(page, `id="loc"`) {
		t.Errorf("the town prompt:\n%s", page)
	}
	page = b.say("crema")
	if !strings.Contains(page, "Centro antiviolenza ARCA – Crema") || !strings.Contains(page, `href="tel:+39`) {
		t.Errorf("the card of Crema:\n%s", page)
	}
	page = b.press("menu")
	page = b.press("open")
	if !strings.Contains(page, "open now") {
		t.Errorf("open now:\n%s", page)
	}
	// A town outside the areas: the nearest centres, and the 1522 chat as
	// a link that tells the site it opens nothing of where she came from.
	if page := b.say("Bologna"); !strings.Contains(page, `<a class="link" href="https://www.1522.eu" rel="noreferrer noopener">`) {
		t.Errorf("the 1522 chat is not a link:\n%s", page)
	}
	page = b.press("sos")
	for _, n := range []string{"112", "1522", "114"} {
		if !strings.Contains(page, `<a href="tel:`+n+`">`+n+`</a>`) {
			t.Errorf("%s cannot be called from the numbers:\n%s", n, page)
		}
	}
	// A location, as the script sends it.
	if page := b.follow(b.post(url.Values{"lat": {"45.36"}, "lon": {"9.68"}})); !strings.Contains(page, "Crema") {
		t.Errorf("the centres near Crema:\n%s", page)
	}
	// A reload shows the same screen, and changes nothing.
	before := b.page
	b.get("/")
	if b.page != before {
		t.Error("a reload changed the screen")
	}
}

// TestPosterLink: a poster's link opens the door with its network chosen.
func TestPosterLink(t *testing.T) {
	d := newDoor(t)
	b := d.visitor(t, "en")
	b.get("/?n=amaranta")
	page := b.press("open")
	if !strings.Contains(page, "Amaranta") || strings.Contains(page, "ARCA") {
		t.Errorf("open now after a poster of Amaranta:\n%s", page)
	}
}

// TestCallbackFromTheWeb: she asks for a callback on the page (her number
// typed: a page has no account to share); the request is stored and its
// card queued for the Cremona operators, exactly as from Telegram.
func TestCallbackFromTheWeb(t *testing.T) {
	d := newDoor(t)
	b := d.visitor(t, "it")
	b.get("/")
	b.press("cb")
	page := b.press("cb:c:arca-cremona")
	if strings.Contains(page, "Telegram") || !strings.Contains(page, "sicuro chiamarti") {
		t.Errorf("the number prompt:\n%s", page)
	}
	b.say("347 000 0000")
	for _, data := range []string{"cb:w:asap", "cb:wok", "cb:m:vm"} {
		b.press(data)
	}
	if !strings.Contains(b.page, "se torni su questa pagina") {
		t.Errorf("the message she may get is not said to wait for her here:\n%s", b.page)
	}
	for _, data := range []string{"cb:h:yes", "cb:s:wrong"} {
		b.press(data)
	}
	if page := b.press("cb:ok"); !strings.Contains(page, "✅") {
		t.Fatalf("not confirmed:\n%s", page)
	}
	pending, err := d.store.Pending(context.Background(), 10)
	if err != nil || len(pending) != 1 || pending[0].Chat != -100123 || pending[0].Card == "" {
		t.Fatalf("outbox %+v, %v: want the card to the operators' group", pending, err)
	}
	cbs, _ := d.store.Callbacks(context.Background())
	if len(cbs) != 1 || !bot.IsWebChat(cbs[0].Chat) || cbs[0].Phone != "+393470000000" {
		t.Errorf("stored %+v", cbs)
	}
}

// TestForms: a form of another site, an old or forged token, a step
// without a cookie: nothing is done, and she is never at a dead end.
func TestForms(t *testing.T) {
	d := newDoor(t)
	b := d.visitor(t, "en")
	b.get("/")
	welcome := b.page

	if res := b.post(url.Values{"b": {"find"}, "t": {"forged"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a forged token: %d", res.StatusCode)
	}
	if b.get("/"); b.page != welcome {
		t.Error("a forged token moved her on")
	}
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("b=find"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res := b.do(req); res.StatusCode != http.StatusForbidden {
		t.Errorf("a post from another site: %d", res.StatusCode)
	}
	req = httptest.NewRequest(http.MethodPost, "/", strings.NewReader("b=find"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://elsewhere.example")
	if res := b.do(req); res.StatusCode != http.StatusForbidden {
		t.Errorf("a post with another origin: %d", res.StatusCode)
	}

	nocookie := d.visitor(t, "en")
	res := nocookie.post(url.Values{"b": {"find"}, "t": {"x"}})
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "needs a cookie") || !strings.Contains(string(body), `href="tel:1522"`) {
		t.Errorf("no cookie: %d\n%s", res.StatusCode, body)
	}
	for _, path := range []string{"/favicon.ico", "/nothing"} {
		if res := b.get(path); path == "/nothing" && res.StatusCode != http.StatusNotFound || path != "/nothing" && res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	del := httptest.NewRequest(http.MethodDelete, "/", nil)
	if res := b.do(del); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("DELETE: %d", res.StatusCode)
	}
}

// TestScriptSteps: the page's script asks with X-Step and is told where to
// go, so that it can replace the page in the history itself.
func TestScriptSteps(t *testing.T) {
	d := newDoor(t)
	b := d.visitor(t, "en")
	b.get("/")
	step := func(data string) *http.Response {
		form := url.Values{"b": {data}, "t": {tokenField.FindStringSubmatch(b.page)[1]}}
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Step", "1")
		return b.do(req)
	}
	if res := step("find"); res.StatusCode != http.StatusNoContent || res.Header.Get("X-Next") != "/" {
		t.Errorf("a step: %d %q", res.StatusCode, res.Header.Get("X-Next"))
	}
	if res := step("exit"); res.StatusCode != http.StatusNoContent || res.Header.Get("X-Next") != "away" || b.cookie != "" {
		t.Errorf("exit: %d %q, cookie %q", res.StatusCode, res.Header.Get("X-Next"), b.cookie)
	}
}

// TestExit: Exit forgets her state and her cookie, sends her to the neutral
// site and clears the site's data; the next visit starts afresh.
func TestExit(t *testing.T) {
	d := newDoor(t)
	b := d.visitor(t, "en")
	b.get("/")
	b.press("find")
	b.say("crema")
	chat := webChat(t, b.cookie)
	res := b.post(url.Values{"b": {"exit"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != away {
		t.Fatalf("exit: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res.Header.Get("Clear-Site-Data") == "" || b.cookie != "" {
		t.Errorf("exit leaves the cookie (%q) or the site's data", b.cookie)
	}
	if _, found, _ := d.store.Session(context.Background(), chat); found {
		t.Error("her state survived Exit")
	}
	if _, found, _ := d.trails.TakeTrail(context.Background(), chat, time.Time{}); found {
		t.Error("her idle wipe survived Exit")
	}
	b.get("/")
	if strings.Contains(b.page, "Crema") || !strings.Contains(b.page, "Hello") {
		t.Errorf("after Exit:\n%s", b.page)
	}
	// Exit from an old tab, whose token is of an earlier session, wipes
	// the conversation of her cookie all the same; without a cookie it
	// still leaves.
	b.press("find")
	chat = webChat(t, b.cookie)
	if res := b.post(url.Values{"b": {"exit"}, "t": {"old"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != away || b.cookie != "" {
		t.Errorf("Exit from an old tab: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, found, _ := d.store.Session(context.Background(), chat); found {
		t.Error("Exit from an old tab left her state")
	}
	if res := d.visitor(t, "en").post(url.Values{"b": {"exit"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != away {
		t.Errorf("Exit without a cookie: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
}

func webChat(t *testing.T, cookie string) int64 {
	t.Helper()
	id, err := base64.RawURLEncoding.DecodeString(cookie)
	if err != nil {
		t.Fatal(err)
	}
	return bot.WebChat(id)
}

// TestIdleWipe: when her idle time has passed the door forgets her state
// and her screen; the page was told to leave by itself at that time.
func TestIdleWipe(t *testing.T) {
	d := newDoor(t)
	b := d.visitor(t, "en")
	b.get("/")
	// A visit without a step is wiped too.
	onlyLooked := d.visitor(t, "en")
	onlyLooked.get("/")
	page := b.press("find")
	if !strings.Contains(page, `data-idle="1800"`) || !strings.Contains(page, `<meta http-equiv="refresh" content="1800;url=`+away+`">`) {
		t.Errorf("the page does not leave at the idle wipe:\n%.900s", page)
	}
	chat := webChat(t, b.cookie)
	d.now = d.now.Add(31 * time.Minute)
	w := bot.IdleWiper{Trail: d.trails, Wiper: d.svc, Door: d.Door, Locks: &bot.ChatLocks{}, Now: func() time.Time { return d.now }}
	w.WipeDue(context.Background())
	for _, c := range []int64{chat, webChat(t, onlyLooked.cookie)} {
		if _, found, _ := d.store.Session(context.Background(), c); found {
			t.Error("a state survived the idle wipe")
		}
	}
	if b.get("/"); strings.Contains(b.page, "Type the name of your town") || !strings.Contains(b.page, "Hello") {
		t.Errorf("after the idle wipe:\n%s", b.page)
	}
}

// TestNoticeForHer: a message the outbox has for her (nobody could reach
// her) is kept, sealed in the store, and shown once, at her next visit,
// after a restart or the idle wipe too; it is never sent to Telegram. Her
// Exit takes it away, and so does time: flows.HersVisibleFor, or the time
// a conversation is remembered when that is shorter.
func TestNoticeForHer(t *testing.T) {
	final := renderText(t, "en", "cb.final.body")
	for _, tc := range []struct {
		name string
		keep time.Duration
		// before is what happens between the delivery and her visit.
		before func(t *testing.T, d *door, b *browser)
		shown  bool
	}{
		{"next visit", 0, func(*testing.T, *door, *browser) {}, true},
		{"after a restart", 0, func(t *testing.T, d *door, _ *browser) {
			var err error
			if d.Door, err = web.New(d.cfg); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"after a HEAD, which shows nothing", 0, func(t *testing.T, d *door, b *browser) {
			b.do(httptest.NewRequest(http.MethodHead, "/", nil))
		}, true},
		{"after the idle wipe", 0, func(t *testing.T, d *door, _ *browser) {
			d.now = d.now.Add(time.Hour)
			w := bot.IdleWiper{Trail: d.trails, Wiper: d.svc, Door: d.Door, Locks: &bot.ChatLocks{}, Now: func() time.Time { return d.now }}
			w.WipeDue(context.Background())
		}, true},
		{"after her Exit", 0, func(t *testing.T, d *door, b *browser) {
			cookie := b.cookie
			b.post(url.Values{"b": {"exit"}})
			b.cookie = cookie // an old tab of hers
		}, false},
		{"too late", 0, func(t *testing.T, d *door, _ *browser) { d.now = d.now.Add(flows.HersVisibleFor + time.Minute) }, false},
		{"conversations remembered for an hour", time.Hour, func(t *testing.T, d *door, _ *browser) { d.now = d.now.Add(61 * time.Minute) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDoor(t, func(c *web.Config) { c.Keep = tc.keep })
			b := d.visitor(t, "en")
			b.get("/")
			chat := webChat(t, b.cookie)
			msg := flows.Outgoing{Chat: chat, Lang: "en", Hers: true, Reply: flows.Reply{Texts: []flows.Text{flows.T("cb.final.title"), flows.T("cb.final.body")}}}
			ctx := context.Background()
			if err := d.store.Apply(ctx, flows.Change{Send: []flows.Outgoing{msg}}); err != nil {
				t.Fatal(err)
			}
			telegram := &telegramDoor{}
			delivery := bot.Delivery{Outbox: d.store, Renderer: d.cfg.Renderer, Doors: []bot.OutboxDoor{telegram, d.Door}}
			delivery.Flush(ctx)
			if left, _ := d.store.Pending(ctx, 10); len(left) != 0 || telegram.got != 0 {
				t.Fatalf("left in the outbox %+v, %d to Telegram", left, telegram.got)
			}
			tc.before(t, d, b)
			if b.get("/"); strings.Contains(b.page, final) != tc.shown || strings.Contains(b.page, `class="msg notice"`) != tc.shown {
				t.Errorf("shown %v, want %v:\n%s", !tc.shown, tc.shown, b.page)
			}
			if b.get("/"); strings.Contains(b.page, final) || strings.Contains(b.page, `class="msg notice"`) {
				t.Error("the message is shown twice")
			}
			if n := d.shelf.Len(); n != 0 {
				t.Errorf("messages of %d visitors still kept", n)
			}
		})
	}
}

// telegramDoor stands for Telegram beside the web door: it counts what it
// gets.
type telegramDoor struct{ got int }

func (d *telegramDoor) Owns(chat int64) bool { return bot.IsTelegramChat(chat) }

func (d *telegramDoor) Deliver(context.Context, flows.Outgoing, bot.Message) (int, int, error) {
	d.got++
	return 1, 1, nil
}

func (d *telegramDoor) Withdraw(context.Context, int64, int) {}

func renderText(t *testing.T, lang, id string) string {
	t.Helper()
	cat, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := cat.Text(lang, id, nil, nil)
	return s
}

// TestRateLimit: one client's flood is slowed with a page that still has
// the numbers, others are not, and Exit always goes through.
func TestRateLimit(t *testing.T) {
	d := newDoor(t, func(c *web.Config) { c.Rate, c.Burst = 0.001, 5 })
	b := d.visitor(t, "en")
	for range 5 {
		b.get("/")
	}
	res := b.get("/")
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(b.page, "Too many requests") || !strings.Contains(b.page, "tel:112") {
		t.Errorf("the sixth request: %d\n%s", res.StatusCode, b.page)
	}
	if res := b.post(url.Values{"b": {"exit"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != away {
		t.Errorf("exit while slowed down: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	other := d.visitor(t, "en")
	other.addr = "198.51.100.9:4000"
	if res := other.get("/"); res.StatusCode != http.StatusOK {
		t.Errorf("another client: %d", res.StatusCode)
	}
	// Behind a proxy on this machine, clients are told apart by the
	// address it forwards; a forwarded address from elsewhere is not
	// believed.
	for i, fwd := range []string{"203.0.113.1", "203.0.113.2"} {
		p := d.visitor(t, "en")
		p.addr = "127.0.0.1:3000"
		for range 5 {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set("X-Forwarded-For", "10.0.0.1, "+fwd)
			if res := p.do(req); res.StatusCode != http.StatusOK {
				t.Errorf("forwarded client %d: %d", i, res.StatusCode)
			}
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("X-Forwarded-For", "203.0.113.99")
	if res := b.do(req); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a forged X-Forwarded-For let a slowed client through: %d", res.StatusCode)
	}
}

// TestSecureBehindTLS: behind a TLS proxy on this machine the cookie is
// Secure; a header from elsewhere changes nothing.
func TestSecureBehindTLS(t *testing.T) {
	d := newDoor(t)
	for _, tc := range []struct {
		addr   string
		secure bool
	}{{"127.0.0.1:3000", true}, {"192.0.2.7:3000", false}} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr = tc.addr
		req.Header.Set("X-Forwarded-Proto", "https")
		rec := httptest.NewRecorder()
		d.ServeHTTP(rec, req)
		if c := rec.Result().Cookies(); len(c) != 1 || c[0].Secure != tc.secure {
			t.Errorf("from %s: cookies %+v, want Secure %v", tc.addr, c, tc.secure)
		}
	}
}

// TestNothingAboutHerInTheLog: the log has event kinds and pseudonyms, never
// her address, her words, her number or her cookie.
func TestNothingAboutHerInTheLog(t *testing.T) {
	d := newDoor(t)
	b := d.visitor(t, "it")
	b.get("/")
	b.say("Casalmaggiore")
	b.press("menu")
	b.press("cb")
	b.press("cb:c:arca-cremona")
	b.say("347 123 4567")
	log := d.log.String()
	if !strings.Contains(log, `"event":"search_town"`) {
		t.Fatalf("the steps are not logged:\n%s", log)
	}
	for _, secret := range []string{"192.0.2.7", "Casalmaggiore", "3471234567", "123 4567", b.cookie} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds %q:\n%s", secret, log)
		}
	}
}

// FuzzStep: whatever a form holds, the door answers with a page or a
// redirect, never a failure of its own.
func FuzzStep(f *testing.F) {
	for _, s := range []string{"b=find", "q=crema", "q=/lang+ar", "lat=45.3&lon=9.6", "lat=x&lon=1", "lat=91&lon=0", "b=cb:c:x", "q=" + strings.Repeat("a", 5000), "b=%ff", "q=/"} {
		f.Add(s)
	}
	d := newDoor(f)
	b := d.visitor(f, "en")
	b.addr = "192.0.2.1:1"
	b.get("/")
	token := tokenField.FindStringSubmatch(b.page)[1]
	f.Fuzz(func(t *testing.T, form string) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form+"&t="+token))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = "192.0.2.1:1"
		req.AddCookie(&http.Cookie{Name: "s", Value: b.cookie})
		rec := httptest.NewRecorder()
		d.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusSeeOther, http.StatusBadRequest, http.StatusTooManyRequests:
		default:
			t.Errorf("%q: status %d", form, rec.Code)
		}
	})
}

// BenchmarkStep is one step of hers through the door, as a browser without
// the script makes it: the form posted, then the page it leads to.
func BenchmarkStep(b *testing.B) {
	d := newDoor(b, func(c *web.Config) { c.Rate, c.Burst = 1e9, 1e9 })
	v := d.visitor(b, "en")
	v.get("/")
	b.ReportAllocs()
	next := map[string]string{"sos": "menu", "menu": "sos"}
	press := "sos"
	for b.Loop() {
		v.press(press)
		press = next[press]
	}
}
