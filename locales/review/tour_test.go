package review_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"frontdoor/bot"
	"frontdoor/locales"
	"frontdoor/locales/review"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// tour plays the tour once for the tests of the package.
func tour(t *testing.T) (*locales.Catalog, []review.Step) {
	t.Helper()
	cat, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	steps, err := review.Tour(context.Background(), cat.Langs())
	if err != nil {
		t.Fatal(err)
	}
	return cat, steps
}

// composed are the messages the program builds by joining pieces, which
// the tour must show so that a reviewer reads them whole.
var composed = []string{
	"list.item", "list.item_distance", "distance.m", "distance.km",
	"status.open_until", "status.open_until_when", "status.open_always", "status.opens", "status.closed",
	"when.today", "when.tomorrow", "when.weekday", "when.date", "date.day_month", "open.next", "card.closure",
	"cb.confirmed.next", "cb.target.first", "cb.target.centre", "cb.summary.windows", "cb.window.span",
	"cb.windows.nobody", "cb.windows.works", "cb.times.read",
	"privacy.kept", "privacy.idle", "privacy.backups", "duration.minutes", "duration.hours", "card.services",
	"emergency.title", "error.store", "cb.unavailable", "cb.final.body", "open.none", "op.card.new",
}

// TestTourScreens renders the tour in every language and compares it with
// testdata/screens/<lang>.txt: a reviewer (and go test -update, whose diff
// is a review artefact) reads whole screens, every composed sentence
// included — status and moment, confirmation and target, privacy and
// durations, list items. Every message to her keeps its first two lines
// neutral, and its first line free of the national numbers.
func TestTourScreens(t *testing.T) {
	cat, steps := tour(t)
	var shown []string
	for _, s := range steps {
		shown = append(shown, s.IDs()...)
	}
	for _, id := range composed {
		if !slices.Contains(shown, id) {
			t.Errorf("the tour never shows %s", id)
		}
	}
	r := bot.NewRenderer(cat)
	r.Missing = func(lang, id string) { t.Errorf("message %q missing in %s", id, lang) }
	for _, lang := range cat.Langs() {
		screens := review.Screens(steps, r, lang)
		words, err := locales.AlarmingWords(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range screens {
			if sc.Operators {
				continue
			}
			for _, m := range sc.Messages {
				plain := strings.ToLower(review.Isolates.Replace(bot.PlainText(m.Text)))
				plain = strings.NewReplacer("⟦", "", "⟪", "", "⟧", "").Replace(plain)
				lines := strings.SplitN(plain, "\n", 3)
				for i, line := range lines[:min(2, len(lines))] {
					check := words
					if i == 0 {
						check = append(slices.Clone(words), "112", "1522", "114")
					}
					for _, w := range check {
						if strings.Contains(line, w) {
							t.Errorf("%s, %s, after %q: line %d contains %q: %q", lang, sc.When, sc.Did, i+1, w, line)
						}
					}
				}
			}
		}
		var b bytes.Buffer
		if err := review.WriteText(&b, screens); err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join("testdata", "screens", lang+".txt"), b.Bytes())
	}
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
		t.Fatalf("%v (run go test ./locales/review -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test ./locales/review -update and read the diff)", path)
	}
}
