package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"time"
)

// The environment variables of running frontdoor as a service.
const (
	EnvWebhookURL    = "FRONTDOOR_WEBHOOK_URL"
	EnvListen        = "FRONTDOOR_LISTEN"
	EnvWebhookSecret = "FRONTDOOR_WEBHOOK_SECRET"
	EnvHTTP          = "FRONTDOOR_HTTP"
	EnvLogFormat     = "FRONTDOOR_LOG_FORMAT"
	EnvLogLevel      = "FRONTDOOR_LOG_LEVEL"
	EnvBackupDir     = "FRONTDOOR_BACKUP_DIR"
	EnvBackupEvery   = "FRONTDOOR_BACKUP_EVERY"
	EnvBackupKeep    = "FRONTDOOR_BACKUP_KEEP"
)

// Ops are the settings of running frontdoor as a service: webhook, the
// loopback listener for health and metrics, logs and periodic backups.
type Ops struct {
	// WebhookURL, when set, switches from long polling to a webhook that
	// Telegram posts to (an https URL, usually a reverse proxy).
	WebhookURL string
	// Listen is the address the webhook server listens on.
	Listen string
	// WebhookSecret is the secret_token Telegram must send with every
	// update; empty means a random one at every start.
	WebhookSecret string
	// HTTP is the address of /healthz and /metrics; empty means off.
	HTTP string
	// LogFormat is "auto" (text on a terminal, JSON otherwise), "text" or
	// "json".
	LogFormat string
	// LogLevel is the lowest level logged.
	LogLevel slog.Level
	// BackupDir, when set, receives a backup every BackupEvery, of which
	// the newest BackupKeep are kept.
	BackupDir   string
	BackupEvery time.Duration
	BackupKeep  int
}

var defaultOps = Ops{
	Listen:      "127.0.0.1:8443",
	HTTP:        "127.0.0.1:9090",
	LogFormat:   "auto",
	LogLevel:    slog.LevelInfo,
	BackupEvery: 24 * time.Hour,
	BackupKeep:  7,
}

// read fills o from the environment, read trimmed through get; the secret
// is read by FromEnv.
func (o *Ops) read(get func(string) string) []error {
	var errs []error
	if v := get(EnvWebhookURL); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s must be the https URL Telegram posts updates to, like https://bot.example.org/telegram (got %q)", EnvWebhookURL, v))
		} else {
			o.WebhookURL = v
		}
	}
	if v := get(EnvListen); v != "" {
		if _, _, err := net.SplitHostPort(v); err != nil {
			errs = append(errs, fmt.Errorf("%s must be host:port, like 127.0.0.1:8443 (got %q)", EnvListen, v))
		} else {
			o.Listen = v
		}
	}
	switch v := get(EnvHTTP); {
	case v == "off":
		o.HTTP = ""
	case v != "":
		if _, _, err := net.SplitHostPort(v); err != nil {
			errs = append(errs, fmt.Errorf("%s must be host:port, like 127.0.0.1:9090, or off (got %q)", EnvHTTP, v))
		} else {
			o.HTTP = v
		}
	}
	if v := get(EnvLogFormat); v != "" {
		if v != "auto" && v != "text" && v != "json" {
			errs = append(errs, fmt.Errorf("%s must be auto, text or json (got %q)", EnvLogFormat, v))
		} else {
			o.LogFormat = v
		}
	}
	if v := get(EnvLogLevel); v != "" {
		if err := o.LogLevel.UnmarshalText([]byte(v)); err != nil {
			errs = append(errs, fmt.Errorf("%s must be debug, info, warn or error (got %q)", EnvLogLevel, v))
		}
	}
	o.BackupDir = get(EnvBackupDir)
	if v := get(EnvBackupEvery); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			errs = append(errs, fmt.Errorf("%s must be a duration of at least 1m, like 6h (got %q)", EnvBackupEvery, v))
		} else {
			o.BackupEvery = d
		}
	}
	if v := get(EnvBackupKeep); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, fmt.Errorf("%s must be a number of backups of at least 1 (got %q)", EnvBackupKeep, v))
		} else {
			o.BackupKeep = n
		}
	}
	return errs
}

// MinWebhookSecret is the shortest webhook secret accepted: anyone who
// guesses it can post forged updates, so it must be as hard to guess as a
// key (32 characters of Telegram's alphabet carry about 190 bits).
const MinWebhookSecret = 32

// validSecret checks the alphabet Telegram allows for a webhook's
// secret_token (at most 256 characters) and our minimum length.
func validSecret(s string) bool {
	return len(s) >= MinWebhookSecret && len(s) <= 256 && tokenChars(s)
}
