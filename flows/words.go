package flows

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"frontdoor/flows/directory"
)

// Words are the lists of what people type in one language, which the
// dialogues read for what it means. The lists live beside the message files
// (locales/words) and reach flows as data, so that flows knows no catalogue.
// An entry is a word or a phrase (its words in a row); case, accents,
// punctuation and one typo in a word of 5 letters or more do not matter; a
// last word ending in "*" stands for every word that starts so.
type Words struct {
	// Help asks for help or says a danger or a fear: the reply starts with
	// 112 and 1522.
	Help []string
	// Greeting, Thanks, Yes and No make small talk: a message made only of
	// them gets a short kind answer and the menu.
	Greeting []string
	Thanks   []string
	Yes      []string
	No       []string
	// Place are the words just before a town ("abito a", "I live in"):
	// after them a short name or a typo still names the town.
	Place []string
	// Street are the words before a street's name: a town's name right
	// after them is the street ("via Roma"), not her town.
	Street []string
	// Common are everyday words that are also names of comuni ("male",
	// "paese"): inside a sentence they name a town only after a Place word,
	// and a pair "di male" never does.
	Common []string
	// Towns are names of Italian towns in the language ("Milan", "Милане"),
	// with the official name they stand for.
	Towns map[string]string
}

// Lexicon is the Words of every language, merged and ready to read a
// message: she may write in another language than her app's, or mix two.
// It never changes once built.
type Lexicon struct {
	help, smallTalk, place, street phrases
	// talk says which kind of small talk each phrase of smallTalk is.
	talk   map[string]talkKind
	common map[string]bool
	towns  map[string]string
	// known are the words of every list: a message made only of them is
	// never read as a town with a typo ("hello" is not "Ello").
	known map[string]bool
}

// talkKind is the kind of a small-talk message, by the answer it gets.
type talkKind int

const (
	talkNone talkKind = iota
	talkOK            // yes, no
	talkHello
	talkThanks
)

