package flows

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"frontdoor/flows/directory"
)

// maxPick is how many comuni a "which one?" offers.
const maxPick = 5

// townFind is the town her words name: a covered town with its centres, or
// comuni of the gazetteer (one when sure, more to pick from).
type townFind struct {
	name    string
	centres []*directory.Centre
	places  []*directory.Place
}

func (f townFind) found() bool { return len(f.centres) > 0 || len(f.places) > 0 }

// text answers free text by what it means: help or danger words get the
// numbers that always answer first; a town anywhere in it gets its centres
// or the nearest ones; small talk a kind word and the menu; anything else
// says the service is automatic and gives the numbers. Her words are never
// repeated, except the name of a town it recognised.
func (d *dialogue) text(text string) {
	toks := tokens(text)
	lex := d.svc.lexicon
	help := lex != nil && lex.asksHelp(toks)
	talk := talkNone
	if !help {
		talk = d.talkOf(text, toks)
	}
	var f townFind
	if talk == talkNone {
		f = d.findTown(text, toks)
	}
	if help {
		d.helpFirst()
	}
	switch {
	case f.found():
		event := d.event
		d.townAnswer(f)
		if help {
			d.event = event
		}
	case help:
	case talk != talkNone:
		d.smallTalk(talk, directory.Italy().Lookup(text, false).Places)
	default:
		d.notUnderstood(text)
	}
}

// firstText answers the first message of a conversation: the welcome, and
// what her words asked for; when they ask for help, the numbers come first
// and take the welcome's place.
func (d *dialogue) firstText(text string) {
	toks := tokens(text)
	if lex := d.svc.lexicon; lex != nil && lex.asksHelp(toks) {
		d.opened = true
		d.text(text)
		return
	}
	d.welcome("")
	if d.talkOf(text, toks) != talkNone {
		return
	}
	if f := d.findTown(text, toks); f.found() {
		d.townAnswer(f)
	}
}

// talkOf is the kind of small talk her message is; none when only a typo
// makes it small talk and it is exactly the name of a comune ("Susa" is
// not "scusa").
func (d *dialogue) talkOf(text string, toks []string) talkKind {
	lex := d.svc.lexicon
	if lex == nil {
		return talkNone
	}
	k := lex.talkOf(toks, true)
	if k != talkNone && lex.talkOf(toks, false) == talkNone && len(directory.Italy().Lookup(text, false).Places) > 0 {
		return talkNone
	}
	return k
}

// findTown looks for a town in her message: the whole message first (any
// comune, even one whose name is an everyday word: "Porte"), then every
// phrase in it, longest first. Inside a sentence a short name counts
// only after a place word ("abito a", "I live in"), a typo only there and
// in a word of six letters or more; a single word elsewhere only when it
// names a town a centre covers or of some size (a village's name is often
// an everyday word: Mese, Torno, Malé); an everyday word of the lists
// ("male", "paese") only after a place word; a postcode anywhere.
func (d *dialogue) findTown(text string, toks []string) townFind {
	lex := d.svc.lexicon
	known := func(ts []string) bool { return lex != nil && lex.allKnown(ts) }
	common := func(w string) bool { return lex != nil && lex.common[w] }
	// Words of the lists are not towns with a typo: "hello" is not Ello.
	if f, _ := d.lookupTown(text, !known(toks)); f.found() {
		return f
	}
	// A town after a place word ("sono di Crema") or of several words is
	// what she names; a single word alone only when none is.
	var alone townFind
	maxWords := directory.Italy().MaxWords()
	// A town is named early; a pasted page is not read to its end.
	for i := range toks[:min(len(toks), maxTownWords)] {
		if lex != nil && lex.onStreet(toks, i) {
			continue // "via Roma" is a street
		}
		cued := lex != nil && lex.cued(toks, i)
		for n := min(maxWords, len(toks)-i); n >= 1; n-- {
			if i == 0 && n == len(toks) {
				continue // the whole message, read above
			}
			phrase := toks[i : i+n]
			f, how := d.lookupTown(strings.Join(phrase, " "), cued && !known(phrase))
			if !f.found() || how == directory.Typo && !d.significant(f) {
				// A typo of a village's name is too often another word
				// ("parlare" is not Pallare).
				continue
			}
			if n > 1 {
				return f
			}
			w := toks[i]
			switch {
			case len(w) == 5 && strings.Trim(w, "0123456789") == "":
				return f
			case cued && lex.common[toks[i-1]+" "+w]:
			case cued:
				if how != directory.Typo || utf8.RuneCountInString(w) >= minSentenceTypo {
					return f
				}
			case !common(w) && d.significant(f) && !alone.found():
				alone = f
			}
		}
	}
	return alone
}

