package flows_test

import (
	"regexp"
	"testing"

	"frontdoor/flows/directory"
	"frontdoor/locales"
)

// TestExamplesParse: every example the bot shows a volunteer, in every
// language, is read by the parser of that question, so that copying it
// works.
func TestExamplesParse(t *testing.T) {
	cat, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile(`<code>([^<]*)</code>`)
	today := day(2026, 11, 20)
	parsers := map[string]func(string) error{
		"staff.prompt_hours":            func(s string) error { _, err := directory.ParseWeek(s); return err },
		"staff.prompt_again_hours":      func(s string) error { _, err := directory.ParseWeek(s); return err },
		"staff.prompt_closure":          func(s string) error { _, err := directory.ParseClosure(s, today); return err },
		"staff.prompt_closure_edit":     func(s string) error { _, err := directory.ParseClosure(s, today); return err },
		"staff.prompt_again_closure":    func(s string) error { _, err := directory.ParseClosure(s, today); return err },
		"staff.field_example_languages": func(s string) error { _, err := directory.ParseLanguages(s); return err },
		"staff.field_example_phones":    func(s string) error { _, err := directory.ParsePhones(s); return err },
		"staff.field_example_lat":       func(s string) error { _, _, err := directory.ParseLatLon(s); return err },
		"staff.line_example":            func(s string) error { _, err := directory.ParsePhones(s); return err },
	}
	for _, lang := range cat.Langs() {
		for id, parse := range parsers {
			text, ok := cat.Text(lang, id, map[string]any{"Name": "X", "Closure": "X"}, nil)
			if !ok {
				t.Errorf("%s: %s missing", lang, id)
				continue
			}
			examples := code.FindAllStringSubmatch(text, -1)
			if len(examples) == 0 {
				t.Errorf("%s: %s has no example", lang, id)
			}
			for _, ex := range examples {
				if ex[1] == "-" {
					continue // "-" removes the line
				}
				if err := parse(ex[1]); err != nil {
					t.Errorf("%s: %s: the example %q is refused: %v", lang, id, ex[1], err)
				}
			}
		}
	}
}
