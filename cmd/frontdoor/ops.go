package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"frontdoor/bot/ops"
	"frontdoor/config"
	"frontdoor/flows/logattr"
	"frontdoor/store"
)

// globalOptions takes --config, --log-format and --log-level from the front
// of args and returns the rest, a getenv that sees the options over the
// environment, and the configuration file to read under both (see
// cli.config: read only by a command that needs it, so that --help works
// even when the file is broken).
func globalOptions(args []string, getenv func(string) string) ([]string, func(string) string, string, error) {
	flags := map[string]string{}
	names := map[string]string{"--config": config.EnvConfig, "--log-format": config.EnvLogFormat, "--log-level": config.EnvLogLevel}
	for len(args) > 0 && strings.HasPrefix(args[0], "--") {
		name, value, hasValue := strings.Cut(args[0], "=")
		env, ok := names[name]
		if !ok {
			break // --help and the like are commands
		}
		args = args[1:]
		if !hasValue {
			if len(args) == 0 {
				return nil, nil, "", fmt.Errorf("%s needs a value", name)
			}
			value, args = args[0], args[1:]
		}
		flags[env] = value
	}
	path, ok := flags[config.EnvConfig]
	if !ok {
		path = getenv(config.EnvConfig)
	}
	return args, func(name string) string {
		if v, ok := flags[name]; ok {
			return v
		}
		return getenv(name)
	}, strings.TrimSpace(path), nil
}

// newLogger logs to stderr: text on a terminal, JSON otherwise, unless the
// configuration says which. The console logs only problems: the terminal
// is hers.
func newLogger(cfg config.Config, cmd string, stderr io.Writer) *slog.Logger {
	level := cfg.LogLevel
	if cmd == "console" {
		level = max(level, slog.LevelWarn)
	}
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.LogFormat
	if format == "auto" {
		format = "json"
		if f, ok := stderr.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(stderr, opts))
}

// startOps starts, beside the bot, the loopback listener of /healthz and
// /metrics, the control socket for admin commands and the periodic backups.
// They outlive ctx so that health and backups keep answering while the bot
// finishes its updates; the returned function stops them and waits. None
// of them can stop the bot: a failure is logged and the bot goes on
// serving.
func startOps(ctx context.Context, cfg config.Config, db *store.DB, metrics *ops.Metrics, control ops.Runner, log *slog.Logger) (stop func()) {
	octx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	metrics.WatchSessions(db)
	outbox := &outboxAge{db: db}
	metrics.WatchOutbox(outbox)
	metrics.WatchPromise(promise{db})
	metrics.WatchReady(pollGrace)
	if cfg.BackupDir != "" {
		metrics.WatchBackups(func() (time.Time, error) { return store.LastBackup(cfg.BackupDir) })
	}
	if cfg.HTTP != "" {
		ln, err := net.Listen("tcp", cfg.HTTP)
		if err != nil {
			log.LogAttrs(ctx, slog.LevelError, "health and metrics listener failed", logattr.Event("ops_listen_failed"), logattr.Err(err))
		} else {
			srv := &http.Server{
				Handler: ops.Mux(ops.Health{Store: db, LastTelegramOK: metrics.LastTelegramOK, Outbox: outbox,
					Ready: func() error { return metrics.Ready(pollGrace) }}, metrics),
				ReadHeaderTimeout: 10 * time.Second,
			}
			wg.Go(func() { _ = srv.Serve(ln) })
			wg.Go(func() { <-octx.Done(); _ = srv.Close() })
			log.LogAttrs(ctx, slog.LevelInfo, "health and metrics listening", logattr.Event("ops_listen"), logattr.Addr(ln.Addr().String()))
		}
	}
	wg.Go(func() {
		if err := ops.ServeControl(octx, socketPath(cfg), control, log); err != nil {
			log.LogAttrs(ctx, slog.LevelError, "control socket failed: admin commands cannot reach this bot", logattr.Event("control_failed"), logattr.Err(err))
		}
	})
	if cfg.BackupDir != "" {
		wg.Go(func() { db.RunBackups(octx, cfg.BackupDir, cfg.BackupEvery, cfg.BackupKeep, log) })
	}
	return func() {
		cancel()
		wg.Wait()
	}
}

// pollGrace is how long polling Telegram may fail before the bot reports
// itself not ready: longer than the short outages that the poll loop rides
// out by itself.
const pollGrace = 3 * time.Minute

// promise reads the callback requests' state for the metrics.
type promise struct{ db *store.DB }

// Promise implements ops.PromiseReader.
func (p promise) Promise(ctx context.Context) (ops.Promise, error) {
	cbs, err := p.db.Callbacks(ctx)
	if err != nil {
		return ops.Promise{}, err
	}
	var s ops.Promise
	older := func(t, than time.Time) bool { return than.IsZero() || t.Before(than) }
	for _, cb := range cbs {
		if cb.TakenBy == 0 {
			s.Open++
			if older(cb.Created, s.OldestOpen) {
				s.OldestOpen = cb.Created
			}
		} else {
			s.Taken++
			if older(cb.Created, s.OldestTaken) {
				s.OldestTaken = cb.Created
			}
		}
	}
	return s, nil
}

// outboxAge gives the outbox's backlog the age of its oldest message. The
// store keeps no time per message, so the age counts from when this
// process first saw that message at the head of the queue: exact while the
// bot runs, a lower bound just after a restart.
type outboxAge struct {
	db    *store.DB
	mu    sync.Mutex
	head  uint64
	since time.Time
}

// Backlog implements ops.Outbox.
func (o *outboxAge) Backlog(ctx context.Context) (int, time.Time, error) {
	n, head, err := o.db.OutboxBacklog(ctx)
	if err != nil || n == 0 {
		return n, time.Time{}, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if head != o.head {
		o.head, o.since = head, time.Now()
	}
	return n, o.since, nil
}

var configSpec = cmdSpec{usage: "frontdoor [--config FILE] config check", args: exactly(1),
	help: "Checks the configuration (file, environment, options) and prints the effective settings, secrets masked."}

func configCmd(c *cli, args []string) int {
	pos, cfg, ok := c.begin(configSpec, args)
	if !ok {
		return c.code
	}
	if pos[0] != "check" {
		fmt.Fprintf(c.stderr, "frontdoor: usage: %s\n", configSpec.usage)
		return 2
	}
	fmt.Fprintln(c.stdout, "The configuration is valid. Effective settings (environment over file over defaults):")
	if err := cfg.Print(c.stdout); err != nil {
		return 1
	}
	return 0
}
