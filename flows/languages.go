package flows

import (
	"frontdoor/flows/directory"
	"slices"
	"strings"
)

// DefaultLang is the language of a woman whose client reports none that we
// speak: the networks are Italian.
const DefaultLang = "it"

// PickLang maps a client's language tag ("en-GB", "pt-br", "") to one of the
// offered languages, falling back to DefaultLang.
func PickLang(tag string, offered []string) string {
	if l, ok := speaks(tag, offered); ok {
		return l
	}
	return DefaultLang
}

// speaks maps a client's language tag to its base language ("zh-Hans" and
// "zh-CN" to "zh", "pt-BR" to "pt") and tells whether it is offered.
func speaks(tag string, offered []string) (string, bool) {
	base := strings.ToLower(tag)
	if i := strings.IndexAny(base, "-_"); i >= 0 {
		base = base[:i]
	}
	for _, l := range offered {
		if l == base {
			return l, true
		}
	}
	return "", false
}

// englishRow offers English with one tap when her client's language is not
// one we speak and the conversation fell back to DefaultLang.
func (d *dialogue) englishRow() [][]Button {
	const en = "en"
	if _, ok := speaks(d.in.Lang, d.svc.langs); ok || d.lang == en || !slices.Contains(d.svc.langs, en) {
		return nil
	}
	return [][]Button{{{Label: Raw("🌐 " + directory.LanguageName(en)), Data: "lang:" + en}}}
}

// langRows lays out the language picker, each language in its own name:
// the first two (the fallback and English) on a row of their own, the rest
// three to a row, so that thirteen languages read as a short grid.
func langRows(langs []string) [][]Button {
	var rows [][]Button
	var row []Button
	for i, l := range langs {
		row = append(row, Button{Label: Raw(directory.LanguageName(l)), Data: "lang:" + l})
		if len(row) == 3 || i == 1 || i == len(langs)-1 {
			rows, row = append(rows, row), nil
		}
	}
	return rows
}