// maxTownWords is how many words of a message are read for a town.
const maxTownWords = 100

// minSentenceTypo is the shortest word of a sentence read as a town with a
// typo: shorter ones are often everyday words one letter from a village.
const minSentenceTypo = 6

// bigTown is the population from which a comune's name inside a sentence
// is taken for the town even without a place word before it.
const bigTown = 10000

// significant reports whether a town found stands out enough to be read
// without a place word: a covered town, or a comune of some size.
func (d *dialogue) significant(f townFind) bool {
	if len(f.centres) > 0 {
		return true
	}
	for _, p := range f.places {
		if p.Population >= bigTown {
			return true
		}
	}
	return false
}

// lookupTown reads q as one town: a town a centre covers, the name of an
// Italian town in her language, or a comune of the gazetteer; and how the
// gazetteer recognised it.
func (d *dialogue) lookupTown(q string, fuzzy bool) (townFind, directory.How) {
	if name, cs := d.dir.FindTown(q); len(cs) > 0 {
		return townFind{name: name, centres: cs}, directory.Exact
	}
	if lex := d.svc.lexicon; lex != nil {
		if name, ok := lex.towns[strings.Join(tokens(q), " ")]; ok {
			q = name
		}
	}
	m := directory.Italy().Lookup(q, fuzzy)
	switch len(m.Places) {
	case 0:
		return townFind{}, directory.NotFound
	case 1:
		return d.placeFind(m.Places[0]), m.How
	}
	return townFind{places: d.rankPlaces(m.Places, q)}, m.How
}

// placeFind is what one comune finds: the centres of the covered town it
// is, or the comune alone.
func (d *dialogue) placeFind(p *directory.Place) townFind {
	if name, cs := d.dir.CoveredPlace(p); len(cs) > 0 {
		return townFind{name: name, centres: cs}
	}
	return townFind{places: []*directory.Place{p}}
}

