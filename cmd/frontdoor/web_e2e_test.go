package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"frontdoor/bot/telegramtest"
)

// The web door's end-to-end tests drive a real browser, headless Chromium,
// against the real binary's wiring: the bot with FRONTDOOR_WEB set, on a
// store with the Cremona operators, a fake Bot API for their group, and a
// local page standing in for the neutral exit site. Nothing leaves
// 127.0.0.1.

// chromium finds the browser: the tests skip without it, but fail in CI,
// where .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed: .ci/run installs it (apt-get install chromium)")
	}
	t.Skip("chromium is not installed (apt-get install chromium): the web door's browser tests are skipped")
	return ""
}

// webSite is a running bot with its web door and the test's exit site.
type webSite struct {
	url, away string
	api       *telegramtest.Server
}

func startWebSite(t *testing.T) webSite {
	t.Helper()
	away := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<!doctype html><title>Away</title><p>The weather today.")
	}))
	t.Cleanup(away.Close)
	addr := freeAddr(t)
	api := telegramtest.New(t, testToken)
	dataDir := newDataDir(t)
	addOperators(t, dataDir)
	startBot(t, api, dataDir, "FRONTDOOR_WEB", addr, "FRONTDOOR_WEB_EXIT", away.URL+"/")
	site := webSite{url: "http://" + addr + "/", away: away.URL + "/", api: api}
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(site.url + "favicon.ico")
		if err == nil {
			res.Body.Close()
			return site
		}
		if time.Now().After(deadline) {
			t.Fatalf("the web door does not answer: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// newBrowser starts headless Chromium with a fresh profile, for the whole
// test; each tab gets its own cookies (see tab).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("user-data-dir", t.TempDir()), chromedp.Flag("accept-lang", "en"),
		chromedp.WindowSize(390, 844),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("chromium does not start: %v", err)
	}
	return ctx
}

// tab is a browser tab in a context of its own (its own cookies, as a
// private window has), with JavaScript on or off and a language.
type tab struct {
	t   *testing.T
	ctx context.Context
}

func newTab(t *testing.T, browser context.Context, js bool, lang string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancel2 := context.WithTimeout(ctx, time.Minute)
	t.Cleanup(cancel2)
	tb := &tab{t: t, ctx: ctx}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}}); err != nil {
		t.Fatal(err)
	}
	if !js {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
	}
	return tb
}

func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		tb.t.Fatal(err)
	}
}

// text is what the page shows.
func (tb *tab) text() string {
	tb.t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		return ""
	}
	return s
}

