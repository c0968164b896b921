package locales_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"frontdoor/locales"
)

// htmlTag is an HTML tag of a message.
var htmlTag = regexp.MustCompile(`</?[a-zA-Z][^>]*>`)

// sampleData is realistic template data in lang, by key: what flows puts
// there, with the nested texts (weekday, month, date, moment, status,
// distance) rendered in lang as the renderer does. A key this table does
// not know gets a neutral value, so that messages added on other branches
// still render.
func sampleData(c *locales.Catalog, lang string) map[string]any {
	text := func(id string, data map[string]any) string {
		s, _ := c.Text(lang, id, data, nil)
		return s
	}
	day := text("weekday.Monday", nil)
	month := text("month.November", nil)
	date := text("date.day_month", map[string]any{"Day": 21, "Month": month})
	when := text("when.weekday", map[string]any{"Day": day, "Time": "9:00"})
	return map[string]any{
		"Query":     "Cremna",
		"Town":      "Crema",
		"Network":   "ARCA – Rete antiviolenza del Comune di Cremona",
		"N":         2,
		"Name":      "Centro antiviolenza ARCA – Crema",
		"Distance":  text("distance.km", map[string]any{"Km": "1,2"}),
		"Status":    text("status.opens", map[string]any{"When": when}),
		"Metres":    350,
		"Km":        "1,2",
		"Until":     "18:00",
		"When":      when,
		"Address":   "Via Giuseppe Mazzini 31",
		"Phones":    "+390000000111 · +390000000112",
		"Reason":    "chiusura estiva",
		"Hours":     "9:00–13:00, 14:00–18:00",
		"Languages": "Italiano, English, العربية",
		"Services":  text("service.listening", nil) + ", " + text("service.legal", nil),
		"Time":      "9:00",
		"Day":       day,
		"Date":      date,
		"Month":     month,
		"Count":     3,
	}
}

// TestTemplates renders every message of every file, every plural form with
// a count that selects it, with realistic data, and checks that nothing is
// left unfilled ("{{", "<no value>") and that the translation keeps the
// source's placeholders and HTML tags.
func TestTemplates(t *testing.T) {
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	src := load(t, locales.Source)
	for _, lang := range c.Langs() {
		data := sampleData(c, lang)
		_, example := locales.PluralExamples(lang)
		for id, m := range load(t, lang) {
			s, ok := src[id]
			if !ok {
				continue // TestComplete reports it
			}
			if got, want := m.Values(), s.Values(); !slices.Equal(got, want) {
				t.Errorf("%s.toml: %s uses the values %v, the source %v", lang, id, got, want)
			}
			wantTags := strings.Join(htmlTag.FindAllString(s.Forms["other"], -1), "")
			for form, tmpl := range m.Forms {
				if tags := strings.Join(htmlTag.FindAllString(tmpl, -1), ""); tags != wantTags {
					t.Errorf("%s.toml: %s (%s) has the tags %q, the source %q", lang, id, form, tags, wantTags)
				}
				d := data
				var count any
				if m.Plural {
					count = example[form]
					d = map[string]any{}
					for k, v := range data {
						d[k] = v
					}
					d["Count"] = count
				}
				for _, k := range m.Values() {
					if _, known := d[k]; !known {
						d[k] = "Xyz"
					}
				}
				got, ok := c.Text(lang, id, d, count)
				switch {
				case !ok:
					t.Errorf("%s: %s (%s) did not render in %s", lang, id, form, lang)
				case strings.TrimSpace(got) == "":
					t.Errorf("%s: %s (%s) renders empty", lang, id, form)
				case strings.Contains(got, "{{") || strings.Contains(got, "}}") || strings.Contains(got, "<no value>"):
					t.Errorf("%s: %s (%s) renders with a leftover: %q", lang, id, form, got)
				}
			}
		}
	}
}
