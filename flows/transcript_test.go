package flows_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/flows"
	"frontdoor/locales"
	"frontdoor/store/memstore"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata (transcripts, the authorization matrix)")

// rome builds a wall-clock time in Europe/Rome.
func rome(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, flows.Rome)
}

var (
	tuesdayMorning = rome(2027, time.March, 16, 10, 30) // ARCA Cremona open, Crema opens at 14:00
	sundayNight    = rome(2027, time.March, 14, 23, 0)  // everything closed
	easterMonday   = rome(2027, time.March, 29, 10, 0)  // public holiday
	christmasWeek  = rome(2026, time.December, 28, 10, 0)
)

// scripts are the dialogues of the woman's side, typed as in the console:
// a button's number or label, text, /commands, or "lat,lon".
var scripts = []struct {
	name  string
	at    time.Time
	lines []string
}{
	{"find_town", tuesdayMorning, []string{"1", "cremona", "1", "1"}},
	{"town_typo", tuesdayMorning, []string{"1", "Cremna", "1", "BRESSO", "Gotham"}},
	{"area", tuesdayMorning, []string{"1", "2", "1", "1"}},
	{"location", tuesdayMorning, []string{"45.364,9.681", "1"}},
	{"open_now", tuesdayMorning, []string{"2", "1"}},
	{"open_none", sundayNight, []string{"2", "1", "1"}},
	{"language", tuesdayMorning, []string{"4", "English", "1", "Crema", "/lang it"}},
	{"exit", tuesdayMorning, []string{"6", "hello"}},
	{"privacy", tuesdayMorning, []string{"5", "1", "1", "2", "/exit", "/privacy", "3", "2", "3", "1", "hello"}},
	{"unknown", tuesdayMorning, []string{"/foo", "qwertyuiop", "/numeri"}},
	{"holiday", easterMonday, []string{"Cremona"}},
	{"closure", christmasWeek, []string{"Cremona"}},
	// The console's user is a bootstrap admin in these tests.
	{"staff_hours", tuesdayMorning, []string{"/staff", "1", "2", "4", "lun-vex 9-13", "lun-ven 9-13, mar gio 15-18", "1", "/audit"}},
	{"staff_invite", tuesdayMorning, []string{"/staff", "3", "2", "1"}},
	// A closure added (with a typo, then a correction typed on the
	// confirmation screen), listed and removed.
	{"staff_closure", tuesdayMorning, []string{"/staff", "1", "2", "5", "1", "chiuso 24 dicembr", "chiuso dal 24 al 26 dicembre per le feste",
		"chiuso dal 23 al 26 dicembre per le feste", "1", "2", "1", "/audit"}},
}

// alarming are words that must never stand on a message's first line:
// lock screens and the chat list show it to whoever holds the phone.
var alarming = []string{"violen", "abus", "maltratt", "stalk", "emergen", "aiuto", "help", "rape", "stupr", "denunc", "polizia", "police", "112", "1522"}

// twoLines says whether an event's screens are checked on their first two
// lines, as lock screens and chat lists show them, and not only the first:
// every screen of the callback request but "unavailable", whose second
// line is the 1522 line (issue 19 changes it).
func twoLines(event string) bool {
	return strings.HasPrefix(event, "callback") && event != "callback_unavailable"
}

// checked wraps the service and checks every screen it produces.
type checked struct {
	t   *testing.T
	svc *flows.Service
	r   *bot.CatalogRenderer
}

func (c checked) Handle(ctx context.Context, in flows.Input) (flows.Result, error) {
	res, err := c.svc.Handle(ctx, in)
	if err != nil {
		return res, err
	}
	var sos, exit bool
	for _, rep := range res.Replies {
		m := c.r.Render(res.Lang, rep)
		// Stored (outbox, a replay after a crash) and read back, it reads
		// the same.
		if rep.Document == nil {
			var back flows.Reply
			b, err := json.Marshal(rep)
			if err == nil {
				err = json.Unmarshal(b, &back)
			}
			if again := c.r.Render(res.Lang, back); err != nil || !reflect.DeepEqual(again, m) {
				c.t.Errorf("event %s: a reply stored and read back reads differently (%v):\n%s\n---\n%s", res.Event, err, m.Text, again.Text)
			}
		}
		lines := strings.SplitN(bot.PlainText(m.Text), "\n", 3)
		if !twoLines(res.Event) {
			lines = lines[:1]
		}
		for i, line := range lines[:min(len(lines), 2)] {
			for _, w := range alarming {
				if strings.Contains(strings.ToLower(line), w) {
					c.t.Errorf("event %s: line %d %q contains %q", res.Event, i+1, line, w)
				}
			}
		}
		sos = sos || strings.Contains(m.Text, "<b>112</b>")
		for _, row := range rep.Buttons {
			for _, b := range row {
				sos = sos || b.Data == "sos"
				exit = exit || b.Data == "exit"
			}
		}
	}
	if res.Wipe {
		// The chat is wiped: what stays is her choice, nothing or one
		// neutral line, and no help information.
		return res, nil
	}
	if len(res.Replies) == 0 {
		c.t.Errorf("event %s: no reply", res.Event)
	}
	if !sos {
		c.t.Errorf("event %s: the emergency numbers are not one tap away", res.Event)
	}
	if !exit {
		c.t.Errorf("event %s: no exit button", res.Event)
	}
	return res, nil
}

// TestTranscripts plays every script in Italian and English through the
// console and compares what she would read with testdata/transcripts.
func TestTranscripts(t *testing.T) {
	cat, dir := catalogueAndSample(t)
	for _, sc := range scripts {
		for _, lang := range []string{"it", "en"} {
			t.Run(sc.name+"."+lang, func(t *testing.T) {
				r := bot.NewRenderer(cat)
				r.Missing = func(lang, id string) { t.Errorf("message %q missing in %s", id, lang) }
				st := memstore.New()
				svc := flows.NewService(st, dir, flows.Options{
					Langs: cat.Langs(),
					Now:   func() time.Time { return sc.at },
					Staff: st, Directory: st, Admins: []int64{bot.ConsoleChat},
					Rand: rand.NewChaCha8([32]byte{}),
				})
				out := play(t, svc, r, sc.lines, lang)
				golden(t, filepath.Join("testdata", "transcripts", sc.name+"."+lang+".txt"), out.Bytes())
			})
		}
	}
}

// catalogueAndSample loads the message catalogue and the sample directory
// the transcript tests play against.
func catalogueAndSample(t *testing.T) (*locales.Catalog, *flows.Directory) {
	t.Helper()
	cat, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	return cat, sampleDir(t)
}

// play runs lines through the console in lang, every reply checked, and
// returns what she would read.
func play(t *testing.T, svc *flows.Service, r *bot.CatalogRenderer, lines []string, lang string) *bytes.Buffer {
	t.Helper()
	var out bytes.Buffer
	con := &bot.Console{
		Handler:  checked{t: t, svc: svc, r: r},
		Renderer: r,
		In:       strings.NewReader(strings.Join(lines, "\n") + "\n"),
		Out:      &out,
		Lang:     lang,
		Echo:     true,
	}
	if err := con.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &out
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./flows -run TestTranscripts -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("transcript differs from %s (run with -update and review the diff):\n%s", path, got)
	}
}
