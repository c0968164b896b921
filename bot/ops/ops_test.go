package ops_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	stdio "io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"frontdoor/bot/ops"
)

// fixedWord is the shape of every label value of ours: a word of the code
// or an error code, never free text.
var fixedWord = regexp.MustCompile(`^[a-zA-Z][a-zA-Z]{0,23}$|^-?[0-9]{1,3}$`)

type sessions int

func (s sessions) SessionCount(context.Context) (int, error) { return int(s), nil }

type outbox struct {
	n      int
	oldest time.Time
	err    error
}

func (o outbox) Backlog(context.Context) (int, time.Time, error) { return o.n, o.oldest, o.err }

type checker struct{ err error }

func (c checker) Check(context.Context) error { return c.err }

func TestMetricsParse(t *testing.T) {
	m := ops.NewMetrics(ops.Build{Version: "v0.2.0", Revision: "0123456789abcdef", GoVersion: "go1.26.8"})
	m.WatchSessions(sessions(7))
	m.WatchOutbox(outbox{n: 3, oldest: time.Now().Add(-time.Minute)})
	m.Update("text", "handled", 120*time.Millisecond)
	m.Update("button", "handled", 30*time.Millisecond)
	m.Update("command", "duplicate", time.Millisecond)
	m.APICall("sendMessage", 429)
	m.APICall("getUpdates", -1)
	m.APICall("sendMessage", 0)
	m.Sweep(4, nil)
	m.Sweep(0, errors.New("disk"))

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, rec.Body)
	}
	value := func(name string, labels map[string]string) float64 {
		t.Helper()
		f, ok := fams[name]
		if !ok {
			t.Fatalf("no metric %s", name)
		}
	next:
		for _, mt := range f.GetMetric() {
			for _, l := range mt.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue next
				}
			}
			switch {
			case mt.Counter != nil:
				return mt.Counter.GetValue()
			case mt.Gauge != nil:
				return mt.Gauge.GetValue()
			case mt.Histogram != nil:
				return float64(mt.Histogram.GetSampleCount())
			}
		}
		t.Fatalf("no %s with labels %v", name, labels)
		return 0
	}
	tests := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"frontdoor_updates_total", map[string]string{"kind": "text", "outcome": "handled"}, 1},
		{"frontdoor_updates_total", map[string]string{"kind": "command", "outcome": "duplicate"}, 1},
		{"frontdoor_reply_seconds", nil, 2},
		{"frontdoor_telegram_errors_total", map[string]string{"method": "sendMessage", "code": "429"}, 1},
		{"frontdoor_telegram_errors_total", map[string]string{"method": "getUpdates", "code": "-1"}, 1},
		{"frontdoor_sweeper_runs_total", map[string]string{"result": "ok"}, 1},
		{"frontdoor_sweeper_runs_total", map[string]string{"result": "error"}, 1},
		{"frontdoor_sessions_swept_total", nil, 4},
		{"frontdoor_sessions", nil, 7},
		{"frontdoor_outbox_backlog", nil, 3},
		{"frontdoor_build_info", map[string]string{"version": "v0.2.0", "revision": "0123456789abcdef", "goversion": "go1.26.8"}, 1},
	}
	for _, tc := range tests {
		if got := value(tc.name, tc.labels); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	if age := value("frontdoor_outbox_oldest_age_seconds", nil); age < 59 || age > 120 {
		t.Errorf("outbox oldest age = %v s, want about 60", age)
	}
	if ts := value("frontdoor_telegram_last_success_timestamp_seconds", nil); time.Since(time.Unix(int64(ts), 0)) > time.Minute {
		t.Errorf("last success = %v, want now", ts)
	}
	// Labels are fixed words and codes only: every label value of ours is
	// short and made of letters, digits and signs.
	for name, f := range fams {
		if !strings.HasPrefix(name, "frontdoor_") || name == "frontdoor_build_info" {
			continue // the build's labels are the program's, checked above
		}
		for _, mt := range f.GetMetric() {
			for _, l := range mt.GetLabel() {
				if !fixedWord.MatchString(l.GetValue()) {
					t.Errorf("%s has label %s=%q", name, l.GetName(), l.GetValue())
				}
			}
		}
	}
}

