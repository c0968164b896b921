package bot

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestDecodeUpdates(t *testing.T) {
	const raw = `[
		{"update_id":7,"message":{"message_id":1,"date":0,"chat":{"id":1,"type":"private"},"text":"in flight"}},
		{"update_id":8,"message":{"message_id":2,"date":0,"chat":{"id":1,"type":"private"},"text":"new"}},
		{"update_id":9,"message":{"message_id":"not a number"}},
		{"update_id":10,"callback_query":{"id":"q","from":{"id":2},"data":"menu"}}
	]`
	for _, tc := range []struct {
		name    string
		raw     string
		fresh   int
		want    []int
		wantBad int
		wantErr bool
	}{
		{name: "all", raw: raw, fresh: 0, want: []int{7, 8, 9, 10}, wantBad: 1},
		{name: "in flight skipped", raw: raw, fresh: 8, want: []int{8, 9, 10}, wantBad: 1},
		{name: "none fresh", raw: raw, fresh: 11},
		{name: "empty", raw: `[]`},
		{name: "not a list", raw: `{"update_id":1}`, wantErr: true},
		{name: "no id", raw: `[{"update_id":"x"}]`, wantErr: true},
		{name: "id not first", raw: `[{"message":{"message_id":1,"date":0,"chat":{"id":1,"type":"private"}},"update_id":12}]`, want: []int{12}},
		{name: "spaced", raw: `[{ "update_id" : 13 }]`, fresh: 13, want: []int{13}},
		{name: "id alone", raw: `[{"update_id":14}]`, fresh: 14, want: []int{14}},
		{name: "in flight, id alone", raw: `[{"update_id":14}]`, fresh: 15},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ups, bad, err := decodeUpdates(json.RawMessage(tc.raw), tc.fresh)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want an error: %v", err, tc.wantErr)
			}
			var ids []int
			for _, u := range ups {
				ids = append(ids, u.UpdateID)
			}
			if !slices.Equal(ids, tc.want) || bad != tc.wantBad {
				t.Errorf("ids %v, %d bad; want %v, %d bad", ids, bad, tc.want, tc.wantBad)
			}
			for _, u := range ups {
				// The one that did not decode carries nothing, so it is
				// ignored, and acknowledged like any other.
				if u.UpdateID == 9 && (u.Message != nil || u.CallbackQuery != nil) {
					t.Errorf("the undecodable update carries %+v", u)
				}
				if u.UpdateID == 8 && (u.Message == nil || u.Message.Text != "new") {
					t.Errorf("update 8 decoded as %+v", u)
				}
			}
		})
	}
}

// FuzzDecodeUpdates: whatever the Bot API answers, decoding neither panics
// nor returns an update below fresh.
func FuzzDecodeUpdates(f *testing.F) {
	f.Add(`[{"update_id":1,"message":{"message_id":1,"date":0,"chat":{"id":1,"type":"private"},"text":"ciao"}}]`, 0)
	f.Add(`[{"update_id":5},{"update_id":6,"callback_query":{"id":"q","data":"x"}}]`, 6)
	f.Add(`[{"update_id":2,"message":{"message_id":[]}}]`, 0)
	f.Add(`null`, 0)
	f.Fuzz(func(t *testing.T, raw string, fresh int) {
		ups, _, err := decodeUpdates(json.RawMessage(raw), fresh)
		if err != nil {
			return
		}
		for _, u := range ups {
			if u.UpdateID < fresh {
				t.Fatalf("update %d returned below fresh %d", u.UpdateID, fresh)
			}
		}
		// The quick read of the id agrees with a full decode.
		var items []json.RawMessage
		if json.Unmarshal([]byte(raw), &items) != nil {
			return
		}
		for _, item := range items {
			var head struct {
				ID int `json:"update_id"`
			}
			id, err := updateID(item)
			if json.Unmarshal(item, &head) == nil && (err != nil || id != head.ID) {
				t.Fatalf("updateID(%s) = %d, %v; a full decode reads %d", item, id, err, head.ID)
			}
		}
	})
}