// waitFor waits until the page shows want.
func (tb *tab) waitFor(want string) string {
	tb.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := tb.text()
		if strings.Contains(s, want) {
			return s
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("the page does not show %q:\n%s", want, s)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// press presses the button that sends data, and waits for the next page,
// which shows want.
func (tb *tab) press(data, want string) string {
	tb.t.Helper()
	tb.step(chromedp.Click(chromedp.CSS(`button[value="` + data + `"]`)))
	return tb.waitFor(want)
}

// say types into the text field and sends it.
func (tb *tab) say(words, want string) string {
	tb.t.Helper()
	tb.step(chromedp.SendKeys(chromedp.CSS("#q"), words), chromedp.Click(chromedp.CSS(".say button")))
	return tb.waitFor(want)
}

// step does what leads to the next page, and waits for it: the page it
// leaves is marked, through the DOM, which works with scripts off too.
func (tb *tab) step(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	tb.do(append([]chromedp.Action[chromedp.Void]{chromedp.SetAttributeValue(chromedp.CSS("body"), "data-left", "1")}, steps...)...)
	deadline := time.Now().Add(10 * time.Second)
	for {
		old, err := chromedp.Run(tb.ctx, chromedp.AttributeValue(chromedp.CSS("body"), "data-left"))
		if err == nil && !old.Exists {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("no next page after the step:\n%s", tb.text())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (tb *tab) location() string {
	tb.t.Helper()
	loc, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		tb.t.Fatal(err)
	}
	return loc
}

// history is the number of entries of the tab's history.
func (tb *tab) history() int {
	tb.t.Helper()
	h, err := chromedp.Run(tb.ctx, chromedp.NavigationEntries())
	if err != nil {
		tb.t.Fatal(err)
	}
	return len(h.Entries)
}

// TestWebInBrowser walks the web door as women would, in a real browser:
// a centre by town, open now, the numbers; a callback request that reaches
// the operators' group; quick exit with Escape and with the button, after
// which Back does not show the conversation; the page with JavaScript off;
// English and Arabic.
func TestWebInBrowser(t *testing.T) {
	site := startWebSite(t)
	browser := newBrowser(t)

	t.Run("find, open now, numbers", func(t *testing.T) {
		tb := newTab(t, browser, true, "en-GB,en;q=0.9")
		tb.do(chromedp.Navigate(site.url))
		tb.waitFor("Hello")
		title, _ := chromedp.Run(tb.ctx, chromedp.Title())
		if title != "Info" {
			t.Errorf("title %q", title)
		}
		entries := tb.history()
		tb.press("find", "Type the name of your town.")
		if hidden, _ := chromedp.Run(tb.ctx, chromedp.AttributeValue(chromedp.CSS("#loc"), "hidden")); hidden.Exists {
			t.Error("the script does not offer her location")
		}
		page := tb.say("Crema", "Centro antiviolenza ARCA – Crema")
		if !strings.Contains(page, "Sample data") {
			t.Errorf("the sample directory does not say so:\n%s", page)
		}
		tb.press("menu", "What do you need?")
		tb.press("open", "Open now:")
		page = tb.press("sos", "1522")
		if n := tb.history(); n != entries {
			t.Errorf("the steps added %d history entries", n-entries)
		}
		href, err := chromedp.Run(tb.ctx, chromedp.AttributeValue(chromedp.CSS(`a[href="tel:1522"]`), "href"))
		if err != nil || !href.Exists {
			t.Errorf("1522 cannot be called from the numbers: %v\n%s", err, page)
		}
	})

	t.Run("callback to the operators", func(t *testing.T) {
		tb := newTab(t, browser, true, "it-IT,it")
		tb.do(chromedp.Navigate(site.url))
		tb.waitFor("Ciao")
		tb.press("cb", "Chi deve chiamarti?")
		tb.press("cb:c:arca-cremona", "sicuro chiamarti")
		tb.say("347 000 0000", "Quando")
		tb.press("cb:w:asap", "Quando")
		tb.press("cb:wok", "messaggio")
		tb.press("cb:m:vm", "se torni su questa pagina")
		tb.press("cb:h:yes", "risponde")
		tb.press("cb:s:wrong", "Controlla")
		tb.press("cb:ok", "✅")
		card := waitChat(t, site.api, opsGroup, 1)[0]
		if !strings.Contains(card.Text, "Nuova richiesta") || strings.Contains(card.Text, "3470000000") {
			t.Errorf("the operators' card: %+v", card)
		}
		for _, chat := range []int64{opA, opB} {
			waitChat(t, site.api, chat, 1)
		}
	})

	t.Run("quick exit with Escape", func(t *testing.T) {
		tb := newTab(t, browser, true, "en")
		tb.do(chromedp.Navigate(site.url))
		tb.waitFor("Hello")
		tb.press("find", "Type the name of your town.")
		tb.say("Cremona", "Centro antiviolenza ARCA – Cremona")
		// Escape while a step is on its way: she leaves, and stays away.
		tb.do(chromedp.Click(chromedp.CSS(`button[value="sos"]`)), chromedp.KeyEvent("\x1b"))
		tb.waitFor("The weather today")
		time.Sleep(300 * time.Millisecond)
		if loc := tb.location(); loc != site.away {
			t.Errorf("Escape led to %s", loc)
		}
		// Every step replaced the page in the history, and so did Exit:
		// Back leads to where she was before the door.
		tb.do(chromedp.NavigateBack())
		time.Sleep(300 * time.Millisecond)
		if loc, page := tb.location(), tb.text(); strings.HasPrefix(loc, site.url) {
			t.Errorf("Back returns to the door at %s:\n%s", loc, page)
		}
		// Her state is gone: the door shows a new visitor the welcome.
		tb.do(chromedp.Navigate(site.url))
		if page := tb.waitFor("Hello"); strings.Contains(page, "Cremona") {
			t.Errorf("after Exit:\n%s", page)
		}
	})

	t.Run("JavaScript off", func(t *testing.T) {
		tb := newTab(t, browser, false, "en")
		tb.do(chromedp.Navigate(site.url))
		tb.waitFor("Hello")
		tb.press("find", "Type the name of your town.")
		if hidden, _ := chromedp.Run(tb.ctx, chromedp.AttributeValue(chromedp.CSS("#loc"), "hidden")); !hidden.Exists {
			t.Error("the location button shows without a script to use it")
		}
		tb.say("Crema", "Centro antiviolenza ARCA – Crema")
		tb.press("sos", "1522")
		tb.do(chromedp.Click(chromedp.CSS(`#exit button`)))
		tb.waitFor("The weather today")
		tb.do(chromedp.NavigateBack())
		time.Sleep(300 * time.Millisecond)
		if page := tb.text(); strings.Contains(page, "Crema") || strings.Contains(page, "1522") {
			t.Errorf("Back shows the conversation at %s:\n%s", tb.location(), page)
		}
	})

	t.Run("Arabic", func(t *testing.T) {
		tb := newTab(t, browser, true, "ar,en;q=0.5")
		tb.do(chromedp.Navigate(site.url))
		tb.waitFor("مرحباً")
		dir, err := chromedp.Run(tb.ctx, chromedp.AttributeValue(chromedp.CSS("html"), "dir"))
		if err != nil || dir.Value != "rtl" {
			t.Errorf("dir %q, %v", dir.Value, err)
		}
		tb.press("find", "اكتبي اسم بلدتكِ.")
		page := tb.say("Crema", "Crema")
		if !strings.Contains(page, "\u2068") {
			t.Errorf("the names are not isolated in the Arabic text:\n%s", page)
		}
		// The picker takes her to English.
		tb.press("menu", "")
		tb.press("lang", "English")
		tb.press("lang:en", "What do you need?")
		if dir, _ := chromedp.Run(tb.ctx, chromedp.AttributeValue(chromedp.CSS("html"), "dir")); dir.Value != "ltr" {
			t.Errorf("after picking English, dir %q", dir.Value)
		}
	})
}
