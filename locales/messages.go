package locales

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// PluralForms are the CLDR plural categories, in their usual order.
var PluralForms = []string{"zero", "one", "two", "few", "many", "other"}

// PluralExamples returns the plural forms go-i18n uses for lang, and a
// count that selects each. The rules are go-i18n's own (CLDR, generated
// into go-i18n's internal/plural, which cannot be imported): they are found
// by asking PluralPicker about every integer to 1100, a million (French,
// Italian, Spanish and Portuguese have "many" for it) and some decimals
// (Russian and Ukrainian need "other" only for them). golang.org/x/text/feature/plural is not used: its CLDR version
// differs from go-i18n's, and go-i18n is what picks the form in front of her.
func PluralExamples(lang string) (forms []string, example map[string]any) {
	pick := PluralPicker(lang)
	counts := make([]any, 0, 1110)
	for n := range 1101 {
		counts = append(counts, n)
	}
	counts = append(counts, 1000000, "0.5", "1.5", "2.5", "1.25", "10.1")
	example = map[string]any{}
	for _, n := range counts {
		form := pick(n)
		if _, ok := example[form]; !ok && form != "" {
			example[form] = n
		}
	}
	for _, f := range PluralForms {
		if _, ok := example[f]; ok {
			forms = append(forms, f)
		}
	}
	return forms, example
}

// PluralPicker returns the plural form go-i18n picks in lang for a count:
// it renders a probe message whose forms are their own names.
func PluralPicker(lang string) func(n any) string {
	tag := language.Make(lang)
	b := i18n.NewBundle(tag)
	b.MustAddMessages(tag, &i18n.Message{ID: "probe", Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other"})
	l := i18n.NewLocalizer(b, lang)
	return func(n any) string {
		form, err := l.Localize(&i18n.LocalizeConfig{MessageID: "probe", PluralCount: n})
		if err != nil {
			return ""
		}
		return form
	}
}

// Message is one entry of a message file: its text, or its plural forms.
type Message struct {
	ID string
	// Forms holds the texts by plural form; a plain text is the single
	// form "other".
	Forms  map[string]string
	Plural bool
}

// Text is the message's text, or its "other" form.
func (m Message) Text() string { return m.Forms["other"] }

// value is a {{.Value}} of a template.
var value = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// Values are the names of the {{.Values}} a message uses, over all its
// forms, sorted: the program fills them in, so a translation keeps those
// of the source.
func (m Message) Values() []string {
	var out []string
	for _, text := range m.Forms {
		for _, k := range value.FindAllStringSubmatch(text, -1) {
			if !slices.Contains(out, k[1]) {
				out = append(out, k[1])
			}
		}
	}
	slices.Sort(out)
	return out
}

// ParseFile reads a message file into its messages, in the order the file
// has them.
func ParseFile(raw []byte) ([]Message, error) {
	var m map[string]any
	md, err := toml.Decode(string(raw), &m)
	if err != nil {
		return nil, err
	}
	var out []Message
	for _, key := range md.Keys() {
		if len(key) != 1 {
			continue // a plural form, read with its message
		}
		id := key[0]
		switch v := m[id].(type) {
		case string:
			out = append(out, Message{ID: id, Forms: map[string]string{"other": v}})
		case map[string]any:
			msg := Message{ID: id, Forms: map[string]string{}, Plural: true}
			for form, text := range v {
				s, ok := text.(string)
				if !ok {
					return nil, fmt.Errorf("%s.%s is not a text", id, form)
				}
				msg.Forms[form] = s
			}
			out = append(out, msg)
		default:
			return nil, fmt.Errorf("%s is neither a text nor a table of plural forms", id)
		}
	}
	return out, nil
}

// Messages returns the messages of a language's embedded file, in file
// order.
func Messages(lang string) ([]Message, error) { return ReadMessages(files, lang) }

// ReadMessages reads the messages of lang's file in fsys, a folder of
// message files (the embedded one, or locales/ on disk for the tools).
func ReadMessages(fsys fs.FS, lang string) ([]Message, error) {
	raw, err := fs.ReadFile(fsys, lang+".toml")
	if err != nil {
		return nil, err
	}
	msgs, err := ParseFile(raw)
	if err != nil {
		return nil, fmt.Errorf("%s.toml: %w", lang, err)
	}
	return msgs, nil
}

// FileLangs lists the languages that have a message file in fsys.
func FileLangs(fsys fs.FS) ([]string, error) {
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, err
	}
	langs := make([]string, len(names))
	for i, n := range names {
		langs[i] = strings.TrimSuffix(n, ".toml")
	}
	return langs, nil
}

// AlarmingWords reads the "# alarming:" line of a language's file header:
// stems of the words for violence, abuse, emergency, help, police or
// reporting in that language, which no text that can open a message may
// contain. The list lives in the file so that a new language is one file.
func AlarmingWords(lang string) ([]string, error) {
	raw, err := File(lang)
	if err != nil {
		return nil, err
	}
	for line := range strings.Lines(string(raw)) {
		if list, ok := strings.CutPrefix(line, "# alarming:"); ok {
			var words []string
			for w := range strings.SplitSeq(list, ",") {
				if w = strings.ToLower(strings.TrimSpace(w)); w != "" {
					words = append(words, w)
				}
			}
			if len(words) > 0 {
				return words, nil
			}
		}
	}
	return nil, fmt.Errorf("%s.toml: its header has no \"# alarming: word, word…\" line", lang)
}
