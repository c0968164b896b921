package config

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// EnvConfig names the optional configuration file (also --config).
const EnvConfig = "FRONTDOOR_CONFIG"

// WithFile returns a getenv that answers from the environment first and
// then from the TOML file at path, so that the environment overrides the
// file. The file's keys are the environment variables' names without
// "FRONTDOOR_", in lower case: data = "/var/lib/frontdoor",
// telegram_token_file = "/etc/frontdoor/token". An unknown key is an error,
// so that a typo is not silently ignored.
func WithFile(getenv func(string) string, path string) (func(string) string, error) {
	var raw map[string]any
	md, err := toml.DecodeFile(path, &raw)
	if err != nil {
		return nil, fmt.Errorf("configuration file %s: %w", path, err)
	}
	known := knownNames()
	values := map[string]string{}
	var errs []string
	for _, k := range md.Keys() {
		if len(k) != 1 {
			continue // inside an array of tables: reported with its parent
		}
		name := "FRONTDOOR_" + strings.ToUpper(k[0])
		if !slices.Contains(known, name) {
			errs = append(errs, fmt.Sprintf("unknown key %q", k[0]))
			continue
		}
		v, ok := fileValue(raw[k[0]])
		if !ok {
			errs = append(errs, fmt.Sprintf("%s must be a string, a number or a list of them", k[0]))
			continue
		}
		values[name] = v
	}
	if len(errs) > 0 {
		var keys []string
		for _, n := range known {
			keys = append(keys, strings.ToLower(strings.TrimPrefix(n, "FRONTDOOR_")))
		}
		return nil, fmt.Errorf("configuration file %s: %s (known keys: %s)", path, strings.Join(errs, "; "), strings.Join(keys, ", "))
	}
	set := func(name string) bool { return strings.TrimSpace(getenv(name)) != "" }
	return func(name string) string {
		if set(name) {
			return getenv(name)
		}
		// A secret set in the environment, either way, hides both ways of
		// the file: FRONTDOOR_TELEGRAM_TOKEN overrides telegram_token_file.
		other := name + "_FILE"
		if base, ok := strings.CutSuffix(name, "_FILE"); ok {
			other = base
		}
		if slices.Contains(known, other) && set(other) {
			return ""
		}
		return values[name]
	}, nil
}

// knownNames are the environment variables FromEnv reads, found by asking
// it: a key added there is known to the file at once.
func knownNames() []string {
	var names []string
	_, _ = FromEnv(func(name string) string {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
		return ""
	})
	slices.Sort(names)
	return names
}

func fileValue(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case int64:
		return strconv.FormatInt(v, 10), true
	case bool:
		return strconv.FormatBool(v), true
	case []any:
		parts := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := fileValue(e)
			if !ok {
				return "", false
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ","), true
	}
	return "", false
}

// Print writes the effective configuration, one "NAME = value" a line,
// with secrets masked, for `frontdoor config check`.
func (c Config) Print(w io.Writer) error {
	secret := func(v string) string {
		if v == "" {
			return "(not set)"
		}
		return "******** (set)"
	}
	orOff := func(v, off string) string {
		if v == "" {
			return off
		}
		return v
	}
	admins := make([]string, len(c.Admins))
	for i, a := range c.Admins {
		admins[i] = strconv.FormatInt(a, 10)
	}
	webhookSecret := secret(c.WebhookSecret)
	if c.WebhookSecret == "" {
		webhookSecret = "(random at every start)"
	}
	key := secret(c.Key)
	if c.Key == "" {
		key = "(key file in " + c.DataDir + ")"
	}
	mode := "long polling"
	if c.WebhookURL != "" {
		mode = "webhook"
	}
	backups := c.BackupEvery.String() + ", keep " + strconv.Itoa(c.BackupKeep)
	if c.BackupDir == "" {
		backups = "(off)"
	}
	lines := [][2]string{
		{EnvToken, secret(c.Token)},
		{EnvAPI, c.API},
		{EnvData, c.DataDir},
		{EnvKey, key},
		{EnvAdmins, orOff(strings.Join(admins, ","), "(none)")},
		{EnvSessionTTL, c.SessionTTL.String()},
		{EnvCallbackEscalate, c.CallbackEscalate.String()},
		{EnvCallbackRetention, c.CallbackRetention.String()},
		{EnvCallbackCloseWithin, c.CallbackCloseWithin.String()},
		{"mode", mode},
		{EnvWebhookURL, orOff(c.WebhookURL, "(not set: long polling)")},
		{EnvListen, c.Listen},
		{EnvWebhookSecret, webhookSecret},
		{EnvHTTP, orOff(c.HTTP, "off")},
		{EnvLogFormat, c.LogFormat},
		{EnvLogLevel, c.LogLevel.String()},
		{EnvBackupDir, orOff(c.BackupDir, "(off)")},
		{"backups", backups},
		{EnvWeb, orOff(c.Web.Addr, "(off; frontdoor web: "+DefaultWeb+")")},
		{EnvWebTitle, orOff(c.Web.Title, "(default)")},
		{EnvWebIcon, orOff(c.Web.IconFile, "(default)")},
		{EnvWebExit, orOff(c.Web.Exit, "(default)")},
	}
	for _, l := range lines {
		if _, err := fmt.Fprintf(w, "%-28s = %s\n", l[0], l[1]); err != nil {
			return err
		}
	}
	return nil
}