func TestHealth(t *testing.T) {
	tests := []struct {
		name     string
		health   ops.Health
		code     int
		status   string
		backlog  *int
		telegram bool
	}{
		{"store ok, no outbox, no telegram", ops.Health{Store: checker{}}, 200, "ok", nil, false},
		{"store failing", ops.Health{Store: checker{errors.New("closed")}}, 503, "failing", nil, false},
		{"telegram refused the token", ops.Health{Store: checker{}, Ready: func() error { return ops.ErrNotReady }}, 503, "failing", nil, false},
		{"telegram ready", ops.Health{Store: checker{}, Ready: func() error { return nil }}, 200, "ok", nil, false},
		{"outbox and telegram", ops.Health{
			Store:          checker{},
			LastTelegramOK: func() time.Time { return time.Now().Add(-3 * time.Second) },
			Outbox:         outbox{n: 2, oldest: time.Now().Add(-time.Hour)},
		}, 200, "ok", new(int), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			ops.Mux(tc.health, ops.NewMetrics(ops.Build{})).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
			if rec.Code != tc.code {
				t.Errorf("status %d, want %d", rec.Code, tc.code)
			}
			var rep ops.HealthReport
			if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			if rep.Status != tc.status {
				t.Errorf("status %q, want %q", rep.Status, tc.status)
			}
			if (rep.OutboxBacklog != nil) != (tc.backlog != nil) {
				t.Errorf("outbox backlog %v, want present=%v", rep.OutboxBacklog, tc.backlog != nil)
			}
			if rep.OutboxBacklog != nil && (*rep.OutboxBacklog != 2 || *rep.OutboxOldestSeconds != 3600) {
				t.Errorf("outbox %d, %v s; want 2, 3600", *rep.OutboxBacklog, *rep.OutboxOldestSeconds)
			}
			if (rep.TelegramLastOK != "") != tc.telegram {
				t.Errorf("telegram last ok %q, want present=%v", rep.TelegramLastOK, tc.telegram)
			}
		})
	}
}

