package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTranslationsCommands writes a review sheet from a copy of the
// message files, imports it filled in, and checks the answers to --help,
// a sheet already there and a wrong command.
func TestTranslationsCommands(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "locales")
	for _, pattern := range []string{"../../locales/*.toml", "../../locales/stamps/*.toml"} {
		names, _ := filepath.Glob(pattern)
		for _, name := range names {
			rel, _ := filepath.Rel("../../locales", name)
			raw, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, rel)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, rel), raw, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	code, out, errOut := runMain(t, nil, "", "translations", "review", "--dir", dir, "--out", root, "ro")
	if code != 0 || !strings.Contains(out, "ro-review.html") {
		t.Fatalf("review: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := runMain(t, nil, "", "translations", "review", "--dir", dir, "--out", root, "ro"); code != 1 || !strings.Contains(errOut, "--force") {
		t.Errorf("a second review over the first: %d %q", code, errOut)
	}
	formPath := filepath.Join(root, "ro-review.txt")
	raw, err := os.ReadFile(formPath)
	if err != nil {
		t.Fatal(err)
	}
	form := strings.Replace(string(raw), "reviewer: \n", "reviewer: Ana\n", 1)
	form = strings.Replace(form, "it: Ciao 👋\nen: Hello 👋\nro: Bună 👋\nfix: \n", "it: Ciao 👋\nen: Hello 👋\nro: Bună 👋\nfix: Salut 👋\n", 1)
	if err := os.WriteFile(formPath, []byte(form), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runMain(t, nil, "", "translations", "import", "--dir", dir, formPath)
	if code != 0 || !strings.Contains(out, "Corrected in") || !strings.Contains(out, "welcome.hello") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	if ro, _ := os.ReadFile(filepath.Join(dir, "ro.toml")); !strings.Contains(string(ro), `"welcome.hello" = "Salut 👋"`) {
		t.Error("ro.toml was not corrected")
	}
	for _, args := range [][]string{{"translations", "--help"}, {"translations", "review", "-h"}, {"translations", "import", "--help"}} {
		if code, out, _ := runMain(t, nil, "", args...); code != 0 || !strings.Contains(out, "frontdoor translations review") {
			t.Errorf("%v: %d %q", args, code, out)
		}
	}
	if code, _, errOut := runMain(t, nil, "", "translations", "reveiw", "uk"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("a typo: %d %q", code, errOut)
	}
	if code, _, errOut := runMain(t, nil, "", "translations", "review", "--dir", root, "uk"); code != 1 || !strings.Contains(errOut, "clone") {
		t.Errorf("no message files: %d %q", code, errOut)
	}
}
