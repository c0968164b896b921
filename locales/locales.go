// Package locales holds the message files of frontdoor, embedded in the
// binary, and the go-i18n catalogue built from them. Italian is the source
// language and the fallback; every file must hold every message, which the
// package's tests check.
package locales

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed *.toml
var files embed.FS

// Source is the language every other file translates from, and the
// fallback when a message is missing.
const Source = "it"

// Catalog renders messages in the languages of the embedded files.
type Catalog struct {
	langs      []string
	localizers map[string]*i18n.Localizer
}

// New loads the embedded message files.
func New() (*Catalog, error) {
	bundle := i18n.NewBundle(language.Italian)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	names, err := fs.Glob(files, "*.toml")
	if err != nil {
		return nil, fmt.Errorf("list message files: %w", err)
	}
	c := &Catalog{localizers: make(map[string]*i18n.Localizer)}
	for _, name := range names {
		if _, err := bundle.LoadMessageFileFS(files, name); err != nil {
			return nil, fmt.Errorf("load message file %s: %w", name, err)
		}
		lang := strings.TrimSuffix(name, ".toml")
		c.langs = append(c.langs, lang)
		c.localizers[lang] = i18n.NewLocalizer(bundle, lang, Source)
	}
	slices.SortFunc(c.langs, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return c, nil
}

// rank orders the languages offered: the source language first (it is the
// fallback of every choice), English second (one tap away for whoever
// reads neither her own language nor Italian), then the rest by code.
func rank(lang string) int {
	switch lang {
	case Source:
		return 0
	case "en":
		return 1
	}
	return 2
}

// Langs returns the languages there are message files for, in the order
// they are offered: Source first, then English, then by code.
func (c *Catalog) Langs() []string { return slices.Clone(c.langs) }

// RightToLeft tells whether lang is written right to left, from the script
// the language is usually written in (Arabic for ar and fa, Hebrew for he),
// so that a new right-to-left language needs no change here.
func RightToLeft(lang string) bool {
	script, _ := language.Make(lang).Script()
	switch script.String() {
	case "Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr":
		return true
	}
	return false
}

// Text renders one message in lang (or Source when lang has no file).
// ok is false when the message is missing in lang: the text is then the
// fallback, or the id itself when no language has the message.
func (c *Catalog) Text(lang, id string, data map[string]any, count any) (text string, ok bool) {
	l, found := c.localizers[lang]
	if !found {
		l = c.localizers[Source]
	}
	text, tag, err := l.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil && text == "" {
		return id, false
	}
	// go-i18n returns the fallback text together with an error: keep the
	// text, but tell the caller it was not in the asked language.
	return text, err == nil && (tag.String() == lang || !found)
}

// File returns the raw contents of a language's message file, for tests and
// for translators' tools.
func File(lang string) ([]byte, error) {
	return files.ReadFile(lang + ".toml")
}
