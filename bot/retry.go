package bot

import (
	"context"
	"errors"
	mrand "math/rand/v2"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// retry runs try until it succeeds, up to maxRetries more times after the
// first, waiting retryDelay between tries; it stops at once on an error no
// retry can fix or when ctx ends. onRetry, if not nil, hears each wait. It
// returns the number of tries and the last error.
func retry(ctx context.Context, maxRetries int, try func() error, onRetry func(err error, wait time.Duration)) (attempts int, err error) {
	for {
		attempts++
		if err = try(); err == nil {
			return attempts, nil
		}
		if attempts > maxRetries || ctx.Err() != nil {
			return attempts, err
		}
		wait, again := retryDelay(err, attempts, sendBackoffMin)
		if !again {
			return attempts, err
		}
		if onRetry != nil {
			onRetry(err, wait)
		}
		if !sleep(ctx, wait) {
			return attempts, err
		}
	}
}

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

// backoff is base·2^(failures-1), capped at backoffMax, with 20 % jitter so
// that many chats do not retry in step.
func backoff(failures int, base time.Duration) time.Duration {
	d := base
	for i := 1; i < failures && d < backoffMax; i++ {
		d *= 2
	}
	d = min(d, backoffMax)
	return d - mrand.N(d/5+1)
}

// errorCode is the Bot API error code in err, or 0.
func errorCode(err error) int {
	var apiErr *tgbotapi.Error
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	return 0
}

// sleep waits d or until ctx ends; it reports whether it waited d.
func sleep(ctx context.Context, d time.Duration) bool {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}
