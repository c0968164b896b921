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
	"slices"
	"strings"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/locales"
	"frontdoor/store/memstore"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata (transcripts, the authorization matrix)")

// rome builds a wall-clock time in Europe/Rome.
func rome(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, directory.Rome)
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
	// Her own words: danger with a town inside, a short name, a town
	// outside every area, a name many comuni share, small talk, a postcode,
	// a location in central Milan, and what happens at a centre.
	{"words_help", tuesdayMorning, []string{"mio marito mi picchia, abito a Cinisello", "ho paura", "grazie"}},
	{"words_towns", tuesdayMorning, []string{"sono di Milano", "abito a sesto", "1", "20092", "non so", "ciao"}},
	{"words_location", tuesdayMorning, []string{"45.4642,9.19", "4", "1"}},
	{"words_about", tuesdayMorning, []string{"7", "2"}},
	{"staff_hours", tuesdayMorning, []string{"/staff", "1", "2", "5", "lun-vex 9-13", "lun-ven 9-13, mar gio 15-18", "1", "/audit"}},
	{"staff_invite", tuesdayMorning, []string{"/staff", "3", "2", "1"}},
	// A closure added (with a typo, then a correction typed on the
	// confirmation screen), listed and removed.
	{"staff_closure", tuesdayMorning, []string{"/staff", "1", "2", "5", "1", "chiuso 24 dicembr", "chiuso dal 24 al 26 dicembre per le feste",
		"chiuso dal 23 al 26 dicembre per le feste", "1", "2", "1", "/audit"}},
}

// alarming are words that must never stand on a message's first two lines
// in any language: lock screens and the chat list show them to whoever
// holds the phone. Each language adds the list in its message file's
// header (see alarmingIn).
var alarming = []string{"violen", "abus", "maltratt", "stalk", "emergen", "aiuto", "help", "rape", "stupr", "denunc", "polizia", "police", "112", "1522"}

// alarmingIn is alarming and the "# alarming:" list of lang's message file.
func alarmingIn(t *testing.T, lang string) []string {
	t.Helper()
	raw, err := locales.File(lang)
	if err != nil {
		t.Fatal(err)
	}
	words := slices.Clone(alarming)
	for line := range strings.Lines(string(raw)) {
		if list, ok := strings.CutPrefix(line, "# alarming:"); ok {
			for w := range strings.SplitSeq(list, ",") {
				if w = strings.ToLower(strings.TrimSpace(w)); w != "" {
					words = append(words, w)
				}
			}
		}
	}
	return words
}

// testLexicon is the lexicon of the word lists beside the message files,
// as cmd wires it.
func testLexicon(t testing.TB) *flows.Lexicon {
	t.Helper()
	lists, err := locales.WordLists()
	if err != nil {
		t.Fatal(err)
	}
	words := make(map[string]flows.Words, len(lists))
	for lang, w := range lists {
		words[lang] = flows.Words(w)
	}
	lex, err := flows.NewLexicon(words)
	if err != nil {
		t.Fatal(err)
	}
	return lex
}

// checked wraps the service and checks every screen it produces.
type checked struct {
	t   *testing.T
	svc *flows.Service
	r   *bot.CatalogRenderer
	// staff: the screens are the staff's, whose first line only must be
	// neutral (a woman's first two).
	staff bool
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
		neutral := 2
		if c.staff {
			neutral = 1
		}
		for i, line := range lines[:min(neutral, len(lines))] {
			for _, w := range alarmingIn(c.t, res.Lang) {
				if strings.Contains(strings.ToLower(line), w) {
					c.t.Errorf("event %s (%s): line %d %q contains %q", res.Event, res.Lang, i+1, line, w)
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

// goldenLangs are the languages whose transcripts are kept in
// testdata/transcripts; every other language is played too, for the checks
// of every screen (neutral first two lines, the numbers and the exit one
// tap away, no message missing).
var goldenLangs = []string{"it", "en"}

// TestTranscripts plays every script in every language through the
// console, checks every screen, and compares what she would read in
// Italian and English with testdata/transcripts.
func TestTranscripts(t *testing.T) {
	cat, dir := catalogueAndSample(t)
	lex := testLexicon(t)
	for _, sc := range scripts {
		for _, lang := range cat.Langs() {
			t.Run(sc.name+"."+lang, func(t *testing.T) {
				r := bot.NewRenderer(cat)
				r.Missing = func(lang, id string) { t.Errorf("message %q missing in %s", id, lang) }
				st := memstore.New()
				svc := flows.NewService(st, dir, flows.Options{
					Langs: cat.Langs(),
					Now:   func() time.Time { return sc.at },
					Staff: st, Directory: st, Admins: []int64{bot.ConsoleChat},
					Rand: rand.NewChaCha8([32]byte{}), Lexicon: lex,
				})
				out := play(t, checked{t: t, svc: svc, r: r, staff: strings.HasPrefix(sc.name, "staff_")}, r, sc.lines, lang)
				if slices.Contains(goldenLangs, lang) {
					golden(t, filepath.Join("testdata", "transcripts", sc.name+"."+lang+".txt"), out.Bytes())
				}
			})
		}
	}
}

// catalogueAndSample loads the message catalogue and the sample directory
// the transcript tests play against.
func catalogueAndSample(t *testing.T) (*locales.Catalog, *directory.Directory) {
	t.Helper()
	cat, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	return cat, sampleDir(t)
}

// play runs lines through the console in lang, every reply checked by h,
// and returns what she would read.
func play(t *testing.T, h checked, r *bot.CatalogRenderer, lines []string, lang string) *bytes.Buffer {
	t.Helper()
	var out bytes.Buffer
	con := &bot.Console{
		Handler:  h,
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