// A command run through the control socket reads and writes the caller's
// files and streams; a file whose writing failed is not kept.
func TestControlSocket(t *testing.T) {
	sock := filepath.Join(t.TempDir(), ops.SocketName)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	run := func(ctx context.Context, args []string, io ops.Stdio) int {
		in, err := io.ReadFile(args[0])
		if err != nil {
			fmt.Fprintf(io.Stderr, "read: %v\n", err)
			return 1
		}
		fmt.Fprintf(io.Stdout, "read %d bytes\n", len(in))
		err = io.WriteFile(args[1], 0o600, func(w stdio.Writer) error {
			for range 40 { // more than one frame
				if _, err := w.Write(bytes.Repeat(in, 1000)); err != nil {
					return err
				}
			}
			if len(args) > 2 {
				return errors.New("disk full")
			}
			return nil
		})
		if err != nil {
			fmt.Fprintf(io.Stderr, "write: %v\n", err)
			return 3
		}
		return 0
	}
	go func() { done <- ops.ServeControl(ctx, sock, run, slog.New(slog.DiscardHandler)) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServeControl: %v", err)
		}
	}()
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.WriteFile(in, []byte("sealed"), 0o600)
	files := map[string][]byte{}
	var stdout, stderr bytes.Buffer
	local := ops.Stdio{Stdout: &stdout, Stderr: &stderr, ReadFile: os.ReadFile,
		WriteFile: func(name string, perm os.FileMode, write func(stdio.Writer) error) error {
			var b bytes.Buffer
			if err := write(&b); err != nil {
				return err
			}
			files[name] = b.Bytes()
			return nil
		}}
	var code int
	var err error
	for range 100 { // the socket appears once ServeControl listens
		if code, err = ops.Call(ctx, sock, []string{in, "out"}, local); !errors.Is(err, ops.ErrNoBot) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil || code != 0 || stdout.String() != "read 6 bytes\n" || len(files["out"]) != 6*1000*40 {
		t.Fatalf("Call: %d %v, stdout %q stderr %q, %d bytes written", code, err, stdout.String(), stderr.String(), len(files["out"]))
	}
	stderr.Reset()
	code, err = ops.Call(ctx, sock, []string{in, "failed", "fail"}, local)
	if _, kept := files["failed"]; err != nil || code != 3 || kept || !strings.Contains(stderr.String(), "disk full") {
		t.Errorf("failing write: %d %v, kept %v, stderr %q", code, err, kept, stderr.String())
	}
	stderr.Reset()
	code, err = ops.Call(ctx, sock, []string{filepath.Join(dir, "missing"), "x"}, local)
	if err != nil || code != 1 || !strings.Contains(stderr.String(), "no such file") {
		t.Errorf("missing file: %d %v %q", code, err, stderr.String())
	}
	if fi, err := os.Stat(sock); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode: %v %v, want 0600", fi, err)
	}
	if _, err := ops.Call(ctx, filepath.Join(dir, "nobot.sock"), []string{"x"}, local); !errors.Is(err, ops.ErrNoBot) {
		t.Errorf("no bot: %v, want ErrNoBot", err)
	}
}

// scrape returns the metric families of one scrape.
func scrape(t *testing.T, m *ops.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(rec.Body.Bytes()))
	if err != nil || rec.Code != 200 {
		t.Fatalf("scrape: %d %v", rec.Code, err)
	}
	return fams
}

func gauge(fams map[string]*dto.MetricFamily, name string) (float64, bool) {
	f, ok := fams[name]
	if !ok || len(f.GetMetric()) == 0 {
		return 0, false
	}
	m := f.GetMetric()[0]
	if m.GetGauge() != nil {
		return m.GetGauge().GetValue(), true
	}
	return m.GetCounter().GetValue(), true
}

// The bot is not ready while Telegram refuses the token, nor when polling
// has failed for longer than the grace; a success makes it ready again.
func TestReady(t *testing.T) {
	m := ops.NewMetrics(ops.Build{})
	m.WatchReady(50 * time.Millisecond)
	if err := m.Ready(time.Minute); err != nil {
		t.Fatalf("new: %v", err)
	}
	m.APICall("getUpdates", 401)
	if err := m.Ready(time.Hour); !errors.Is(err, ops.ErrNotReady) || !strings.Contains(err.Error(), "token") {
		t.Errorf("token refused: %v", err)
	}
	if v, _ := gauge(scrape(t, m), "frontdoor_ready"); v != 0 {
		t.Errorf("frontdoor_ready = %v while the token is refused", v)
	}
	m.APICall("getUpdates", 0)
	if err := m.Ready(time.Hour); err != nil {
		t.Errorf("after a success: %v", err)
	}
	m.APICall("getUpdates", -1)
	m.APICall("getUpdates", 502)
	if err := m.Ready(time.Hour); err != nil {
		t.Errorf("polling failing for a moment: %v", err)
	}
	time.Sleep(60 * time.Millisecond)
	if err := m.Ready(50 * time.Millisecond); !errors.Is(err, ops.ErrNotReady) || !strings.Contains(err.Error(), "polling") {
		t.Errorf("polling failing for longer than the grace: %v", err)
	}
	m.APICall("sendMessage", 0) // another method's success says nothing of polling
	if err := m.Ready(50 * time.Millisecond); err == nil {
		t.Error("a send made polling look healthy")
	}
	m.APICall("getUpdates", 0)
	if v, _ := gauge(scrape(t, m), "frontdoor_ready"); v != 1 {
		t.Errorf("frontdoor_ready = %v after polling works again", v)
	}
}

