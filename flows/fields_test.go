package flows_test

import (
	"testing"

	"frontdoor/flows/directory"
	"frontdoor/locales"
)

// TestFieldsNamed: every field of a centre (the one table,
// directory.Fields) has a name in every language for the staff edit, the
// audit trail and the changes of an import, and so does each key of the
// directory file for its comments.
func TestFieldsNamed(t *testing.T) {
	cat, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range cat.Langs() {
		for _, f := range directory.Fields {
			if _, ok := cat.Text(lang, "field."+f.Name, nil, nil); !ok {
				t.Errorf("%s: no field.%s", lang, f.Name)
			}
		}
		for _, key := range directory.FileKeys() {
			if _, ok := cat.Text(lang, "file.centre."+key, nil, nil); !ok && key != "hours" && key != "closure" {
				t.Errorf("%s: no file.centre.%s", lang, key)
			}
		}
	}
}
