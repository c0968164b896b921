package locales_test

import (
	"testing"

	"frontdoor/locales"
)

// TestWordLists: every language of the catalogue has its word lists, and
// none lacks the lists that decide what her words mean: a language without
// help words would give no one writing in it the numbers first.
func TestWordLists(t *testing.T) {
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	lists, err := locales.WordLists()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range c.Langs() {
		w, ok := lists[lang]
		if !ok {
			t.Errorf("words/%s.toml is missing", lang)
			continue
		}
		for name, l := range map[string][]string{"help": w.Help, "greeting": w.Greeting, "thanks": w.Thanks, "yes": w.Yes, "no": w.No, "place": w.Place} {
			if len(l) == 0 {
				t.Errorf("words/%s.toml: %s is empty", lang, name)
			}
		}
	}
	for lang := range lists {
		if _, err := locales.File(lang); err != nil {
			t.Errorf("words/%s.toml has no message file beside it", lang)
		}
	}
}
