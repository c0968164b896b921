package bot

import (
	"context"
	"time"
)

// shutdownGrace lets what a door began (a batch of updates, a step, an
// idle wipe, the last delivery of the outbox) finish after shutdown
// begins, so that a committed input is not left without its answer.
const shutdownGrace = 5 * time.Second

// graceful returns a context for handling updates that outlives ctx by
// shutdownGrace, so that updates in flight at shutdown can finish and
// answer; stop releases it.
func graceful(ctx context.Context) (hctx context.Context, stop func()) {
	hctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	after := context.AfterFunc(ctx, func() { time.AfterFunc(shutdownGrace, cancel) })
	return hctx, func() { after(); cancel() }
}
