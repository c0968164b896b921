package review

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"frontdoor/bot"
	"frontdoor/flows/directory"
	"frontdoor/locales"
)

// Sheet is the review of one translation: her screens in the order she
// meets them, then the operators', then every other message, each in
// Italian, English and the language.
type Sheet struct {
	Lang string
	// Name is the language in its own name.
	Name        string
	RightToLeft bool
	// Written is the day the sheet was written, YYYY-MM-DD.
	Written string
	// Review is the last review of the translation, if any.
	Review locales.Review
	// Alarming are the stems the first two lines of her messages must not
	// contain, from the file's header.
	Alarming []string
	// Forms are the plural forms the language needs.
	Forms []string
	Parts []Part
	// Stale and ReviewAgain count the entries so marked.
	Stale, ReviewAgain int
}

// Part is a part of the sheet.
type Part struct {
	Title, Intro string
	Sections     []Section
}

// Section is one screen and the messages first met on it, or a group of
// other messages.
type Section struct {
	Title string
	// Screens are the screen in Italian, English and the language; none
	// for a group of messages.
	Screens []Screen
	Entries []Entry
}

// Entry is one message to review.
type Entry struct {
	ID         string
	It, En, Tr locales.Message
	// Missing is true when the language has no translation yet.
	Missing bool
	// ItHash and TrHash are the hashes of the Italian and of the
	// translation as the sheet shows them ("" for a missing one): the
	// import notices a change made after the sheet was written.
	ItHash, TrHash string
	// Stale: the Italian changed after this was translated. ReviewAgain:
	// it was reviewed, and the Italian or the translation changed since.
	Stale, ReviewAgain bool
}

// groups name the messages that are not on her screens, by id prefix, in
// the order the sheet lists them; the last catches the rest.
var groups = []struct{ prefixes, title string }{
	{"command.", "The command menu: Telegram shows these next to the /commands"},
	{"staff. field. parse. role.", "Staff: volunteers, coordinators and admins editing the directory"},
	{"op.", "Operators of the centres"},
	{"stats.", "Anonymous statistics, for coordinators"},
	{"poster.", "Posters printed for waiting rooms (plain text, no bold)"},
	{"", "Other messages she can meet"},
}

// New builds the sheet of lang from the message files in fsys (locales/ on
// disk), the tour and a renderer of the same texts.
func New(fsys fs.FS, lang string, steps []Step, r *bot.CatalogRenderer, today time.Time) (*Sheet, error) {
	if lang == locales.Source {
		return nil, fmt.Errorf("%s is the source language: there is nothing to review against", lang)
	}
	src, err := locales.ReadMessages(fsys, locales.Source)
	if err != nil {
		return nil, err
	}
	en, err := locales.ReadMessages(fsys, "en")
	if err != nil {
		return nil, err
	}
	tr, err := locales.ReadMessages(fsys, lang)
	if err != nil {
		return nil, err
	}
	st, err := locales.ReadStamps(fsys, lang)
	if err != nil {
		return nil, err
	}
	alarming, err := locales.AlarmingWords(lang)
	if err != nil {
		return nil, err
	}
	forms, _ := locales.PluralExamples(lang)
	status := locales.Check(src, tr, st)
	s := &Sheet{
		Lang: lang, Name: directory.LanguageName(lang), RightToLeft: locales.RightToLeft(lang),
		Written: today.Format(time.DateOnly), Review: st.Review, Alarming: alarming, Forms: forms,
		Stale: len(status.Stale), ReviewAgain: len(status.ReviewAgain),
	}
	b := builder{src: index(src), en: index(en), tr: index(tr), status: status, listed: map[string]bool{}}

	hers := Part{Title: "Her screens, in the order she meets them", Intro: herIntro}
	ops := Part{Title: "What the operators of a centre read", Intro: opsIntro}
	n := 0
	for _, st := range steps {
		sec := Section{Screens: []Screen{
			Screens([]Step{st}, r, locales.Source)[0], Screens([]Step{st}, r, "en")[0], Screens([]Step{st}, r, lang)[0],
		}}
		sec.Entries = b.entries(st.IDs())
		if st.Operators {
			sec.Title = fmt.Sprintf("%s · the operators' group receives", st.When)
			ops.Sections = append(ops.Sections, sec)
			continue
		}
		n++
		sec.Title = fmt.Sprintf("Screen %d · %s · %s", n, st.When, did(st, r))
		hers.Sections = append(hers.Sections, sec)
	}
	rest := Part{Title: "Every other message", Intro: restIntro}
	for _, g := range groups {
		var ids []string
		for _, m := range src {
			if !b.listed[m.ID] && (g.prefixes == "" || hasPrefix(m.ID, g.prefixes)) {
				ids = append(ids, m.ID)
			}
		}
		if entries := b.entries(ids); len(entries) > 0 {
			rest.Sections = append(rest.Sections, Section{Title: g.title, Entries: entries})
		}
	}
	s.Parts = []Part{hers, ops, rest}
	return s, nil
}

// Intros of the parts of the sheet.
const (
	herIntro  = "Each screen shows what she did, then what she reads, in Italian, English and your language; below it, the messages that appear on it for the first time."
	opsIntro  = "Operators receive these in Italian today; read them if you have time."
	restIntro = "Messages that are not on her screens above, or that she meets rarely."
)

// did says in English what she did at a step.
func did(st Step, r *bot.CatalogRenderer) string {
	label := ""
	if st.Did.ID != "" {
		label = Screens([]Step{{Did: st.Did}}, r, "en")[0].Did
	}
	switch {
	case st.Did.ID == "":
		return "the bot writes to her"
	case st.Typed:
		return fmt.Sprintf("she types “%s”", label)
	}
	return fmt.Sprintf("she taps “%s”", label)
}

func hasPrefix(id, prefixes string) bool {
	for p := range strings.FieldsSeq(prefixes) {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

// builder makes entries, each message once.
type builder struct {
	src, en, tr map[string]locales.Message
	status      locales.Status
	listed      map[string]bool
}

func (b *builder) entries(ids []string) []Entry {
	var out []Entry
	for _, id := range ids {
		it, ok := b.src[id]
		if !ok || b.listed[id] {
			continue
		}
		b.listed[id] = true
		e := Entry{ID: id, It: it, En: b.en[id], ItHash: locales.Hash(it),
			Stale: slices.Contains(b.status.Stale, id), ReviewAgain: slices.Contains(b.status.ReviewAgain, id)}
		if tr, ok := b.tr[id]; ok {
			e.Tr, e.TrHash = tr, locales.Hash(tr)
		} else {
			e.Missing = true
		}
		out = append(out, e)
	}
	return out
}

// index maps messages by id.
func index(msgs []locales.Message) map[string]locales.Message {
	out := make(map[string]locales.Message, len(msgs))
	for _, m := range msgs {
		out[m.ID] = m
	}
	return out
}
