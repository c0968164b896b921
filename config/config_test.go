package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdoor/config"
)

const token = "123456:AAFakeTokenForTestsOnly_abcdefghij"

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	c, err := config.FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.API != config.DefaultAPI || c.DataDir != "./data" || c.SessionTTL != 24*time.Hour || c.Token != "" ||
		c.CallbackEscalate != 15*time.Minute || c.CallbackRetention != 7*24*time.Hour {
		t.Errorf("defaults: %+v", c)
	}
}

func TestValues(t *testing.T) {
	c, err := config.FromEnv(env(map[string]string{
		"FRONTDOOR_TELEGRAM_TOKEN": token,
		"FRONTDOOR_TELEGRAM_API":   "http://127.0.0.1:8081/bot%s/%s",
		"FRONTDOOR_DATA":           "/var/lib/frontdoor",
		"FRONTDOOR_KEY":            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
		"FRONTDOOR_ADMINS":         "42, 7",
		"FRONTDOOR_SESSION_TTL":    "2h",

		"FRONTDOOR_CALLBACK_ESCALATE":  "5m",
		"FRONTDOOR_CALLBACK_RETENTION": "72h",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Token != token || c.API != "http://127.0.0.1:8081/bot%s/%s" || c.DataDir != "/var/lib/frontdoor" ||
		len(c.Admins) != 2 || c.Admins[0] != 42 || c.Admins[1] != 7 || c.SessionTTL != 2*time.Hour ||
		c.CallbackEscalate != 5*time.Minute || c.CallbackRetention != 72*time.Hour {
		t.Errorf("got %+v", c)
	}
}

func TestSecretFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.FromEnv(env(map[string]string{"FRONTDOOR_TELEGRAM_TOKEN_FILE": path}))
	if err != nil || c.Token != token {
		t.Fatalf("got %q, %v", c.Token, err)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"endpoint without two %s", map[string]string{"FRONTDOOR_TELEGRAM_API": "http://127.0.0.1/bot%s"}, "must contain %s twice"},
		{"endpoint not http", map[string]string{"FRONTDOOR_TELEGRAM_API": "ftp://x/bot%s/%s"}, "http or https URL"},
		{"key not base64", map[string]string{"FRONTDOOR_KEY": "not base64!"}, "base64 of 32 random bytes"},
		{"key too short", map[string]string{"FRONTDOOR_KEY": "AAEC"}, "base64 of 32 random bytes"},
		{"admins", map[string]string{"FRONTDOOR_ADMINS": "42,bob"}, `("bob" is not one)`},
		{"ttl", map[string]string{"FRONTDOOR_SESSION_TTL": "forever"}, "between 1m and 168h"},
		{"escalate", map[string]string{"FRONTDOOR_CALLBACK_ESCALATE": "10s"}, "FRONTDOOR_CALLBACK_ESCALATE must be a duration between 1m and 24h"},
		{"retention", map[string]string{"FRONTDOOR_CALLBACK_RETENTION": "a week"}, "FRONTDOOR_CALLBACK_RETENTION must be a duration"},
		{"token shape", map[string]string{"FRONTDOOR_TELEGRAM_TOKEN": "secret-token-value"}, "does not look like a token"},
		{"both token and file", map[string]string{"FRONTDOOR_TELEGRAM_TOKEN": token, "FRONTDOOR_TELEGRAM_TOKEN_FILE": "/x"}, "not both"},
		{"missing file", map[string]string{"FRONTDOOR_KEY_FILE": "/nonexistent/key"}, "cannot read /nonexistent/key"},
		{"webhook secret of one character", map[string]string{"FRONTDOOR_WEBHOOK_SECRET": "x"}, "at least 32"},
		{"webhook secret of 31 characters", map[string]string{"FRONTDOOR_WEBHOOK_SECRET": strings.Repeat("a", 31)}, "at least 32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.FromEnv(env(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "secret-token-value") || strings.Contains(err.Error(), token) {
				t.Errorf("the token leaked into the error: %v", err)
			}
		})
	}
}
