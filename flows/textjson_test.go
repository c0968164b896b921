package flows_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"frontdoor/flows"
)

func TestTextJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		text flows.Text
	}{
		{"plain", flows.T("menu.title")},
		{"string", flows.T("op.card.new", "Ticket", "ABC234")},
		{"count", flows.TN("stats.requests", 3, "Month", "2027-03")},
		{"float", flows.T("list.distance", "Km", 1.5)},
		{"nested", flows.T("cb.confirmed.next", "Centre", flows.T("cb.target.centre", "Name", flows.Raw("Arca"), "Town", "Cremona"))},
		{"list", flows.T("hours.days", "Days", []flows.Text{flows.T("day.mon"), flows.T("day.tue")})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			var back flows.Text
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, tc.text) {
				t.Errorf("read back %#v\nwant %#v\n(stored as %s)", back, tc.text, b)
			}
		})
	}
}

// TestTextJSONOlderForm: outbox items written before value kinds were kept
// are still read.
func TestTextJSONOlderForm(t *testing.T) {
	var got flows.Text
	if err := json.Unmarshal([]byte(`{"ID":"op.card.new","Data":{"Ticket":"ABC234"},"Count":null}`), &got); err != nil {
		t.Fatal(err)
	}
	if want := flows.T("op.card.new", "Ticket", "ABC234"); !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

// TestTextJSONRefusesUnknownKinds: a value that could not be read back the
// same is an error when stored, not a surprise after a restart.
func TestTextJSONRefusesUnknownKinds(t *testing.T) {
	if _, err := json.Marshal(flows.T("x", "When", struct{}{})); err == nil {
		t.Error("a struct value was stored")
	}
}
