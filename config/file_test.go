package config_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdoor/config"
)

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFileAndEnvironment(t *testing.T) {
	tokenFile := writeFile(t, "token", token+"\n")
	path := writeFile(t, "frontdoor.toml", `
data = "/var/lib/frontdoor"
telegram_token_file = "`+tokenFile+`"
admins = [42, 7]
session_ttl = "2h"
http = "off"
backup_dir = "/var/backups/frontdoor"
backup_keep = 3
log_level = "debug"
`)
	getenv, err := config.WithFile(env(map[string]string{"FRONTDOOR_DATA": "/srv/frontdoor", "FRONTDOOR_SESSION_TTL": " "}), path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.FromEnv(getenv)
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/srv/frontdoor" {
		t.Errorf("data = %q, want the environment over the file", c.DataDir)
	}
	if c.Token != token || len(c.Admins) != 2 || c.Admins[1] != 7 || c.SessionTTL != 2*time.Hour || c.HTTP != "" ||
		c.BackupDir != "/var/backups/frontdoor" || c.BackupKeep != 3 || c.BackupEvery != 24*time.Hour || c.LogLevel != slog.LevelDebug {
		t.Errorf("got %+v", c)
	}
}

func TestEnvironmentSecretHidesFileSecret(t *testing.T) {
	path := writeFile(t, "frontdoor.toml", `telegram_token_file = "/nonexistent/token"`)
	getenv, err := config.WithFile(env(map[string]string{"FRONTDOOR_TELEGRAM_TOKEN": token}), path)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := config.FromEnv(getenv); err != nil || c.Token != token {
		t.Errorf("token %q, %v; want the environment's, the file's _file ignored", c.Token, err)
	}
}

func TestFileErrors(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"unknown key", `dta = "x"`, `unknown key "dta"`},
		{"table", "[data]\nx = 1", "data must be a string"},
		{"not toml", `data = `, "frontdoor.toml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.WithFile(env(nil), writeFile(t, "frontdoor.toml", tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to say %q", err, tc.want)
			}
		})
	}
	if _, err := config.WithFile(env(nil), filepath.Join(t.TempDir(), "missing.toml")); err == nil {
		t.Error("a missing file is not an error")
	}
}

func TestOps(t *testing.T) {
	c, err := config.FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.WebhookURL != "" || c.HTTP != "127.0.0.1:9090" || c.LogFormat != "auto" || c.LogLevel != slog.LevelInfo || c.BackupDir != "" {
		t.Errorf("defaults: %+v", c.Ops)
	}
	c, err = config.FromEnv(env(map[string]string{
		"FRONTDOOR_WEBHOOK_URL":    "https://bot.example.org/tg",
		"FRONTDOOR_LISTEN":         "127.0.0.1:8080",
		"FRONTDOOR_WEBHOOK_SECRET": "s3cret_-X0123456789abcdefghijklmnop",
		"FRONTDOOR_LOG_FORMAT":     "json",
		"FRONTDOOR_BACKUP_EVERY":   "6h",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.WebhookURL != "https://bot.example.org/tg" || c.Listen != "127.0.0.1:8080" || c.WebhookSecret != "s3cret_-X0123456789abcdefghijklmnop" ||
		c.LogFormat != "json" || c.BackupEvery != 6*time.Hour {
		t.Errorf("got %+v", c.Ops)
	}
	for _, tc := range []struct{ key, value string }{
		{"FRONTDOOR_WEBHOOK_URL", "bot.example.org/tg"},
		{"FRONTDOOR_LISTEN", "8443"},
		{"FRONTDOOR_WEBHOOK_SECRET", "has space"},
		{"FRONTDOOR_HTTP", "everywhere"},
		{"FRONTDOOR_LOG_FORMAT", "xml"},
		{"FRONTDOOR_LOG_LEVEL", "loud"},
		{"FRONTDOOR_BACKUP_EVERY", "1s"},
		{"FRONTDOOR_BACKUP_KEEP", "0"},
	} {
		if _, err := config.FromEnv(env(map[string]string{tc.key: tc.value})); err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s=%q: err = %v, want one naming it", tc.key, tc.value, err)
		}
	}
}

func TestPrintMasksSecrets(t *testing.T) {
	c, err := config.FromEnv(env(map[string]string{
		"FRONTDOOR_TELEGRAM_TOKEN": token,
		"FRONTDOOR_KEY":            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
		"FRONTDOOR_WEBHOOK_SECRET": "webhookSecretValue0123456789abcdefgh",
	}))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := c.Print(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, secret := range []string{token, "AAFakeToken", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "webhookSecretValue0123456789abcdefgh"} {
		if strings.Contains(out, secret) {
			t.Errorf("config check shows %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "FRONTDOOR_TELEGRAM_TOKEN     = ******** (set)") || !strings.Contains(out, "FRONTDOOR_HTTP               = 127.0.0.1:9090") {
		t.Errorf("config check:\n%s", out)
	}
}

// TestExampleFile: the documented example loads, and so does every key
// it shows commented out.
func TestExampleFile(t *testing.T) {
	b, err := os.ReadFile("../deploy/frontdoor.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, line := range strings.Split(string(b), "\n") {
		if k, _, ok := strings.Cut(strings.TrimPrefix(line, "# "), " = "); ok && !strings.Contains(k, " ") {
			all = append(all, strings.TrimPrefix(line, "# "))
		}
	}
	if len(all) < 15 {
		t.Fatalf("found %d keys in the example, want them all", len(all))
	}
	for name, text := range map[string]string{"as shipped": string(b), "all keys": strings.Join(all, "\n")} {
		if _, err := config.WithFile(env(nil), writeFile(t, "frontdoor.toml", text)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
