package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"frontdoor/config"
)

// FuzzWithFile: any configuration file is read or refused with an error,
// never a panic; what it reads then goes through FromEnv, which validates
// it or refuses it the same way.
func FuzzWithFile(f *testing.F) {
	if b, err := os.ReadFile("../deploy/frontdoor.example.toml"); err == nil {
		f.Add(string(b))
	}
	for _, s := range []string{
		"",
		`data = "/var/lib/frontdoor"`,
		`admins = [1, 2, "3"]`,
		`session_ttl = "72h"`,
		`telegram_token = 5`,
		`unknown = 1`,
		"[[x]]\na = 1",
		`log_level = "debug"` + "\n" + `backup_every = "1h"`,
		"data = \"\x00\"",
		"a.b.c = 1",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(dir, "frontdoor.toml")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		getenv, err := config.WithFile(func(string) string { return "" }, path)
		if err != nil {
			if getenv != nil {
				t.Fatal("a getenv with an error")
			}
			return
		}
		// The *_file keys name files FromEnv reads: a generated path such
		// as /dev/stdin would block the fuzzer, not find a bug.
		_, _ = config.FromEnv(func(name string) string {
			if strings.HasSuffix(name, "_FILE") {
				return ""
			}
			return getenv(name)
		})
	})
}
