package flows

import (
	"encoding/json"
	"fmt"
)

// Texts are stored as JSON in the outbox and in a session's Replay, and
// must render the same once read back: plain JSON would turn an int into a
// float64 ("3" into "3,0") and a Text inside Data into a map. So each value
// keeps its kind.

// textJSON is the stored form of a Text. Data and Count are the form
// written before value kinds were kept, read for older outbox items.
type textJSON struct {
	ID       string               `json:"id"`
	Values   map[string]valueJSON `json:"v,omitempty"`
	N        *valueJSON           `json:"n,omitempty"`
	OldData  map[string]any       `json:"Data,omitempty"`
	OldCount any                  `json:"Count,omitempty"`
}

// valueJSON is one Data value; exactly one field is set.
type valueJSON struct {
	S *string  `json:"s,omitempty"`
	I *int64   `json:"i,omitempty"`
	F *float64 `json:"f,omitempty"`
	T *Text    `json:"t,omitempty"`
	L *[]Text  `json:"l,omitempty"`
}

func newValueJSON(id, key string, v any) (valueJSON, error) {
	switch v := v.(type) {
	case string:
		return valueJSON{S: &v}, nil
	case int:
		n := int64(v)
		return valueJSON{I: &n}, nil
	case int64:
		return valueJSON{I: &v}, nil
	case float64:
		return valueJSON{F: &v}, nil
	case Text:
		return valueJSON{T: &v}, nil
	case []Text:
		return valueJSON{L: &v}, nil
	}
	return valueJSON{}, fmt.Errorf("text %s: %s is a %T, which cannot be stored", id, key, v)
}

func (v valueJSON) value() any {
	switch {
	case v.S != nil:
		return *v.S
	case v.I != nil:
		return int(*v.I)
	case v.F != nil:
		return *v.F
	case v.T != nil:
		return *v.T
	case v.L != nil:
		return *v.L
	}
	return nil
}

// MarshalJSON stores a Text with the kind of each value.
func (t Text) MarshalJSON() ([]byte, error) {
	out := textJSON{ID: t.ID}
	if len(t.Data) > 0 {
		out.Values = make(map[string]valueJSON, len(t.Data))
		for k, v := range t.Data {
			jv, err := newValueJSON(t.ID, k, v)
			if err != nil {
				return nil, err
			}
			out.Values[k] = jv
		}
	}
	if t.Count != nil {
		n, err := newValueJSON(t.ID, "Count", t.Count)
		if err != nil {
			return nil, err
		}
		out.N = &n
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a Text stored by MarshalJSON, or in the older plain
// form.
func (t *Text) UnmarshalJSON(b []byte) error {
	var in textJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*t = Text{ID: in.ID, Data: in.OldData, Count: in.OldCount}
	if len(in.Values) > 0 {
		t.Data = make(map[string]any, len(in.Values))
		for k, v := range in.Values {
			t.Data[k] = v.value()
		}
	}
	if in.N != nil {
		t.Count = in.N.value()
	}
	return nil
}
