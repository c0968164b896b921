package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdoor/config"
)

// FuzzWithFile: any configuration file is read or refused with an error,
// never a panic; what it reads then goes through FromEnv, which validates
// it or refuses it the same way.
func FuzzWithFile(f *testing.F) {
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
		// The shape of deploy/frontdoor.example.toml, in short: the whole
		// file as a seed slows the fuzzer's mutator to a few runs a minute.
		"# frontdoor\ntelegram_api = \"https://api.telegram.org/bot%s/%s\"\ndata = \"/var/lib/frontdoor\"\n" +
			"# key_file = \"/etc/frontdoor/key\"\nadmins = [123456789]\ncallback_escalate = \"15m\"\nlog_format = \"json\"\n",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(dir, "frontdoor.toml")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			getenv, err := config.WithFile(func(string) string { return "" }, path)
			if err != nil {
				if getenv != nil {
					t.Error("a getenv with an error")
				}
				return
			}
			// The *_file keys name files FromEnv reads: a generated path
			// such as /dev/stdin would block the fuzzer, not find a bug.
			_, _ = config.FromEnv(func(name string) string {
				if strings.HasSuffix(name, "_FILE") {
					return ""
				}
				return getenv(name)
			})
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("still reading after 5 s: %q", text)
		}
	})
}
