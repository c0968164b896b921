package locales_test

import (
	"strings"
	"testing"

	"frontdoor/locales"
)

// TestSetMessage changes one message of a file, adds another after a given
// one, and leaves every other byte alone.
func TestSetMessage(t *testing.T) {
	raw := "# header \"quoted\"\n\n\"a\" = \"one\"\n\"b\" = \"two\" # a comment\n\n# section\n\"c\" = { one = \"x\", other = \"y\" }\n"
	got, err := locales.SetMessage([]byte(raw), locales.Message{ID: "b", Forms: map[string]string{"other": "tw\"o\\\nlines"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(raw, "\"b\" = \"two\" # a comment\n", "\"b\" = \"tw\\\"o\\\\\\nlines\"\n", 1)
	if string(got) != want {
		t.Fatalf("replace:\n%s\nwant\n%s", got, want)
	}
	msgs, err := locales.ParseFile(got)
	if err != nil || msgs[1].Text() != "tw\"o\\\nlines" {
		t.Fatalf("read back: %+v %v", msgs, err)
	}
	got, err = locales.SetMessage(got, locales.Message{ID: "d", Plural: true, Forms: map[string]string{"other": "zz", "one": "z"}}, "a")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), "\"a\" = \"one\"\n\"d\" = { one = \"z\", other = \"zz\" }\n\"b\"") {
		t.Fatalf("insert after a:\n%s", got)
	}
	got, err = locales.SetMessage([]byte("\"a\" = \"one\""), locales.Message{ID: "e", Forms: map[string]string{"other": "e"}}, "missing")
	if err != nil || string(got) != "\"a\" = \"one\"\n\"e\" = \"e\"\n" {
		t.Fatalf("insert at the end: %q %v", got, err)
	}
}