type promiseReader struct {
	p   ops.Promise
	err error
}

func (p promiseReader) Promise(context.Context) (ops.Promise, error) { return p.p, p.err }

// A gauge whose store read fails is left out and the failure counted:
// never a -1 that reads as a fact.
func TestGaugesNeverMadeUp(t *testing.T) {
	m := ops.NewMetrics(ops.Build{})
	m.WatchOutbox(outbox{err: errors.New("disk")})
	m.WatchPromise(promiseReader{err: errors.New("disk")})
	m.WatchBackups(func() (time.Time, error) { return time.Time{}, errors.New("gone") })
	fams := scrape(t, m)
	for _, name := range []string{"frontdoor_outbox_backlog", "frontdoor_callbacks_open", "frontdoor_backup_last_success_timestamp_seconds"} {
		if v, ok := gauge(fams, name); ok {
			t.Errorf("%s = %v from a failed read", name, v)
		}
	}
	errs := 0.0
	for _, mt := range scrape(t, m)["frontdoor_scrape_errors_total"].GetMetric() {
		errs += mt.GetCounter().GetValue()
	}
	if errs < 3 { // the counter may be gathered before or after the reads of its scrape
		t.Errorf("scrape errors = %v, want 3 from the first scrape", errs)
	}
	for name, f := range fams {
		for _, mt := range f.GetMetric() {
			if mt.GetGauge() != nil && mt.GetGauge().GetValue() < 0 {
				t.Errorf("%s reports %v", name, mt.GetGauge().GetValue())
			}
		}
	}
}

// The promise's metrics: requests not taken and taken but not closed,
// with the age of the oldest; dropped updates and numbers; events.
func TestPromiseMetrics(t *testing.T) {
	m := ops.NewMetrics(ops.Build{})
	m.WatchPromise(promiseReader{p: ops.Promise{Open: 2, OldestOpen: time.Now().Add(-20 * time.Minute), Taken: 1, OldestTaken: time.Now().Add(-3 * time.Hour)}})
	m.WatchBackups(func() (time.Time, error) { return time.Unix(1_800_000_000, 0), nil })
	m.Update("text", "error", 0)
	m.Update("none", "undecodable", 0)
	m.Update("text", "handled", time.Millisecond)
	m.OutboxDropped("number")
	log := slog.New(m.CountEvents(slog.NewTextHandler(stdio.Discard, &slog.HandlerOptions{Level: slog.LevelError})))
	log.Info("callback tick", "event", "callback_no_on_call", "ticket", "K7")
	log.Info("update handled", "kind", "text")
	fams := scrape(t, m)
	for name, want := range map[string]float64{
		"frontdoor_callbacks_open": 2, "frontdoor_callbacks_taken": 1,
		"frontdoor_backup_last_success_timestamp_seconds": 1_800_000_000,
		"frontdoor_outbox_dropped_total":                  1,
		"frontdoor_events_total":                          1,
	} {
		if v, ok := gauge(fams, name); !ok || v != want {
			t.Errorf("%s = %v (%v), want %v", name, v, ok, want)
		}
	}
	if v, _ := gauge(fams, "frontdoor_callbacks_open_oldest_age_seconds"); v < 20*60 || v > 21*60 {
		t.Errorf("oldest open age = %v s, want about 1200", v)
	}
	if got := fams["frontdoor_events_total"].GetMetric()[0].GetLabel()[0].GetValue(); got != "callback_no_on_call" {
		t.Errorf("event label %q", got)
	}
	dropped := 0.0
	for _, mt := range fams["frontdoor_updates_dropped_total"].GetMetric() {
		dropped += mt.GetCounter().GetValue()
	}
	if dropped != 2 {
		t.Errorf("dropped updates = %v, want 2", dropped)
	}
}
