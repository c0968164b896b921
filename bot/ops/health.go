package ops

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Checker is what the health check asks of the store; store.DB implements
// it.
type Checker interface {
	Check(ctx context.Context) error
}

// Outbox is what health and metrics read of the persistent outbox of
// notifications to operators: how many wait and since when the oldest
// (zero time when none).
type Outbox interface {
	Backlog(ctx context.Context) (count int, oldest time.Time, err error)
}

// Health answers /healthz.
type Health struct {
	// Store is checked at every request; required.
	Store Checker
	// LastTelegramOK tells the time of the last successful Bot API call;
	// nil when the bot is not on Telegram.
	LastTelegramOK func() time.Time
	// Outbox, when set, adds its backlog to the answer.
	Outbox Outbox
	// Ready, when set, says whether the bot can work with Telegram (see
	// Metrics.Ready); an error makes the answer 503.
	Ready func() error
}

// HealthReport is the JSON body of /healthz.
type HealthReport struct {
	// Status is "ok" or "failing"; the HTTP status is 200 or 503 with it.
	Status string `json:"status"`
	// Store is "ok" or the store's error.
	Store string `json:"store"`
	// Telegram is "ok" or why the bot cannot work with Telegram (the
	// token refused, polling failing for too long).
	Telegram string `json:"telegram,omitempty"`
	// TelegramLastOK is the last successful Bot API call (RFC 3339), empty
	// when none yet. Informative only: in webhook mode a quiet night has
	// no calls.
	TelegramLastOK        string   `json:"telegram_last_ok,omitempty"`
	TelegramLastOKSeconds *float64 `json:"telegram_last_ok_age_seconds,omitempty"`
	// OutboxBacklog and OutboxOldestSeconds describe the outbox, when the
	// bot has one.
	OutboxBacklog       *int     `json:"outbox_backlog,omitempty"`
	OutboxOldestSeconds *float64 `json:"outbox_oldest_age_seconds,omitempty"`
	OutboxError         string   `json:"outbox_error,omitempty"`
}

// ServeHTTP reports the health as JSON: 200 when the store answers and the
// bot can work with Telegram, 503 when not.
func (h Health) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), scrapeTimeout)
	defer cancel()
	rep := HealthReport{Status: "ok", Store: "ok"}
	code := http.StatusOK
	if err := h.Store.Check(ctx); err != nil {
		rep.Status, rep.Store, code = "failing", err.Error(), http.StatusServiceUnavailable
	}
	if h.Ready != nil {
		rep.Telegram = "ok"
		if err := h.Ready(); err != nil {
			rep.Status, rep.Telegram, code = "failing", err.Error(), http.StatusServiceUnavailable
		}
	}
	if h.LastTelegramOK != nil {
		if t := h.LastTelegramOK(); !t.IsZero() {
			age := time.Since(t).Round(time.Millisecond).Seconds()
			rep.TelegramLastOK, rep.TelegramLastOKSeconds = t.UTC().Format(time.RFC3339), &age
		}
	}
	if h.Outbox != nil {
		n, oldest, err := h.Outbox.Backlog(ctx)
		if err != nil {
			rep.OutboxError = err.Error()
		} else {
			age := 0.0
			if !oldest.IsZero() {
				age = time.Since(oldest).Round(time.Second).Seconds()
			}
			rep.OutboxBacklog, rep.OutboxOldestSeconds = &n, &age
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(rep)
}

// Mux serves /healthz and /metrics, for the loopback listener.
func Mux(h Health, m *Metrics) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", h)
	mux.Handle("GET /metrics", m.Handler())
	return mux
}
