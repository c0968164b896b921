package locales_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"frontdoor/locales"
)

// TestPluralRules checks the probe against what the languages are known to
// need, so that a change of go-i18n's rules or of the probe shows here.
func TestPluralRules(t *testing.T) {
	for lang, want := range map[string]string{
		"it": "one many other", "en": "one other", "fr": "one many other", "es": "one many other",
		"pt": "one many other", "ar": "zero one two few many other", "fa": "one other",
		"sq": "one other", "ru": "one few many other", "uk": "one few many other",
		"pl": "one few many other", "ro": "one few other", "zh": "other",
	} {
		if got, _ := locales.PluralExamples(lang); strings.Join(got, " ") != want {
			t.Errorf("%s: go-i18n uses forms %v, want %s", lang, got, want)
		}
	}
}

// TestPluralForms: every message that has plural forms in the source has,
// in every file, exactly the forms that file's language needs: a missing
// form would fall back to "other" ("1 centri"), an extra one is never used
// and misleads the next translator.
func TestPluralForms(t *testing.T) {
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	src := load(t, locales.Source)
	plural := 0
	for _, lang := range c.Langs() {
		need, _ := locales.PluralExamples(lang)
		for id, m := range load(t, lang) {
			s, ok := src[id]
			if !ok {
				continue // TestComplete reports it
			}
			if !s.Plural {
				if m.Plural {
					t.Errorf("%s.toml: %s has plural forms, but the program gives it no count", lang, id)
				}
				continue
			}
			plural++
			got := slices.Sorted(maps.Keys(m.Forms))
			var missing, extra []string
			for _, f := range need {
				if _, ok := m.Forms[f]; !ok {
					missing = append(missing, f)
				}
			}
			for _, f := range got {
				if !slices.Contains(need, f) {
					extra = append(extra, f)
				}
			}
			if len(missing) > 0 || len(extra) > 0 {
				t.Errorf("%s.toml: %s must have the forms %v (go-i18n's CLDR rules for %s): missing %v, not used %v",
					lang, id, need, lang, missing, extra)
			}
		}
	}
	if plural == 0 {
		t.Error("no message with plural forms was checked")
	}
}

// TestPluralPick renders the count message with the count of each form and
// checks that go-i18n picked that form's text.
func TestPluralPick(t *testing.T) {
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range c.Langs() {
		msgs := load(t, lang)
		_, example := locales.PluralExamples(lang)
		for form, n := range example {
			want := strings.ReplaceAll(msgs["open.count"].Forms[form], "{{.Count}}", fmt.Sprint(n))
			if got, _ := c.Text(lang, "open.count", map[string]any{"Count": n}, n); got != want {
				t.Errorf("%s, count %v (%s): got %q, want %q", lang, n, form, got, want)
			}
		}
	}
}
