package directory

import (
	"fmt"
	"strings"
)

// InputError is a mistake in something a volunteer typed. It names the
// wrong part and a message id (with data) that says what is wrong, so the
// dialogue can explain it in her language.
type InputError struct {
	// Part is the piece of the input that is wrong, as she typed it.
	Part string
	// ID is the message id of the explanation; Data its template data.
	ID   string
	Data map[string]any
}

func (e *InputError) Error() string { return fmt.Sprintf("%s: %q", e.ID, e.Part) }

func NewInputError(part, id string, kv ...any) *InputError {
	m := Msg(id, kv...)
	return &InputError{Part: part, ID: m.ID, Data: m.Data}
}

// MaxTypedLen bounds what a volunteer may type for one value.
const MaxTypedLen = 500

// Clip shortens what someone typed before it is echoed back.
func Clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// SplitList reads "a, b; c" into its items; the commas of Chinese and
// Arabic count too.
func SplitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",;\n，、،؛", r) }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
