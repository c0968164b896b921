package review_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"frontdoor/locales/review"
)

// TestReadmeTable: the README's table of translations says who reviewed
// each language and when, as the stamps record it (go test -update, or
// frontdoor translations import, rewrites it).
func TestReadmeTable(t *testing.T) {
	readme := filepath.Join("..", "..", "README.md")
	if *update {
		if _, err := review.UpdateReadme(readme, os.DirFS("..")); err != nil {
			t.Fatal(err)
		}
	}
	tmp := filepath.Join(t.TempDir(), "README.md")
	raw, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tmp, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	changed, err := review.UpdateReadme(tmp, os.DirFS(".."))
	if err != nil {
		t.Fatal(err)
	}
	if changed {
		t.Error("the README's table of translations is out of date: run go test ./locales/review -update")
	}
	table, err := review.LanguageTable(os.DirFS(".."))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), table) {
		t.Errorf("the README has no table of translations between its markers; want:\n%s", table)
	}
}
