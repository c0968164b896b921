// Package ops provides what the person who runs frontdoor watches and
// needs: Prometheus metrics, a health check and hot backups over HTTP. It
// knows the bot and the store only through small interfaces, and no label
// of a metric ever carries anything about a person: only fixed words and
// Bot API error codes.
package ops

import (
	"context"
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
	latency   prometheus.Histogram
	apiErrors *prometheus.CounterVec
	sweeps    *prometheus.CounterVec
	swept     prometheus.Counter
	lastOK    atomic.Int64 // unix nanoseconds of the last Bot API success
	lastOKG   prometheus.GaugeFunc
}

// NewMetrics registers frontdoor's metrics and the Go runtime's.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.updates = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "frontdoor_updates_total",
		Help: "Telegram updates by kind (command, text, button, location, none) and outcome (handled, duplicate, ignored, error, panic, flood: its chat sent too many at once and the update was dropped, with a notice).",
	}, []string{"kind", "outcome"})
	m.latency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "frontdoor_reply_seconds",
		Help:    "Time from receiving an update to its last reply sent, for handled updates.",
		Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	})
	m.apiErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "frontdoor_telegram_errors_total",
		Help: "Failed Bot API calls by method and error code (-1: no answer from Telegram).",
	}, []string{"method", "code"})
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
	m.reg.MustRegister(m.updates, m.latency, m.apiErrors, m.sweeps, m.swept, m.lastOKG,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Update counts an update and, when it was handled, its reply latency.
func (m *Metrics) Update(kind, outcome string, took time.Duration) {
	m.updates.WithLabelValues(kind, outcome).Inc()
	if outcome == "handled" {
		m.latency.Observe(took.Seconds())
	}
}

// APICall counts a failed Bot API call, or remembers the time of a
// successful one.
func (m *Metrics) APICall(method string, code int) {
	if code == 0 {
		m.lastOK.Store(time.Now().UnixNano())
		return
	}
	m.apiErrors.WithLabelValues(method, strconv.Itoa(code)).Inc()
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
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "frontdoor_sessions",
		Help: "Conversations remembered in the store (expired ones not yet swept included).",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
		defer cancel()
		n, err := s.SessionCount(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	}))
}

// WatchOutbox exports the backlog of the operators' outbox and the age of
// its oldest item, read once per scrape for both.
func (m *Metrics) WatchOutbox(o Outbox) {
	m.reg.MustRegister(outboxCollector{o})
}

var (
	outboxBacklogDesc = prometheus.NewDesc("frontdoor_outbox_backlog",
		"Notifications to operators waiting in the outbox (-1: cannot be read).", nil, nil)
	outboxAgeDesc = prometheus.NewDesc("frontdoor_outbox_oldest_age_seconds",
		"Age of the oldest notification waiting in the outbox (0: none).", nil, nil)
)

// outboxCollector reads the outbox once per scrape for its two gauges.
type outboxCollector struct{ o Outbox }

func (c outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxBacklogDesc
	ch <- outboxAgeDesc
}

func (c outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	backlog, age := -1.0, 0.0
	if n, oldest, err := c.o.Backlog(ctx); err == nil {
		backlog = float64(n)
		if !oldest.IsZero() {
			age = time.Since(oldest).Seconds()
		}
	}
	ch <- prometheus.MustNewConstMetric(outboxBacklogDesc, prometheus.GaugeValue, backlog)
	ch <- prometheus.MustNewConstMetric(outboxAgeDesc, prometheus.GaugeValue, age)
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
