package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"frontdoor/flows/logattr"
)

// Run polls for updates and handles them until ctx is cancelled, then
// returns nil. Within a batch, updates of one chat are handled in order
// and chats in parallel; the offset moves past a batch only when all of
// it was handled. Beside the first poll it sets the command menu of every
// language, when TelegramConfig.Menu is set. Run must not be called twice at
// the same time (Telegram allows one poller per token).
func (t *Telegram) Run(ctx context.Context) error {
	failures := 0
	pollSeconds := max(1, int(t.cfg.PollTimeout/time.Second)) // 0 would poll in a busy loop
	defer t.runBeside(ctx)()
	hctx, stopGrace := graceful(ctx)
	defer stopGrace()
	w := newWindow(t.sem)
	defer func() {
		// Shutdown: let what is in flight finish (within the grace), then
		// tell Telegram what was handled; the rest is delivered again.
		w.drain(hctx)
		if off := w.offset(); off > w.acked {
			t.ack(ctx, off)
		}
	}()
	// A webhook left by webhook mode would make getUpdates fail with 409;
	// Telegram keeps the updates it holds for the loop below.
	if err := t.deleteWebhook(ctx); err != nil && ctx.Err() == nil {
		t.log.LogAttrs(ctx, slog.LevelWarn, "delete_webhook_failed", logattr.Code(errorCode(err)), logattr.Err(err))
	}
	for ctx.Err() == nil {
		if w.full() {
			w.wait(ctx, w.finished, time.Hour)
			continue
		}
		offset := w.offset()
		updates, err := t.getUpdates(ctx, offset, w.fresh(), pollSeconds, 100)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			failures++
			if errorCode(err) == http.StatusConflict {
				// A webhook was set meanwhile (another instance in webhook
				// mode?): take the updates back.
				_ = t.deleteWebhook(ctx)
			}
			wait, _ := retryDelay(err, failures, pollBackoffMin)
			t.log.LogAttrs(ctx, slog.LevelWarn, "poll_error", logattr.Code(errorCode(err)), logattr.Wait(wait), logattr.Err(err))
			if !sleep(ctx, wait) {
				break
			}
			continue
		}
		failures, w.acked = 0, offset
		handle := func(u tgbotapi.Update) bool {
			t.handleUpdate(hctx, u)
			return hctx.Err() == nil // cut short by shutdown: not handled
		}
		drop := func(u tgbotapi.Update, notify bool) { t.dropUpdate(hctx, u, notify) }
		w.dispatch(updates, handle, drop)
		if w.busy() {
			// Telegram would give back at once every update still in
			// flight: ask again when the lowest one finishes (the offset
			// moves on, acknowledging it) or after a moment, for new ones.
			w.wait(ctx, w.advanced, inflightRepoll)
		}
	}
	return nil
}

// ack confirms updates below offset to Telegram on the way out, so that a
// restart does not see them again. The update it may return stays
// unconfirmed.
func (t *Telegram) ack(ctx context.Context, offset int) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if _, err := t.getUpdates(actx, offset, offset, 0, 1); err != nil {
		t.log.LogAttrs(ctx, slog.LevelWarn, "ack_failed", logattr.Code(errorCode(err)), logattr.Err(err))
	}
}

// getUpdates asks Telegram for the updates from offset and decodes those
// from fresh on. Telegram returns every update from the offset until the
// offset passes it, so the ones below fresh, still in flight, come back
// on every poll: they are only skipped over, not decoded again.
func (t *Telegram) getUpdates(ctx context.Context, offset, fresh, timeout, limit int) ([]tgbotapi.Update, error) {
	cctx, cancel := context.WithTimeout(ctx, time.Duration(timeout)*time.Second+pollSlack)
	defer cancel()
	p := tgbotapi.Params{}
	p.AddNonZero("offset", offset)
	p.AddNonZero("limit", limit)
	p.AddNonZero("timeout", timeout)
	// Only what the dialogues use: no edits, reactions or member changes.
	p["allowed_updates"] = `["message","callback_query"]`
	resp, err := t.bot(cctx).MakeRequest("getUpdates", p)
	t.observeCall("getUpdates", err)
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", t.redactErr(err))
	}
	ups, bad, err := decodeUpdates(resp.Result, fresh)
	if bad > 0 {
		t.log.LogAttrs(ctx, slog.LevelWarn, "update_undecodable", logattr.Count("updates", bad))
		for range bad {
			t.observeUpdate("none", OutcomeUndecodable, 0)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", err)
	}
	return ups, nil
}

// updateID reads the id of an update. Telegram writes it first; reading
// it from there spares a pass over the whole update, which the in-flight
// ones, skipped, would otherwise cost on every poll.
func updateID(item json.RawMessage) (int, error) {
	if rest, ok := bytes.CutPrefix(item, []byte(`{"update_id":`)); ok && !bytes.Contains(rest, []byte(`"update_id"`)) {
		end := bytes.IndexAny(rest, ",}")
		if id, err := strconv.Atoi(string(rest[:max(end, 0)])); end > 0 && err == nil {
			return id, nil
		}
	}
	var head struct {
		ID int `json:"update_id"`
	}
	if err := json.Unmarshal(item, &head); err != nil {
		return 0, fmt.Errorf("decode update id: %w", err)
	}
	return head.ID, nil
}

// decodeUpdates decodes the updates of a getUpdates result from id fresh
// on. One that does not decode is kept with its id alone, and counted in
// bad: it is then acknowledged and ignored instead of being returned, and
// failing the poll, for ever.
func decodeUpdates(raw json.RawMessage, fresh int) (ups []tgbotapi.Update, bad int, err error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, 0, fmt.Errorf("decode updates: %w", err)
	}
	for _, item := range items {
		id, err := updateID(item)
		if err != nil {
			return nil, bad, err
		}
		if id < fresh {
			continue
		}
		var u tgbotapi.Update
		if json.Unmarshal(item, &u) != nil {
			u, bad = tgbotapi.Update{UpdateID: id}, bad+1
		}
		ups = append(ups, u)
	}
	return ups, bad, nil
}

// chatOf is the chat an update belongs to, for ordering; 0 when none.
func chatOf(u tgbotapi.Update) int64 {
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat != nil:
		return u.CallbackQuery.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.From != nil:
		return u.CallbackQuery.From.ID
	}
	return 0
}
