package directory

import (
	"strings"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Languages maps ISO 639-1 codes to the language's name in that language,
// as shown on centre cards and in the language picker.
var Languages = map[string]string{
	"ar": "العربية",
	"de": "Deutsch",
	"en": "English",
	"es": "Español",
	"fa": "فارسی",
	"fr": "Français",
	"it": "Italiano",
	"pl": "Polski",
	"pt": "Português",
	"ro": "Română",
	"ru": "Русский",
	"sq": "Shqip",
	"uk": "Українська",
	"zh": "中文",
}

// LanguageName returns the name of a language in itself: from Languages,
// else from the CLDR names of golang.org/x/text (so that a language added
// with a message file alone still shows in its own name), else the code.
func LanguageName(code string) string {
	if n, ok := Languages[code]; ok {
		return n
	}
	if tag, err := language.Parse(code); err == nil {
		if n := display.Self.Name(tag); n != "" {
			return n
		}
	}
	return code
}

// languageNames maps the names volunteers write for the languages of
// Languages — in any of those languages, without accents and in lower case
// ("inglese", "anglais", "английский") — to their codes.
var languageNames = func() map[string]string {
	m := map[string]string{"farsi": "fa", "mandarino": "zh", "mandarin": "zh"}
	for code := range Languages {
		tag := language.Make(code)
		m[Normalize(LanguageName(code))] = code
		for in := range Languages {
			if n := Normalize(display.Languages(language.Make(in)).Name(tag)); n != "" {
				m[n] = code
			}
		}
	}
	return m
}()

// ParseLanguages reads the languages of a centre as volunteers write them:
// ISO 639-1 codes ("it, en") or names in Italian, English or the language
// itself ("italiano, inglese, العربية"), separated by commas, semicolons
// or spaces; "-" alone is none. The same forms are read from the
// directory file.
func ParseLanguages(s string) ([]string, error) {
	var out []string
	add := func(code string) {
		for _, c := range out {
			if c == code {
				return
			}
		}
		out = append(out, code)
	}
	for _, item := range SplitList(s) {
		if item == "-" {
			continue
		}
		if code, ok := languageCode(item); ok {
			add(code)
			continue
		}
		// "it en fr", "italiano inglese"
		for _, w := range strings.FieldsFunc(item, func(r rune) bool { return unicode.IsSpace(r) || r == '/' }) {
			code, ok := languageCode(w)
			if !ok {
				return nil, NewInputError(w, "parse.unknown_language")
			}
			add(code)
		}
	}
	return out, nil
}

// isLanguageCode tells whether s has the form of an ISO 639-1 code, the
// form the directory keeps.
func IsLanguageCode(s string) bool { return langPattern.MatchString(s) }

// languageCode reads one code or name.
func languageCode(s string) (string, bool) {
	n := Normalize(s)
	if code, ok := languageNames[n]; ok {
		return code, true
	}
	if IsLanguageCode(n) {
		if b, err := language.ParseBase(n); err == nil && b.String() == n {
			return n, true
		}
	}
	return "", false
}