// rankPlaces orders comuni to pick from as she most likely means them: the
// ones a centre covers, then the nearest to a centre of this service (she
// found this service, so she is likely near it), then the most populous; at
// most maxPick, always with those named exactly q ("Sesto", BZ, among the
// Sesto San Giovanni and Sesto Calende that start so).
func (d *dialogue) rankPlaces(ps []*directory.Place, q string) []*directory.Place {
	type ranked struct {
		p       *directory.Place
		covered bool
		metres  int
	}
	rs := make([]ranked, len(ps))
	for i, p := range ps {
		_, cs := d.dir.CoveredPlace(p)
		rs[i] = ranked{p: p, covered: len(cs) > 0}
		if n := d.dir.Nearest(p.Lat, p.Lon, 1); len(n) > 0 {
			rs[i].metres = n[0].Metres
		}
	}
	slices.SortStableFunc(rs, func(a, b ranked) int {
		if a.covered != b.covered {
			if a.covered {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.metres, b.metres)
	})
	key := directory.Normalize(q)
	exact := func(p *directory.Place) bool {
		return directory.Normalize(p.Name) == key || p.AltName != "" && directory.Normalize(p.AltName) == key
	}
	others := maxPick
	for _, r := range rs {
		if exact(r.p) {
			others--
		}
	}
	out := make([]*directory.Place, 0, maxPick)
	for _, r := range rs {
		if exact(r.p) || others > 0 {
			if !exact(r.p) {
				others--
			}
			out = append(out, r.p)
		}
	}
	return out
}

// townAnswer shows what a town search found: the centres of a covered town,
// the nearest centres of a town outside every area, or the comuni to pick
// from.
func (d *dialogue) townAnswer(f townFind) {
	switch {
	case len(f.centres) > 0:
		d.coveredTown(f.name, f.centres)
	case len(f.places) == 1:
		p := f.places[0]
		d.event = "search_outside"
		d.sess.Town = ""
		d.outside(p, d.dir.Nearest(p.Lat, p.Lon, nearestCount))
	default:
		d.pickTown(f.places)
	}
}

// outside lists the centres nearest to a place outside every area: one
// honest line that it is outside, and 1522, which knows every centre in
// Italy.
func (d *dialogue) outside(p *directory.Place, ranked []directory.Ranked) {
	texts := []Text{T("card.town", "Town", p.Label()), T("town.outside")}
	var items []Text
	var centres []*directory.Centre
	if len(ranked) > 0 {
		d.sess.Network = ranked[0].Centre.Network
		items, centres = d.rankedItems(ranked)
		items = append([]Text{T("list.nearest")}, items...)
	}
	items = append(items, T("emergency.outside"))
	d.list(texts, items, centres, chatRow())
}

// pickTown asks which of several comuni she means.
func (d *dialogue) pickTown(places []*directory.Place) {
	d.event = "town_pick"
	d.sess.State = stFind
	var rows [][]Button
	for _, p := range places {
		rows = append(rows, []Button{{Label: Raw(p.Label()), Data: comuneData(p)}})
	}
	d.say(Reply{Texts: []Text{T("town.pick"), T("town.pick_which")}, Buttons: append(rows, navRow(true))})
}

// helpFirst answers words of help or danger: after two neutral lines, 112
// for immediate danger and 1522, then the way back to a callback request
// she was writing and the main choices.
func (d *dialogue) helpFirst() {
	d.event = "help"
	d.sess.State = stMenu
	texts := []Text{T(d.onDoor("auto.notice")), T("emergency.title"), T("emergency.112_now"), T("emergency.1522"), T("menu.title")}
	rows := append(d.resumeRow(), chatRow())
	d.say(Reply{Texts: texts, Buttons: append(rows, d.menuButtons()...), Protect: true})
}

// helpInRequest reports whether text typed during a callback request asks
// for help or says a danger: the numbers come first there too, and her
// answers wait for her (the request's own reader would ask its question
// again). Not at the questions whose answer is her own text: her number,
// and what the caller says if someone else answers.
func (d *dialogue) helpInRequest(text string) bool {
	st := d.sess.State
	return d.svc.lexicon != nil && slices.Contains(callbackStates, st) && st != stCbPhone && st != stCbSay &&
		d.svc.lexicon.asksHelp(tokens(text))
}

// smallTalk answers a greeting, thanks, yes or no with a kind word and the
// menu; and, when the words are also the name of comuni ("Salve"), with
// them one tap away.
func (d *dialogue) smallTalk(k talkKind, places []*directory.Place) {
	d.event = "small_talk"
	d.sess.State = stMenu
	first := map[talkKind]string{talkHello: "welcome.hello", talkThanks: "small.thanks", talkOK: "small.ok"}[k]
	var rows [][]Button
	for _, p := range places {
		rows = append(rows, []Button{{Label: Raw(p.Label()), Data: comuneData(p)}})
	}
	d.say(Reply{Texts: []Text{T(first), T("menu.title")}, Buttons: append(rows, d.menuButtons()...)})
}

// notUnderstood answers text that names nothing it knows: the service is
// automatic, what it can read, the numbers and the menu; and, when she was
// asked for a town, the covered towns close to what she typed.
func (d *dialogue) notUnderstood(text string) {
	d.unknown()
	if !d.searching() {
		return
	}
	var rows [][]Button
	for _, s := range d.dir.Suggest(text, 3) {
		rows = append(rows, []Button{{Label: Raw(s), Data: coveredTownData(s)}})
	}
	if len(rows) > 0 {
		last := &d.replies[len(d.replies)-1]
		last.Texts = append(last.Texts, T("town.did_you_mean"))
		last.Buttons = append(rows, last.Buttons...)
	}
}

// chatRow is the button that opens the chat of 1522, which answers in
// writing too, wherever the numbers that always answer are shown.
func chatRow() []Button {
	return []Button{{Label: T("button.chat1522"), URL: ChatURL1522}}
}

// ChatURL1522 is the page of the 1522 chat (Dipartimento per le Pari
// Opportunità).
const ChatURL1522 = "https://www.1522.eu"
