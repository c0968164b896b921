// Package ops provides what the person who runs frontdoor watches and
// needs: Prometheus metrics, a health check and hot backups over HTTP. It
// knows the bot and the store only through small interfaces, and no label
// of a metric ever carries anything about a person: only fixed words and
// Bot API error codes.
package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// scrapeTimeout bounds the store reads of one scrape or health check.
const scrapeTimeout = 5 * time.Second

// Metrics counts what the bot does. It implements bot.Observer; its
// methods are safe for concurrent use. Each Metrics has its own registry,
// so tests and several instances do not share global state.
type Metrics struct {
	reg       *prometheus.Registry
	updates   *prometheus.CounterVec
	dropped   *prometheus.CounterVec
	latency   prometheus.Histogram
	apiErrors *prometheus.CounterVec
	outboxOut *prometheus.CounterVec
	sweeps    *prometheus.CounterVec
	swept     prometheus.Counter
	events    *prometheus.CounterVec
	readErrs  *prometheus.CounterVec
	lastOK    atomic.Int64 // unix nanoseconds of the last Bot API success
	lastOKG   prometheus.GaugeFunc
	// refused is set when the Bot API refused the token (401, 404) and
	// cleared by any success; pollFailing holds when getUpdates started
	// failing (unix nanoseconds), 0 while it succeeds.
	refused     atomic.Bool
	pollFailing atomic.Int64
}

// Build says which program runs, for frontdoor_build_info and the start
// log line.
type Build struct {
	// Version is the module's version: a tag, a pseudo-version, or
	// "(devel)".
	Version string
	// Revision is the commit; Modified says the tree had changes.
	Revision  string
	Modified  bool
	GoVersion string
}

// String is the version as frontdoor --version prints it.
func (b Build) String() string {
	rev := b.Revision
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if b.Modified {
		rev += "+changes"
	}
	return fmt.Sprintf("%s (commit %s, %s)", b.Version, rev, b.GoVersion)
}

