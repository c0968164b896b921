package review

import (
	"fmt"
	"io"
	"strings"

	"frontdoor/bot"
	"frontdoor/flows"
)

// Screen is one step of the tour as she reads it in one language.
type Screen struct {
	When string
	// Did is what she did, in the language: a button's label, a command
	// or her own words (Typed); empty when the bot writes by itself.
	Did   string
	Typed bool
	// Messages are the answer, as Telegram receives them (HTML).
	Messages  []bot.Message
	Operators bool
}

// Screens renders the tour in lang.
func Screens(steps []Step, r *bot.CatalogRenderer, lang string) []Screen {
	out := make([]Screen, len(steps))
	for i, s := range steps {
		sc := Screen{When: s.When, Operators: s.Operators, Typed: s.Typed}
		if s.Did.ID != "" {
			sc.Did = r.Render(lang, flows.Reply{Buttons: [][]flows.Button{{{Label: s.Did}}}}).Buttons[0][0].Label
		}
		for _, rep := range s.Replies {
			sc.Messages = append(sc.Messages, r.Render(lang, rep))
		}
		out[i] = sc
	}
	return out
}

// Isolates shows the directional isolates the renderer puts in
// right-to-left texts, which print as nothing: ⟦ ⟧ around a value, ⟪ ⟧
// around a left-to-right run of the translation.
var Isolates = strings.NewReplacer("\u2068", "⟦", "\u2066", "⟪", "\u2067", "⟦", "\u2069", "⟧")

// WriteText writes screens as plain text: what she did, then each message
// with its buttons, isolates shown.
func WriteText(w io.Writer, screens []Screen) error {
	ew := &errWriter{w: w}
	when := ""
	for _, sc := range screens {
		if sc.When != when {
			when = sc.When
			ew.printf("== %s\n\n", when)
		}
		switch {
		case sc.Operators:
			ew.printf("-- the operators' group receives:\n")
		case sc.Did == "":
			ew.printf("-- the bot writes to her:\n")
		case sc.Typed:
			ew.printf("> %s\n", Isolates.Replace(sc.Did))
		default:
			ew.printf("> [%s]\n", Isolates.Replace(sc.Did))
		}
		for _, m := range sc.Messages {
			ew.printf("\n%s\n", Isolates.Replace(m.Text))
			for _, l := range []string{m.LocationLabel, m.ContactLabel} {
				if l != "" {
					ew.printf("  {%s}\n", Isolates.Replace(l))
				}
			}
			for _, row := range m.Buttons {
				labels := make([]string, len(row))
				for i, b := range row {
					labels[i] = "[" + Isolates.Replace(b.Label) + "]"
				}
				ew.printf("  %s\n", strings.Join(labels, " "))
			}
		}
		ew.printf("\n")
	}
	return ew.err
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}
