package bot

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"frontdoor/flows/logattr"
)

// SecretHeader is the header in which Telegram repeats the webhook's
// secret_token on every request.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateBytes bounds the body of a webhook request; an update the
// dialogues use is a few kilobytes.
const maxUpdateBytes = 1 << 20

// WebhookConfig configures RunWebhook.
type WebhookConfig struct {
	// URL is the public HTTPS address Telegram posts updates to, usually a
	// reverse proxy in front of Listen. Its path is the one served.
	URL string
	// Listen is the address the webhook server listens on, like
	// "127.0.0.1:8443". Ignored when Listener is set.
	Listen string
	// Listener, when set, is used instead of listening on Listen.
	Listener net.Listener
	// Secret is the secret_token Telegram must send back, at least
	// minSecret characters; empty means a random one for this run
	// (setWebhook is called at every start).
	Secret string
}

// minSecret is the shortest secret RunWebhook accepts: whoever guesses it
// can post forged updates as anyone.
const minSecret = 32

// RunWebhook serves updates that Telegram posts to wc.URL until ctx is
// cancelled, then stops taking requests, finishes those in flight and
// returns nil. It calls setWebhook at start, so that switching from long
// polling loses nothing: updates Telegram still holds are posted here. An
// update is answered 200 only after it was handled (its session committed
// and its replies sent); until then Telegram keeps it and posts it again.
// Updates of one chat are handled one at a time, in the order they arrive:
// Telegram itself waits for the answer to a chat's update before posting
// that chat's next one, so answering late also keeps each chat in order;
// the chat's lock in handleUpdate only guards against a misbehaving proxy.
func (t *Telegram) RunWebhook(ctx context.Context, wc WebhookConfig) error {
	u, err := url.Parse(wc.URL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return fmt.Errorf("webhook: %q is not an absolute URL", wc.URL)
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	secret := wc.Secret
	if secret != "" && len(secret) < minSecret {
		return fmt.Errorf("webhook: the secret must be at least %d characters (it is %d)", minSecret, len(secret))
	}
	if secret == "" {
		b := make([]byte, 32)
		_, _ = rand.Read(b) // never fails (crypto/rand)
		secret = hex.EncodeToString(b)
	}
	ln := wc.Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", wc.Listen); err != nil {
			return fmt.Errorf("webhook: listen: %w", err)
		}
	}
	defer t.runBeside(ctx)()
	hctx, stopHandling := graceful(ctx)
	defer stopHandling()
	srv := &http.Server{
		Handler:           t.webhookHandler(hctx, path, secret),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(t.log.Handler(), slog.LevelDebug),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	params := tgbotapi.Params{
		"url":             wc.URL,
		"secret_token":    secret,
		"allowed_updates": `["message","callback_query"]`,
	}
	if _, err := t.call(ctx, "setWebhook", params); err != nil {
		_ = srv.Close()
		return fmt.Errorf("webhook: %w", err)
	}
	t.log.LogAttrs(ctx, slog.LevelInfo, "webhook_set", logattr.Event("webhook_set"))

	select {
	case <-ctx.Done():
	case err := <-served:
		return fmt.Errorf("webhook: serve: %w", err)
	}
	// Stop taking requests and wait for those in flight; their handling
	// has shutdownGrace to finish (see graceful), a little more for the
	// answers to go out.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace+2*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("webhook: shutdown: %w", err)
	}
	return nil
}

// webhookHandler checks the secret before reading anything else, then
// handles the update and answers only when it is done.
func (t *Telegram) webhookHandler(hctx context.Context, path, secret string) http.Handler {
	want := []byte(secret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(SecretHeader)), want) != 1 {
			t.log.LogAttrs(r.Context(), slog.LevelWarn, "webhook_refused", logattr.Event("webhook_refused"))
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if hctx.Err() != nil {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		var u tgbotapi.Update
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxUpdateBytes)).Decode(&u); err != nil {
			t.log.LogAttrs(r.Context(), slog.LevelWarn, "webhook_bad_update", logattr.Event("webhook_bad_update"))
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		// handleUpdate takes the chat's lock: one update of a chat at a time.
		t.sem <- struct{}{}
		t.handleUpdate(hctx, u)
		<-t.sem
		if hctx.Err() != nil {
			// Cut short by shutdown: Telegram posts it again, and a session
			// that did commit it skips it as a duplicate.
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(0))
		w.WriteHeader(http.StatusOK)
	})
}

// runBeside starts what runs beside either way of receiving updates: the
// command menu, set aside so that a slow Bot API does not delay her first
// answer, and the idle wipe. The returned function waits for them to end
// (they end with ctx), and for the trail writes still running.
func (t *Telegram) runBeside(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	wg.Go(func() { t.setCommands(ctx) })
	if t.cfg.Trail != nil {
		wg.Go(func() { t.idleWiper().Run(ctx) })
	}
	return func() {
		wg.Wait()
		t.tracking.Wait()
	}
}

// deleteWebhook switches Telegram back to getUpdates, keeping the updates
// it holds: the long-poll loop then receives them.
func (t *Telegram) deleteWebhook(ctx context.Context) error {
	_, err := t.call(ctx, "deleteWebhook", tgbotapi.Params{"drop_pending_updates": "false"})
	return err
}