// NewMetrics registers frontdoor's metrics and the Go runtime's.
func NewMetrics(b Build) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	info := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "frontdoor_build_info",
		Help:        "Always 1; its labels say which build runs.",
		ConstLabels: prometheus.Labels{"version": b.Version, "revision": b.Revision, "goversion": b.GoVersion},
	})
	info.Set(1)
	m.reg.MustRegister(info)
	m.updates = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "frontdoor_updates_total",
		Help: "Telegram updates by kind (command, text, button, location, none) and outcome (handled, duplicate, ignored, error, panic, flood: its chat sent too many at once and the update was dropped, with a notice).",
	}, []string{"kind", "outcome"})
	m.latency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "frontdoor_reply_seconds",
		Help:    "Time from receiving an update to its last reply sent, for handled updates.",
		Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	})
	m.dropped = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "frontdoor_updates_dropped_total",
		Help: "Updates acknowledged without being answered, by reason (error: the store failed; panic; undecodable).",
	}, []string{"reason"})
	m.apiErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "frontdoor_telegram_errors_total",
		Help: "Failed Bot API calls by method and error code (-1: no answer from Telegram).",
	}, []string{"method", "code"})
	m.outboxOut = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "frontdoor_outbox_dropped_total",
		Help: "Outbox messages dropped for good: refused by Telegram (403: the chat never started the bot or blocked it), unreadable, or for a door that is not running, by kind: number (her number to the operator who took the request), card, operator, her.",
	}, []string{"kind"})
	m.events = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "frontdoor_events_total",
		Help: "Events logged, by kind (callback_no_on_call: a request escalated with nobody on call; backup_failed; ...).",
	}, []string{"event"})
	m.readErrs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "frontdoor_scrape_errors_total",
		Help: "Store reads of a scrape that failed, by what was read; the gauge is then left out, never reported as -1.",
	}, []string{"source"})
	m.sweeps = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "frontdoor_sweeper_runs_total",
		Help: "Runs of the sweeper that deletes expired sessions, by result (ok, error).",
	}, []string{"result"})
	m.swept = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "frontdoor_sessions_swept_total",
		Help: "Expired sessions deleted by the sweeper.",
	})
	m.lastOKG = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "frontdoor_telegram_last_success_timestamp_seconds",
		Help: "Unix time of the last successful Bot API call (0: none yet).",
	}, func() float64 { return float64(m.lastOK.Load()) / 1e9 })
	m.reg.MustRegister(m.updates, m.dropped, m.latency, m.apiErrors, m.outboxOut, m.events, m.readErrs, m.sweeps, m.swept, m.lastOKG,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Update counts an update and, when it was handled, its reply latency;
// one that was not answered counts as dropped too.
func (m *Metrics) Update(kind, outcome string, took time.Duration) {
	m.updates.WithLabelValues(kind, outcome).Inc()
	switch outcome {
	case "handled":
		m.latency.Observe(took.Seconds())
	case "error", "panic", "undecodable":
		m.dropped.WithLabelValues(outcome).Inc()
	}
}

// APICall counts a failed Bot API call, or remembers the time of a
// successful one; it follows whether Telegram refuses the token and
// since when polling fails, for Ready.
func (m *Metrics) APICall(method string, code int) {
	now := time.Now().UnixNano()
	if code == 0 {
		m.lastOK.Store(now)
		m.refused.Store(false)
		if method == "getUpdates" {
			m.pollFailing.Store(0)
		}
		return
	}
	m.apiErrors.WithLabelValues(method, strconv.Itoa(code)).Inc()
	if code == http.StatusUnauthorized || code == http.StatusNotFound {
		m.refused.Store(true)
	}
	if method == "getUpdates" {
		m.pollFailing.CompareAndSwap(0, now)
	}
}

// OutboxDropped counts an outbox message dropped for good (bot.DropObserver).
func (m *Metrics) OutboxDropped(kind string) { m.outboxOut.WithLabelValues(kind).Inc() }

// ErrNotReady is wrapped by Ready's errors.
var ErrNotReady = errors.New("not ready")

// Ready says whether the bot can do its work with Telegram: an error when
// Telegram refused the token, or when polling has failed for longer than
// pollGrace (a short outage of Telegram or of the network is no reason to
// restart anything).
func (m *Metrics) Ready(pollGrace time.Duration) error {
	if m.refused.Load() {
		return fmt.Errorf("%w: Telegram refused the token (401/404): check it with @BotFather", ErrNotReady)
	}
	if since := m.pollFailing.Load(); since != 0 {
		if d := time.Since(time.Unix(0, since)); d > pollGrace {
			return fmt.Errorf("%w: polling Telegram has failed for %s", ErrNotReady, d.Round(time.Second))
		}
	}
	return nil
}

// LastTelegramOK is the time of the last successful Bot API call; zero
// when there was none.
func (m *Metrics) LastTelegramOK() time.Time {
	if n := m.lastOK.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// Sweep counts a run of the session sweeper (store.Options.OnSweep).
func (m *Metrics) Sweep(removed int, err error) {
	if err != nil {
		m.sweeps.WithLabelValues("error").Inc()
		return
	}
	m.sweeps.WithLabelValues("ok").Inc()
	m.swept.Add(float64(removed))
}

// SessionCounter is what the sessions gauge reads; store.DB implements it.
type SessionCounter interface {
	SessionCount(ctx context.Context) (int, error)
}

// WatchSessions exports the number of stored sessions, read at each
// scrape.
func (m *Metrics) WatchSessions(s SessionCounter) {
	desc := prometheus.NewDesc("frontdoor_sessions", "Conversations remembered in the store (expired ones not yet swept included).", nil, nil)
	m.reg.MustRegister(readCollector{m: m, source: "sessions", descs: []*prometheus.Desc{desc}, read: func(ctx context.Context) ([]float64, error) {
		n, err := s.SessionCount(ctx)
		return []float64{float64(n)}, err
	}})
}

// readCollector exports gauges read from the store at each scrape. When
// the read fails they are left out of the scrape and the failure is
// counted in frontdoor_scrape_errors_total: a made-up value (-1, 0) would
// read as a fact.
type readCollector struct {
	m      *Metrics
	source string
	descs  []*prometheus.Desc
	read   func(ctx context.Context) ([]float64, error)
}

func (c readCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c readCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	values, err := c.read(ctx)
	if err != nil {
		c.m.readErrs.WithLabelValues(c.source).Inc()
		return
	}
	for i, d := range c.descs {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, values[i])
	}
}

// age is the seconds since t, or 0 when t is zero (nothing waits).
func age(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return time.Since(t).Seconds()
}

// WatchOutbox exports the backlog of the operators' outbox and the age of
// its oldest item, read once per scrape for both.
func (m *Metrics) WatchOutbox(o Outbox) {
	m.reg.MustRegister(readCollector{m: m, source: "outbox", descs: []*prometheus.Desc{
		prometheus.NewDesc("frontdoor_outbox_backlog", "Notifications to operators waiting in the outbox.", nil, nil),
		prometheus.NewDesc("frontdoor_outbox_oldest_age_seconds", "Age of the oldest notification waiting in the outbox (0: none).", nil, nil),
	}, read: func(ctx context.Context) ([]float64, error) {
		n, oldest, err := o.Backlog(ctx)
		return []float64{float64(n), age(oldest)}, err
	}})
}

// Promise is the state of the callback requests: the promise made to the
// women who asked to be called back.
type Promise struct {
	// Open counts the confirmed requests nobody has taken; OldestOpen is
	// when the oldest of them was made.
	Open       int
	OldestOpen time.Time
	// Taken counts the requests an operator took and has not closed;
	// OldestTaken is when the oldest of them was made.
	Taken       int
	OldestTaken time.Time
}

// PromiseReader reads the callback requests' state.
type PromiseReader interface {
	Promise(ctx context.Context) (Promise, error)
}

// WatchPromise exports the callback requests not taken and taken but not
// closed, with the age of the oldest of each, read at each scrape.
func (m *Metrics) WatchPromise(p PromiseReader) {
	m.reg.MustRegister(readCollector{m: m, source: "callbacks", descs: []*prometheus.Desc{
		prometheus.NewDesc("frontdoor_callbacks_open", "Confirmed callback requests nobody has taken yet.", nil, nil),
		prometheus.NewDesc("frontdoor_callbacks_open_oldest_age_seconds", "Age of the oldest callback request nobody has taken (0: none).", nil, nil),
		prometheus.NewDesc("frontdoor_callbacks_taken", "Callback requests taken by an operator and not closed yet.", nil, nil),
		prometheus.NewDesc("frontdoor_callbacks_taken_oldest_age_seconds", "Age, from her request, of the oldest taken request not closed (0: none).", nil, nil),
	}, read: func(ctx context.Context) ([]float64, error) {
		s, err := p.Promise(ctx)
		return []float64{float64(s.Open), age(s.OldestOpen), float64(s.Taken), age(s.OldestTaken)}, err
	}})
}

// WatchReady exports Ready(pollGrace) as frontdoor_ready, for alerts.
func (m *Metrics) WatchReady(pollGrace time.Duration) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "frontdoor_ready",
		Help: "1 when the bot can work with Telegram, 0 when Telegram refused the token or polling has failed for too long (see /healthz).",
	}, func() float64 {
		if m.Ready(pollGrace) != nil {
			return 0
		}
		return 1
	}))
}

