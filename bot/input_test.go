package bot_test

import (
	"reflect"
	"testing"

	"frontdoor/bot"
	"frontdoor/flows"
)

// TestParseTyped: what she types in the console or the web page's field is
// a command, with its arguments, however a phone writes it, or text.
func TestParseTyped(t *testing.T) {
	for _, tc := range []struct {
		line string
		want flows.Input
	}{
		{"/lang uk", flows.Input{Kind: flows.KindCommand, Command: "lang", Args: "uk"}},
		{"  /START  ", flows.Input{Kind: flows.KindCommand, Command: "start"}},
		{"/start@frontdoor_bot arca", flows.Input{Kind: flows.KindCommand, Command: "start", Args: "arca"}},
		{"/forget   now ", flows.Input{Kind: flows.KindCommand, Command: "forget", Args: "now"}},
		{"/", flows.Input{Kind: flows.KindText, Text: "/"}},
		{" Cremona ", flows.Input{Kind: flows.KindText, Text: "Cremona"}},
		{"aiuto / help", flows.Input{Kind: flows.KindText, Text: "aiuto / help"}},
		{"", flows.Input{Kind: flows.KindText}},
	} {
		if got := bot.ParseTyped(tc.line); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseTyped(%q) = %+v, want %+v", tc.line, got, tc.want)
		}
	}
}
