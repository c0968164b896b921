// Package config reads frontdoor's configuration from the environment,
// applies defaults and validates it, so that a mistake is one clear
// sentence at start instead of a failure later. It keeps no global state:
// cmd reads it once and hands the values on.
package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// DefaultAPI is Telegram's Bot API endpoint, in the format of
// FRONTDOOR_TELEGRAM_API: the token, then the method.
const DefaultAPI = "https://api.telegram.org/bot%s/%s"

// Config is the effective configuration.
type Config struct {
	// Token is the bot's token from BotFather; empty means "not on Telegram".
	Token string
	// API is the Bot API endpoint with two %s: token and method.
	API string
	// DataDir holds the bbolt file and the key file.
	DataDir string
	// Key is the base64 of the 32-byte master key; empty means "use or
	// create the key file in DataDir".
	Key string
	// NewKey is the base64 of the key a rekey seals everything under, when
	// Key is given in the environment too; empty otherwise.
	NewKey string
	// Admins are Telegram user ids that are admins from the start.
	Admins []int64
	// SessionTTL is how long an idle conversation is remembered.
	SessionTTL time.Duration
	// CallbackEscalate is how long a callback request may wait untaken
	// before it is re-announced, then passed to the on-call operators.
	CallbackEscalate time.Duration
	// CallbackRetention is the longest a callback request is kept.
	CallbackRetention time.Duration
	// CallbackCloseWithin is how long after her last window a taken request
	// may stay open before its operator is reminded (and then goes back to
	// the others).
	CallbackCloseWithin time.Duration

	// Ops are the settings of running it as a service (see ops.go).
	Ops
	// Web are the settings of the web door (see web.go).
	Web
}

// The environment variables read by FromEnv. Secrets also have a _FILE
// variant naming a file that holds the value (for container secrets).
const (
	EnvToken      = "FRONTDOOR_TELEGRAM_TOKEN"
	EnvAPI        = "FRONTDOOR_TELEGRAM_API"
	EnvData       = "FRONTDOOR_DATA"
	EnvKey        = "FRONTDOOR_KEY"
	EnvAdmins     = "FRONTDOOR_ADMINS"
	EnvSessionTTL = "FRONTDOOR_SESSION_TTL"
	EnvNewKey     = "FRONTDOOR_NEW_KEY"

	EnvCallbackEscalate    = "FRONTDOOR_CALLBACK_ESCALATE"
	EnvCallbackRetention   = "FRONTDOOR_CALLBACK_RETENTION"
	EnvCallbackCloseWithin = "FRONTDOOR_CALLBACK_CLOSE_WITHIN"
)

// FromEnv reads the configuration through getenv (os.Getenv in main) and
// validates it. All problems are reported together.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{API: DefaultAPI, DataDir: "./data", SessionTTL: 24 * time.Hour,
		CallbackEscalate: 15 * time.Minute, CallbackRetention: 7 * 24 * time.Hour, CallbackCloseWithin: 2 * time.Hour, Ops: defaultOps}
	var errs []error
	// Every value is read trimmed.
	env := func(name string) string { return strings.TrimSpace(getenv(name)) }
	secret := func(name string) string {
		v := env(name)
		path := env(name + "_FILE")
		if path == "" {
			return v
		}
		if v != "" {
			errs = append(errs, fmt.Errorf("set either %s or %s_FILE, not both", name, name))
			return v
		}
		b, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s_FILE: cannot read %s: %w", name, path, err))
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	c.Token = secret(EnvToken)
	c.Key = secret(EnvKey)
	c.WebhookSecret = secret(EnvWebhookSecret)
	errs = append(errs, c.Ops.read(env)...)
	errs = append(errs, c.Web.read(env)...)
	c.NewKey = secret(EnvNewKey)
	if v := env(EnvAPI); v != "" {
		c.API = v
	}
	if v := env(EnvData); v != "" {
		c.DataDir = v
	}
	if v := env(EnvAdmins); v != "" {
		for _, f := range strings.Split(v, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
			if err != nil || id <= 0 {
				errs = append(errs, fmt.Errorf("%s must be Telegram user ids separated by commas (%q is not one)", EnvAdmins, strings.TrimSpace(f)))
				continue
			}
			c.Admins = append(c.Admins, id)
		}
	}
	for _, d := range []struct {
		name     string
		min, max time.Duration
		bounds   string
		into     *time.Duration
	}{
		{EnvSessionTTL, time.Minute, 7 * 24 * time.Hour, "between 1m and 168h, like 24h", &c.SessionTTL},
		{EnvCallbackEscalate, time.Minute, 24 * time.Hour, "between 1m and 24h, like 15m", &c.CallbackEscalate},
		{EnvCallbackRetention, time.Hour, 30 * 24 * time.Hour, "between 1h and 720h, like 168h", &c.CallbackRetention},
		{EnvCallbackCloseWithin, 10 * time.Minute, 72 * time.Hour, "between 10m and 72h, like 2h", &c.CallbackCloseWithin},
	} {
		if v := env(d.name); v != "" {
			dur, err := time.ParseDuration(v)
			if err != nil || dur < d.min || dur > d.max {
				errs = append(errs, fmt.Errorf("%s must be a duration %s (got %q)", d.name, d.bounds, v))
			} else {
				*d.into = dur
			}
		}
	}
	if err := c.validate(); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// validate checks values that have a shape.
func (c Config) validate() error {
	var errs []error
	if strings.Count(c.API, "%s") != 2 || strings.Count(c.API, "%") != 2 {
		errs = append(errs, fmt.Errorf("%s must contain %%s twice, for the token and the method, like %s (got %q)", EnvAPI, DefaultAPI, c.API))
	} else if u, err := url.Parse(fmt.Sprintf(c.API, "TOKEN", "getMe")); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("%s must be an http or https URL, like %s (got %q)", EnvAPI, DefaultAPI, c.API))
	}
	if c.Key != "" && !validKey(c.Key) {
		errs = append(errs, keyError(EnvKey))
	}
	if c.WebhookSecret != "" && !validSecret(c.WebhookSecret) {
		errs = append(errs, fmt.Errorf("%s must be at least %d and at most 256 letters, digits, _ or - (for example the output of: head -c 32 /dev/urandom | base64 | tr -d '/+='), or unset for a random one at every start", EnvWebhookSecret, MinWebhookSecret))
	}
	if c.NewKey != "" && !validKey(c.NewKey) {
		errs = append(errs, keyError(EnvNewKey))
	}
	if c.Token != "" && !validToken(c.Token) {
		errs = append(errs, fmt.Errorf("%s does not look like a token from BotFather (digits, a colon, then letters)", EnvToken))
	}
	return errors.Join(errs...)
}

// validToken checks the shape "123456:ABC-def_..." without judging the
// secret part, which only Telegram can.
func validToken(t string) bool {
	id, secret, ok := strings.Cut(t, ":")
	if !ok || id == "" || len(secret) < 20 {
		return false
	}
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return false
	}
	return tokenChars(secret)
}

// tokenChars tells whether s holds only the letters, digits, _ and - that
// Telegram uses in tokens and secrets.
func tokenChars(s string) bool {
	for _, r := range s {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// validKey tells whether s is the base64 of a 32-byte master key.
func validKey(s string) bool {
	b, err := base64.StdEncoding.DecodeString(s)
	return err == nil && len(b) == 32
}

func keyError(env string) error {
	return fmt.Errorf("%s must be the base64 of 32 random bytes (for example the output of: head -c 32 /dev/urandom | base64)", env)
}