// WatchBackups exports the time of the newest periodic backup, read at
// each scrape (0 while there is none).
func (m *Metrics) WatchBackups(last func() (time.Time, error)) {
	m.reg.MustRegister(readCollector{m: m, source: "backups", descs: []*prometheus.Desc{
		prometheus.NewDesc("frontdoor_backup_last_success_timestamp_seconds", "Unix time of the newest periodic backup in the backup directory (0: none yet).", nil, nil),
	}, read: func(context.Context) ([]float64, error) {
		t, err := last()
		if t.IsZero() {
			return []float64{0}, err
		}
		return []float64{float64(t.Unix())}, err
	}})
}

// CountEvents wraps a log handler so that every record with an event
// attribute (a fixed word: see flows/logattr) is counted in
// frontdoor_events_total, whatever the log level lets through.
func (m *Metrics) CountEvents(next slog.Handler) slog.Handler { return eventCounter{m, next} }

type eventCounter struct {
	m    *Metrics
	next slog.Handler
}

func (h eventCounter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelInfo || h.next.Enabled(ctx, l)
}

func (h eventCounter) Handle(ctx context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "event" {
			if v := a.Value.String(); v != "" {
				h.m.events.WithLabelValues(v).Inc()
			}
			return false
		}
		return true
	})
	if !h.next.Enabled(ctx, r.Level) {
		return nil
	}
	return h.next.Handle(ctx, r)
}

func (h eventCounter) WithAttrs(as []slog.Attr) slog.Handler {
	return eventCounter{h.m, h.next.WithAttrs(as)}
}

func (h eventCounter) WithGroup(name string) slog.Handler {
	return eventCounter{h.m, h.next.WithGroup(name)}
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
