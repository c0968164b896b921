package bot

import (
	"errors"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// retryDelay says how long to wait before retrying after err, and whether
// to retry at all: a 429 waits its retry_after; 5xx, network and decoding
// errors back off exponentially; other Bot API errors are final.
func retryDelay(err error, failures int, base time.Duration) (time.Duration, bool) {
	var apiErr *tgbotapi.Error
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.RetryAfter > 0:
			return time.Duration(apiErr.RetryAfter) * time.Second, true
		case apiErr.Code == http.StatusTooManyRequests, apiErr.Code >= 500:
			return backoff(failures, base), true
		}
		return backoff(failures, base), false
	}
	return backoff(failures, base), true
}

// sendDelay is the delay of a Bot API call's retries.
func sendDelay(err error, attempts int) (time.Duration, bool) {
	return retryDelay(err, attempts, sendBackoffMin)
}

// errorCode is the Bot API error code in err, or 0.
func errorCode(err error) int {
	var apiErr *tgbotapi.Error
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	return 0
}
