package flows

import "fmt"

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

func inputErr(part, id string, kv ...any) *InputError {
	m := Msg(id, kv...)
	return &InputError{Part: part, ID: m.ID, Data: m.Data}
}

// maxTypedLen bounds what a volunteer may type for one value.
const maxTypedLen = 500
