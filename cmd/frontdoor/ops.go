package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"frontdoor/bot/ops"
	"frontdoor/config"
	"frontdoor/flows/logattr"
	"frontdoor/store"
)

// globalOptions takes --config, --log-format and --log-level from the front
// of args and returns the rest with a getenv that sees them: options over
// the environment over the configuration file.
func globalOptions(args []string, getenv func(string) string) ([]string, func(string) string, error) {
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
				return nil, nil, fmt.Errorf("%s needs a value", name)
			}
			value, args = args[0], args[1:]
		}
		flags[env] = value
	}
	path, ok := flags[config.EnvConfig]
	if !ok {
		path = getenv(config.EnvConfig)
	}
	rest := getenv
	if path = strings.TrimSpace(path); path != "" {
		fromFile, err := config.WithFile(getenv, path)
		if err != nil {
			return nil, nil, err
		}
		rest = fromFile
	}
	return args, func(name string) string {
		if v, ok := flags[name]; ok {
			return v
		}
		return rest(name)
	}, nil
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
// /metrics, the control socket for hot backups and the periodic backups.
// They outlive ctx so that health and backups keep answering while the bot
// finishes its updates; the returned function stops them and waits. None
// of them can stop the bot: a failure is logged and the bot goes on
// serving.
func startOps(ctx context.Context, cfg config.Config, db *store.DB, metrics *ops.Metrics, log *slog.Logger) (stop func()) {
	octx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	metrics.WatchSessions(db)
	outbox := &outboxAge{db: db}
	metrics.WatchOutbox(outbox)
	if cfg.HTTP != "" {
		ln, err := net.Listen("tcp", cfg.HTTP)
		if err != nil {
			log.LogAttrs(ctx, slog.LevelError, "health and metrics listener failed", logattr.Event("ops_listen_failed"), logattr.Err(err))
		} else {
			srv := &http.Server{
				Handler:           ops.Mux(ops.Health{Store: db, LastTelegramOK: metrics.LastTelegramOK, Outbox: outbox}, metrics),
				ReadHeaderTimeout: 10 * time.Second,
			}
			wg.Go(func() { _ = srv.Serve(ln) })
			wg.Go(func() { <-octx.Done(); _ = srv.Close() })
			log.LogAttrs(ctx, slog.LevelInfo, "health and metrics listening", logattr.Event("ops_listen"), logattr.Addr(ln.Addr().String()))
		}
	}
	wg.Go(func() {
		if err := ops.ServeControl(octx, filepath.Join(cfg.DataDir, ops.SocketName), db, log); err != nil {
			log.LogAttrs(ctx, slog.LevelError, "control socket failed: frontdoor backup cannot reach this bot", logattr.Event("control_failed"), logattr.Err(err))
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

func configCmd(cfg config.Config, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] != "check" {
		fmt.Fprintln(stderr, "frontdoor: usage: frontdoor config check")
		return 2
	}
	fmt.Fprintln(stdout, "The configuration is valid. Effective settings (environment over file over defaults):")
	if err := cfg.Print(stdout); err != nil {
		return 1
	}
	return 0
}

// backupCmd copies the store to a file. When a bot runs on the store it
// holds the file's lock, so the copy is asked of it on its control socket;
// either way the copy is checked to open with the key before it is kept.
func backupCmd(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "frontdoor: usage: frontdoor backup FILE")
		return 2
	}
	file := args[0]
	key, err := store.LoadKey(cfg.DataDir, cfg.Key)
	if err == nil {
		err = backup(ctx, cfg, key, file)
	}
	if err != nil {
		fmt.Fprintf(stderr, "frontdoor: backup: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Backup written to %s. It opens only with this store's key: keep the key (FRONTDOOR_KEY or %s) safe and apart from it.\n",
		file, filepath.Join(cfg.DataDir, store.KeyFile))
	return 0
}

func backup(ctx context.Context, cfg config.Config, key []byte, file string) error {
	db, err := store.Open(storePath(cfg), key, store.Options{})
	switch {
	case err == nil:
		return errors.Join(db.BackupFile(ctx, file), db.Close())
	case !errors.Is(err, store.ErrLocked):
		return err
	}
	// A bot runs: ask it, into a temporary file checked before it is kept.
	tmp := file + ".partial"
	err = store.WriteFileAtomic(tmp, func(w io.Writer) error {
		_, err := ops.FetchBackup(ctx, filepath.Join(cfg.DataDir, ops.SocketName), w)
		return err
	})
	if err == nil {
		var check *store.DB
		if check, err = store.Open(tmp, key, store.Options{}); err == nil {
			err = check.Close()
		}
	}
	if err == nil {
		err = os.Rename(tmp, file)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

func restoreCmd(cfg config.Config, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "frontdoor: usage: frontdoor restore FILE")
		return 2
	}
	key, err := store.LoadKey(cfg.DataDir, cfg.Key)
	if err == nil {
		err = store.Restore(storePath(cfg), args[0], key)
	}
	if err != nil {
		fmt.Fprintf(stderr, "frontdoor: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Restored %s from %s; the previous file is kept as %s.before-restore.\n", storePath(cfg), args[0], storePath(cfg))
	return 0
}