// NewLexicon merges the word lists of every language. An empty entry is an
// error naming the language and the list.
func NewLexicon(langs map[string]Words) (*Lexicon, error) {
	l := &Lexicon{talk: map[string]talkKind{}, common: map[string]bool{}, towns: map[string]string{}, known: map[string]bool{}}
	l.help.minTypo = 4 // "hlep me"
	var errs []error
	for lang, w := range langs {
		bad := func(list, entry string) {
			errs = append(errs, fmt.Errorf("words %s: %s %q: %s", lang, list, entry, "empty once normalized"))
		}
		add := func(p *phrases, list string, entries []string, kind talkKind) {
			for _, e := range entries {
				ph, ok := p.add(e)
				if !ok {
					bad(list, e)
					continue
				}
				for _, w := range tokens(e) {
					l.known[w] = true
				}
				if kind > l.talk[ph] {
					l.talk[ph] = kind
				}
			}
		}
		add(&l.help, "help", w.Help, talkNone)
		add(&l.smallTalk, "greeting", w.Greeting, talkHello)
		add(&l.smallTalk, "thanks", w.Thanks, talkThanks)
		add(&l.smallTalk, "yes", w.Yes, talkOK)
		add(&l.smallTalk, "no", w.No, talkOK)
		add(&l.place, "place", w.Place, talkNone)
		add(&l.street, "street", w.Street, talkNone)
		for _, c := range w.Common {
			k := strings.Join(tokens(c), " ")
			if k == "" {
				bad("common", c)
				continue
			}
			l.common[k] = true
		}
		// That each names one comune is checked by a test, not here: the
		// gazetteer is not needed to start.
		for alias, name := range w.Towns {
			k := strings.Join(tokens(alias), " ")
			if k == "" {
				bad("towns", alias)
				continue
			}
			l.towns[k] = name
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return l, nil
}

// tokens splits text into the words the lexicon compares: normalized as
// town names are (directory.Normalize), with every character of a script
// written without spaces (Chinese, Japanese, Thai) a word of its own.
func tokens(text string) []string {
	words := strings.Fields(directory.Normalize(text))
	var out []string
	for _, w := range words {
		start := 0
		for i, r := range w {
			if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai) {
				if start < i {
					out = append(out, w[start:i])
				}
				out = append(out, w[i:i+utf8.RuneLen(r)])
				start = i + utf8.RuneLen(r)
			}
		}
		if start < len(w) {
			out = append(out, w[start:])
		}
	}
	return out
}

// phrases is a set of entries, indexed by their first word and, for typos,
// by the first word less any one letter.
type phrases struct {
	byFirst map[string][]phrase
	stems   []phrase // whose first word is a stem ("minacc*")
	// minTypo is the shortest word read with a typo, minTypoRunes when 0.
	minTypo int
}

type phrase struct {
	words []string
	// stem: the last word is a prefix.
	stem bool
	key  string
}

// minTypoRunes is the shortest word read with a typo: shorter ones are one
// letter from too many others.
const minTypoRunes = 5

func (p *phrases) add(entry string) (string, bool) {
	stem := strings.HasSuffix(strings.TrimSpace(entry), "*")
	words := tokens(entry)
	if len(words) == 0 {
		return "", false
	}
	ph := phrase{words: words, stem: stem, key: strings.Join(words, " ")}
	if p.byFirst == nil {
		p.byFirst = map[string][]phrase{}
	}
	if stem && len(words) == 1 {
		p.stems = append(p.stems, ph)
		return ph.key, true
	}
	for _, k := range typoKeys(words[0], p.typoRunes()) {
		p.byFirst[k] = append(p.byFirst[k], ph)
	}
	return ph.key, true
}

func (p *phrases) typoRunes() int { return cmp.Or(p.minTypo, minTypoRunes) }

// typoKeys is the word and, when it has at least minRunes letters and so
// is read with a typo, the word less each one letter: two words one typo
// apart share one of them.
func typoKeys(w string, minRunes int) []string {
	keys := []string{w}
	if utf8.RuneCountInString(w) < minRunes {
		return keys
	}
	for i, r := range w {
		keys = append(keys, w[:i]+w[i+utf8.RuneLen(r):])
	}
	return keys
}

// at is the longest phrase that starts at toks[i], with its length in
// words (0 when none).
func (p *phrases) at(toks []string, i int) (phrase, int) { return p.match(toks, i, true) }

// match is at, with or without typos.
func (p *phrases) match(toks []string, i int, typos bool) (phrase, int) {
	minRunes := p.typoRunes()
	if !typos {
		minRunes = math.MaxInt
	}
	var best phrase
	n := 0
	try := func(ph phrase) {
		if len(ph.words) > n && ph.matches(toks[i:], minRunes) {
			best, n = ph, len(ph.words)
		}
	}
	for _, ph := range p.stems {
		try(ph)
	}
	seen := map[string]bool{}
	for _, k := range typoKeys(toks[i], minRunes) {
		for _, ph := range p.byFirst[k] {
			if !seen[ph.key] {
				seen[ph.key] = true
				try(ph)
			}
		}
	}
	return best, n
}

// matches reports whether the phrase starts toks: each word the same, or
// one typo off when it has at least minRunes letters; a stem only as the
// start of a word, never with a typo ("stalk*" is not "talk").
func (ph phrase) matches(toks []string, minRunes int) bool {
	if len(toks) < len(ph.words) {
		return false
	}
	for j, w := range ph.words {
		t := toks[j]
		stem := ph.stem && j == len(ph.words)-1
		switch {
		case t == w:
		case stem:
			if !strings.HasPrefix(t, w) {
				return false
			}
		case typo(t, w, minRunes):
		default:
			return false
		}
	}
	return true
}

// typo reports whether t is w with one typo, for a word of minTypoRunes
// letters or more; a shorter one of at least minRunes letters only with two
// neighbours swapped ("hlep"): any other typo of a short word is often
// another word ("sans" is not "sang").
func typo(t, w string, minRunes int) bool {
	n := utf8.RuneCountInString(w)
	switch {
	case n < minRunes:
		return false
	case n >= minTypoRunes:
		return directory.TypoDistance(t, w, 1) <= 1
	case len(t) != len(w):
		return false
	}
	rt, rw := []rune(t), []rune(w)
	for i := 0; i+1 < len(rw); i++ {
		if rt[i] != rw[i] {
			return rt[i] == rw[i+1] && rt[i+1] == rw[i] && string(rt[i+2:]) == string(rw[i+2:])
		}
	}
	return false
}

// asksHelp reports whether any words of the message ask for help or say a
// danger.
func (l *Lexicon) asksHelp(toks []string) bool {
	for i := range toks {
		if _, n := l.help.at(toks, i); n > 0 {
			return true
		}
	}
	return false
}

// maxTalkWords is the longest message read as small talk: a longer one
// says something more.
const maxTalkWords = 8

// talkOf is the kind of small talk the message is, when it is made only of
// greetings, thanks, yes and no (read with typos or without); thanks first,
// then a greeting.
func (l *Lexicon) talkOf(toks []string, typos bool) talkKind {
	if len(toks) == 0 || len(toks) > maxTalkWords {
		return talkNone
	}
	kind := talkNone
	for i := 0; i < len(toks); {
		ph, n := l.smallTalk.match(toks, i, typos)
		if n == 0 {
			return talkNone
		}
		kind = max(kind, l.talk[ph.key])
		i += n
	}
	return kind
}

// allKnown reports whether every word is a word of the lists.
func (l *Lexicon) allKnown(toks []string) bool {
	for _, t := range toks {
		if !l.known[t] {
			return false
		}
	}
	return true
}

// cued reports whether a Place phrase ends just before toks[i].
func (l *Lexicon) cued(toks []string, i int) bool { return endsBefore(&l.place, toks, i) }

// onStreet reports whether a Street phrase ends just before toks[i].
func (l *Lexicon) onStreet(toks []string, i int) bool { return endsBefore(&l.street, toks, i) }

// endsBefore reports whether a phrase of p ends just before toks[i].
func endsBefore(p *phrases, toks []string, i int) bool {
	for start := max(0, i-4); start < i; start++ {
		if ph, n := p.at(toks[:i], start); n == i-start && ph.key != "" {
			return true
		}
	}
	return false
}
