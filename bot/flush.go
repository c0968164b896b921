package bot

import (
	"context"
	"log/slog"

	"frontdoor/flows"
	"frontdoor/flows/logattr"
)

// FlushOutbox makes one last delivery attempt of the outbox at shutdown,
// after RunOutbox has returned and the last updates were handled, so that
// what they queued (a new request's card for the operators) goes out now
// rather than at the next start. It gives up after shutdownGrace, even when
// ctx is already cancelled; what it cannot send stays in the outbox.
func (t *Telegram) FlushOutbox(ctx context.Context, box flows.Outbox) {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	for {
		n, err := t.deliver(fctx, box)
		if err != nil {
			t.log.LogAttrs(ctx, slog.LevelWarn, "outbox_flush_incomplete", logattr.Code(errorCode(err)), logattr.Err(err))
			return
		}
		if n < outboxBatch {
			return
		}
	}
}
