package bot

import (
	"fmt"
	"html"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"frontdoor/flows"
	"frontdoor/locales"
)

// CatalogRenderer renders replies with the embedded message catalogue.
type CatalogRenderer struct {
	cat *locales.Catalog
	// rtl holds the catalogue's right-to-left languages.
	rtl map[string]bool
	// num holds the number printer of each catalogue language, built
	// once: a Printer is read-only and safe for concurrent use.
	num map[string]*message.Printer
	// Missing, when set, is told of every message that had to fall back to
	// another language; tests make it fail.
	Missing func(lang, id string)
}

// NewRenderer returns a renderer over a catalogue.
func NewRenderer(cat *locales.Catalog) *CatalogRenderer {
	r := &CatalogRenderer{cat: cat, rtl: map[string]bool{}, num: map[string]*message.Printer{}}
	for _, l := range cat.Langs() {
		r.rtl[l] = locales.RightToLeft(l)
		r.num[l] = numberPrinter(l)
	}
	return r
}

// numberPrinter formats numbers the way lang does, with Latin digits.
func numberPrinter(lang string) *message.Printer {
	return message.NewPrinter(language.Make(lang + "-u-nu-latn"))
}

// isolate wraps a value inserted into a right-to-left language's text in
// FSI … PDI: the value takes its own direction from its first strong letter
// and leaves the text around it alone, so that in Arabic or Farsi a phone
// number, a time, a range of hours or a Latin name keeps its order.
func (r *CatalogRenderer) isolate(lang, s string) string {
	if s == "" || !r.rtl[lang] {
		return s
	}
	return fsi + bidiControls.Replace(s) + pdi
}

// Render turns a reply into a message in lang: lines joined by newlines,
// values escaped for Telegram's HTML, buttons as plain labels. In a
// right-to-left language every inserted value, in text and labels alike, is
// isolated (FSI … PDI) so that numbers and Latin names are not reordered,
// and so is every left-to-right run the translation itself contains
// (LRI … PDI): URLs, /commands, numbers with punctuation.
func (r *CatalogRenderer) Render(lang string, rep flows.Reply) Message {
	lines := make([]string, len(rep.Texts))
	for i, t := range rep.Texts {
		lines[i] = r.text(lang, t, true)
	}
	m := Message{Text: strings.Join(lines, "\n"), Protect: rep.Protect, To: rep.To, RemoveKeyboard: rep.RemoveKeyboard, Document: rep.Document}
	if rep.AskLocation {
		m.LocationLabel = r.text(lang, flows.T("location.button"), false)
	}
	if rep.AskContact {
		m.ContactLabel = r.text(lang, flows.T("contact.button"), false)
	}
	for _, row := range rep.Buttons {
		out := make([]MessageButton, len(row))
		for i, b := range row {
			out[i] = MessageButton{Label: r.text(lang, b.Label, false), Data: b.Data, URL: b.URL}
		}
		m.Buttons = append(m.Buttons, out)
	}
	return m
}

// text renders one Text. With escape, values from data are escaped for
// HTML; button labels are plain text and are not.
func (r *CatalogRenderer) text(lang string, t flows.Text, escape bool) string {
	if t.ID == flows.RawID {
		s, _ := t.Data["Text"].(string)
		if escape {
			s = html.EscapeString(s)
		}
		return r.isolate(lang, s)
	}
	var data map[string]any
	if len(t.Data) > 0 {
		data = make(map[string]any, len(t.Data))
		for k, v := range t.Data {
			data[k] = r.value(lang, v, escape)
		}
	}
	s, ok := r.cat.Text(lang, t.ID, data, t.Count)
	if !ok && r.Missing != nil {
		r.Missing(lang, t.ID)
	}
	if r.rtl[lang] {
		s = isolateLatin(s, escape)
	}
	return s
}

// value renders one template value in lang.
func (r *CatalogRenderer) value(lang string, v any, escape bool) any {
	switch v := v.(type) {
	case flows.Text:
		return r.text(lang, v, escape)
	case []flows.Text:
		parts := make([]string, len(v))
		for i, t := range v {
			parts[i] = r.text(lang, t, escape)
		}
		// The list separator is her language's: "، " in Arabic, "、" in Chinese.
		sep, _ := r.cat.Text(lang, "list.separator", nil, nil)
		return strings.Join(parts, sep)
	case string:
		if escape {
			v = html.EscapeString(v)
		}
		return r.isolate(lang, v)
	case float64:
		// Decimal separators follow her language ("1,5 km" in Italian), with
		// Latin digits everywhere: times and phone numbers beside them are
		// in Latin digits too, and phone numbers must stay tappable.
		p := r.num[lang]
		if p == nil {
			p = numberPrinter(lang)
		}
		return r.isolate(lang, p.Sprintf("%.1f", v))
	case int, int64:
		return r.isolate(lang, fmt.Sprint(v))
	}
	return v
}
