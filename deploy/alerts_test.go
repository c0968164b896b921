// Package deploy holds the files of an installation (systemd unit,
// container image, alert rules) and the tests that check them.
package deploy_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"frontdoor/bot/ops"
)

// TestAlertRulesNameRealMetrics: every frontdoor metric an alert reads is
// one the bot exports, so that a renamed metric cannot silence an alert.
func TestAlertRulesNameRealMetrics(t *testing.T) {
	rules, err := os.ReadFile("frontdoor-alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	m := ops.NewMetrics(ops.Build{Version: "v0"})
	m.WatchReady(time.Minute)
	m.WatchOutbox(backlog{})
	m.WatchPromise(promise{})
	m.WatchBackups(func() (time.Time, error) { return time.Now(), nil })
	m.Update("text", "error", 0)
	m.OutboxDropped("number")
	m.WatchSessions(failing{})
	slog.New(m.CountEvents(slog.DiscardHandler)).Info("tick", "event", "callback_no_on_call")
	exported := map[string]bool{}
	for range 2 { // the scrape errors counter shows from the second scrape
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		for _, name := range regexp.MustCompile(`(?m)^(frontdoor_[a-z_]+)`).FindAllString(rec.Body.String(), -1) {
			exported[name] = true
		}
	}
	used := regexp.MustCompile(`frontdoor_[a-z_]+`).FindAllString(string(bytes.ReplaceAll(rules, []byte("frontdoor-alerts"), nil)), -1)
	if len(used) < 10 {
		t.Fatalf("the rules read only %d metrics", len(used))
	}
	for _, name := range used {
		if !exported[name] {
			t.Errorf("an alert reads %s, which the bot does not export", name)
		}
	}
}

// TestAlertRules checks the rules with promtool, and runs their cases
// (frontdoor-alerts.test.yml), when promtool is installed (Debian's
// prometheus package; .ci/run installs it).
func TestAlertRules(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed (apt-get install prometheus): the alert rules are not checked")
	}
	for _, args := range [][]string{{"check", "rules", "frontdoor-alerts.yml"}, {"test", "rules", "frontdoor-alerts.test.yml"}} {
		if out, err := exec.Command(promtool, args...).CombinedOutput(); err != nil {
			t.Errorf("promtool %v: %v\n%s", args, err, out)
		}
	}
}

type backlog struct{}

func (backlog) Backlog(context.Context) (int, time.Time, error) { return 1, time.Now(), nil }

type promise struct{}

func (promise) Promise(context.Context) (ops.Promise, error) { return ops.Promise{Open: 1}, nil }

type failing struct{}

func (failing) SessionCount(context.Context) (int, error) { return 0, errors.New("disk") }
