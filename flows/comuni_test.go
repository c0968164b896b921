package flows_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/store/memstore"
)

// TestEveryComuneFindsCentres types the name of every Italian comune on the
// menu (exact, lower case, without accents, with a typo: a letter left out
// or two swapped in its longest word) and wants the centres that cover it,
// or the nearest centres with the line that it is outside the areas, or a
// choice of comuni that includes it (also beside the answer to a greeting
// that is a comune's name: "Salve"). It logs how often each happens.
func TestEveryComuneFindsCentres(t *testing.T) {
	if testing.Short() {
		t.Skip("31,584 messages")
	}
	cat, dir := catalogueAndSample(t)
	svc := flows.NewService(memstore.New(), dir, flows.Options{Langs: cat.Langs(), Now: func() time.Time { return tuesdayMorning }, Lexicon: testLexicon(t)})
	handle(t, svc, flows.Input{Chat: 1, Kind: flows.KindCommand, Command: "start"})
	forms := []struct {
		name string
		of   func(string, int) string
	}{
		{"exact", func(s string, _ int) string { return s }},
		{"lower case", func(s string, _ int) string { return strings.ToLower(s) }},
		{"without accents", func(s string, _ int) string { return withoutAccents(strings.ToLower(s)) }},
		{"one typo", typoOf},
	}
	for _, f := range forms {
		var total, centres, outside, picked int
		var missed []string
		n := 0
		for p := range directory.Italy().All() {
			n++
			q := f.of(p.Name, n)
			res := handle(t, svc, flows.Input{Chat: 1, Kind: flows.KindText, Text: q})
			total++
			if res.Event == "help" && len(res.Replies) == 2 {
				// A name one typo from a word of danger ("Villata",
				// "violata"): the numbers first, then the town.
				res = flows.Result{Event: townEvent(res.Replies[1]), Replies: res.Replies[1:]}
			}
			switch {
			case res.Event == "search_town" && covers(dir, p, res):
				centres++
			case res.Event == "search_outside" && res.Replies[0].Texts[0].Data["Town"] == p.Label():
				outside++
			case (res.Event == "town_pick" || res.Event == "small_talk") && offers(res, p):
				picked++
			default:
				if len(missed) < 15 {
					missed = append(missed, fmt.Sprintf("%q for %s: %s", q, p.Label(), describe(res)))
				}
			}
		}
		found := centres + outside + picked
		t.Logf("%-16s %d comuni: found %.2f%% (centres %d, nearest outside %d, in a choice %d), missed %d",
			f.name, total, 100*float64(found)/float64(total), centres, outside, picked, total-found)
		want := total
		if f.name == "one typo" {
			want = total * 97 / 100
		}
		if found < want {
			t.Errorf("%s: found %d of %d, want at least %d; some misses:\n%s", f.name, found, total, want, strings.Join(missed, "\n"))
		}
	}
}

// townEvent is the event of a town answer, from its first line.
func townEvent(r flows.Reply) string {
	switch {
	case replyHas(r, "town.outside"):
		return "search_outside"
	case replyHas(r, "town.pick"):
		return "town_pick"
	}
	return "search_town"
}

// covers reports whether res shows the centres of a covered comune: a list
// for the town, or the card of the one centre that covers it.
func covers(dir *directory.Directory, p *directory.Place, res flows.Result) bool {
	name, cs := dir.CoveredPlace(p)
	first := res.Replies[0].Texts[0]
	return len(cs) > 0 && (first.ID == "list.town" && first.Data["Town"] == name || first.ID == "card.town" && len(cs) == 1 && first.Data["Town"] == cs[0].Town)
}

// offers reports whether a choice of comuni includes p.
func offers(res flows.Result, p *directory.Place) bool {
	for _, row := range res.Replies[0].Buttons {
		if slices.ContainsFunc(row, func(b flows.Button) bool { return b.Data == "town:"+p.Code }) {
			return true
		}
	}
	return false
}

func withoutAccents(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if r < 0x300 || r > 0x36f {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// typoOf leaves out a letter, or swaps two, in the middle of the name's
// longest word, by turns.
func typoOf(name string, n int) string {
	words := strings.Fields(strings.ToLower(withoutAccents(name)))
	longest := 0
	for i, w := range words {
		if len(w) > len(words[longest]) {
			longest = i
		}
	}
	w := []rune(words[longest])
	if len(w) < 3 {
		return strings.Join(words, " ") + "x"
	}
	i := len(w) / 2
	if n%2 == 0 {
		w = slices.Delete(w, i, i+1)
	} else {
		w[i-1], w[i] = w[i], w[i-1]
	}
	words[longest] = string(w)
	return strings.Join(words, " ")
}
