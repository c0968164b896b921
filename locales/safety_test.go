package locales_test

import (
	"strings"
	"testing"

	"frontdoor/locales"
)

// alarmingWords are the alarming stems of a language, and the national
// numbers.
func alarmingWords(t *testing.T, lang string) []string {
	t.Helper()
	words, err := locales.AlarmingWords(lang)
	if err != nil {
		t.Error(err)
		return nil
	}
	return append(words, "112", "1522", "114")
}

// neverFirst are messages that never open a message: the lines that give
// the numbers (below two neutral lines), the lines of the "how a centre
// works" screen below its title and first line, values inside other lines
// (services, statuses), and the label of the button that opens the 1522
// chat, shown only beside its number. The command menu's descriptions are
// checked like the rest. flows' transcript test checks the first two lines
// of every screen as rendered, in every language.
func neverFirst(id string) bool {
	return strings.HasPrefix(id, "emergency.") && id != "emergency.title" && id != "emergency.always" ||
		strings.HasPrefix(id, "about.") && id != "about.title" && id != "about.free" ||
		id == "button.chat1522" ||
		strings.HasPrefix(id, "service.") ||
		strings.HasPrefix(id, "status.")
}

// TestNeutralFirstLines: no text that can open a message contains a word of
// its language's alarming list, nor a national number (lock screens and the
// chat list show the first line to whoever holds the phone).
func TestNeutralFirstLines(t *testing.T) {
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range c.Langs() {
		words := alarmingWords(t, lang)
		if len(words) == 0 {
			continue
		}
		for id, m := range load(t, lang) {
			if neverFirst(id) {
				continue
			}
			for form, text := range m.Forms {
				low := strings.ToLower(text)
				for _, w := range words {
					if strings.Contains(low, w) {
						t.Errorf("%s.toml: %s (%s) contains %q: %q", lang, id, form, w, text)
					}
				}
			}
		}
	}
}
