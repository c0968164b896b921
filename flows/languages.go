package flows

import "strings"

// DefaultLang is the language of a woman whose client reports none that we
// speak: the networks are Italian.
const DefaultLang = "it"

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

// LanguageName returns the name of a language in itself, or the code when
// it is not known.
func LanguageName(code string) string {
	if n, ok := Languages[code]; ok {
		return n
	}
	return code
}

// PickLang maps a client's language tag ("en-GB", "pt-br", "") to one of the
// offered languages, falling back to DefaultLang.
func PickLang(tag string, offered []string) string {
	base := strings.ToLower(tag)
	if i := strings.IndexAny(base, "-_"); i >= 0 {
		base = base[:i]
	}
	for _, l := range offered {
		if l == base {
			return l
		}
	}
	return DefaultLang
}
