package bot

import (
	"context"
	mrand "math/rand/v2"
	"time"
)

// backoffMax caps every back-off.
const backoffMax = 30 * time.Second

// delayFunc says how long to wait after the attempts-th failure with err,
// and whether to try again at all: each door knows its own errors.
type delayFunc func(err error, attempts int) (wait time.Duration, again bool)

// retry runs try until it succeeds, up to maxRetries more times after the
// first, waiting what delay says between tries; it stops at once on an
// error no retry can fix or when ctx ends. onRetry, if not nil, hears each
// wait. It returns the number of tries and the last error.
func retry(ctx context.Context, maxRetries int, delay delayFunc, try func() error, onRetry func(err error, wait time.Duration)) (attempts int, err error) {
	for {
		attempts++
		if err = try(); err == nil {
			return attempts, nil
		}
		if attempts > maxRetries || ctx.Err() != nil {
			return attempts, err
		}
		wait, again := delay(err, attempts)
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
