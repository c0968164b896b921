package bot

import (
	"net/url"
	"strings"
)

// redact removes the token, in every spelling a URL may give it, from s.
// Every error and log line of this transport goes through it: net/http
// errors carry the request URL, and the URL carries the token.
func redact(token, s string) string {
	if token == "" {
		return s
	}
	secrets := []string{token, url.PathEscape(token), url.QueryEscape(token)}
	if _, secret, ok := strings.Cut(token, ":"); ok && len(secret) >= 8 {
		secrets = append(secrets, secret)
	}
	for _, sec := range secrets {
		s = strings.ReplaceAll(s, sec, "<token>")
	}
	return s
}

// redactedError keeps the cause for errors.Is/As while its message is
// redacted. Printing the unwrapped cause yourself would show the token.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

func (e *redactedError) Unwrap() error { return e.err }

func (t *Telegram) redactErr(err error) error {
	if err == nil {
		return nil
	}
	return &redactedError{msg: redact(t.token, err.Error()), err: err}
}
