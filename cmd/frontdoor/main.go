// Command frontdoor runs the frontdoor bot: on Telegram, in a terminal
// (console), or as a tool on its directory. It only parses arguments and
// wires the packages together.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"frontdoor/bot"
	"frontdoor/bot/chart"
	"frontdoor/bot/ops"
	"frontdoor/config"
	"frontdoor/flows"
	"frontdoor/flows/dirfile"
	"frontdoor/flows/logattr"
	"frontdoor/locales"
	"frontdoor/store"
)

func main() {
	// The first SIGINT or SIGTERM stops taking updates and lets those in
	// flight finish; a second one exits at once.
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go onSignals(sigs, cancel, func() {
		fmt.Fprintln(os.Stderr, "frontdoor: second signal, exiting at once")
		os.Exit(130)
	})
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// onSignals calls stop at the first signal and exit at the second.
func onSignals(sigs <-chan os.Signal, stop, exit func()) {
	<-sigs
	stop()
	<-sigs
	exit()
}

const usage = `frontdoor — the discreet front door of a network of anti-violence centres, on Telegram.

Usage:
  frontdoor [OPTIONS] [COMMAND]
  frontdoor                           run the bot on Telegram (needs FRONTDOOR_TELEGRAM_TOKEN)
  frontdoor console                   try the same dialogues in this terminal, on the same data
  frontdoor directory export FILE     write the directory of centres to FILE ("-" for standard output)
  frontdoor directory import FILE     replace the directory with FILE, after checking all of it
                                      (with the bot stopped; while it runs, send the file to the bot)
  frontdoor directory check FILE      check FILE and say what importing it would do, changing nothing
  frontdoor config check              print the effective configuration, secrets masked
  frontdoor backup FILE               write a consistent copy of the store to FILE, also while the bot runs
  frontdoor restore FILE              replace the store with the backup FILE (stop the bot first)
  frontdoor poster [--bot NAME] [--lang LANG] [--title TEXT] NETWORK FILE.png
                                      a printable poster with a QR code that opens the bot on NETWORK
  frontdoor rekey                     seal everything under a new key (stop the bot first; see below)
  frontdoor operators add --centre ID --chat CHATID [--on-call]
                                      let a chat receive the centre's callback requests: an
                                      operators' group (negative id) or an operator's private chat
  frontdoor operators list            the chats that receive callback requests
  frontdoor operators remove --chat CHATID
  frontdoor audit [N]                 print the latest N (default 50) changes of the directory and the staff
  frontdoor stats [--from 2027-01] [--to 2027-06] [--csv] [--png FILE]
                                      anonymous monthly counters of ended months (default: the
                                      last 6); counts under 5 show as "<5", the others rounded
                                      to 5; --png also draws the callbacks requested and done
                                      per centre into FILE
  frontdoor loadtest [flags]          measure replies/s and latency under load, against a fake Bot API on
                                      127.0.0.1, next to an echo bot (-women, -sessions, -duration;
                                      -single-commit also measures one commit per write)
  frontdoor help                      this text

Options:
  --config FILE        a TOML file with the settings below, in lower case without FRONTDOOR_
                       (data = "/var/lib/frontdoor"); the environment overrides it
  --log-format FORMAT  auto (text on a terminal, JSON otherwise), text or json
  --log-level LEVEL    debug, info, warn or error

Environment:
  FRONTDOOR_TELEGRAM_TOKEN   the bot's token from @BotFather (or FRONTDOOR_TELEGRAM_TOKEN_FILE)
  FRONTDOOR_TELEGRAM_API     Bot API endpoint, default https://api.telegram.org/bot%s/%s
  FRONTDOOR_DATA             directory of the database and key file, default ./data
  FRONTDOOR_KEY              base64 of the 32-byte data key (or FRONTDOOR_KEY_FILE);
                             when unset, DATA/frontdoor.key is created at first start
  FRONTDOOR_ADMINS           comma-separated Telegram user ids of the first admins
  FRONTDOOR_SESSION_TTL      how long an idle conversation is remembered, default 24h
  FRONTDOOR_CONFIG           the configuration file, like --config
  FRONTDOOR_WEBHOOK_URL      the https URL Telegram posts updates to; unset means long polling
  FRONTDOOR_LISTEN           where the webhook server listens, default 127.0.0.1:8443
  FRONTDOOR_WEBHOOK_SECRET   the webhook's secret token, at least 32 characters (or _FILE), default random at every start
  FRONTDOOR_HTTP             address of /healthz and /metrics, default 127.0.0.1:9090, "off" for none
  FRONTDOOR_LOG_FORMAT       auto, text or json, like --log-format
  FRONTDOOR_LOG_LEVEL        debug, info, warn or error, like --log-level
  FRONTDOOR_BACKUP_DIR       a folder for periodic backups; unset means none
  FRONTDOOR_BACKUP_EVERY     how often, default 24h
  FRONTDOOR_BACKUP_KEEP      how many backups to keep, default 7
  FRONTDOOR_CALLBACK_ESCALATE   how long a callback request waits untaken before it is
                                re-announced, then passed to the on-call operators; default 15m
  FRONTDOOR_CALLBACK_RETENTION  the longest a callback request is kept, default 168h (7 days)
  FRONTDOOR_NEW_KEY          for rekey when FRONTDOOR_KEY is set: the new key (or FRONTDOOR_NEW_KEY_FILE)

Key rotation (frontdoor rekey):
  With the key file, rekey makes a new key in DATA/frontdoor.key.new, seals every record under it
  in one transaction, then installs it as DATA/frontdoor.key and keeps the old one as
  DATA/frontdoor.key.previous (keep that as long as backups made before the rekey, then delete it).
  If it is interrupted, run it again. With FRONTDOOR_KEY, give the new key in FRONTDOOR_NEW_KEY;
  afterwards set FRONTDOOR_KEY to it.
`

const noToken = `frontdoor is not connected to Telegram yet: FRONTDOOR_TELEGRAM_TOKEN is not set.

To get a token, open Telegram, write to @BotFather, send /newbot and follow its questions;
choose a neutral name and picture (a phone that someone else picks up should not give her away).
Then start the bot with:
  FRONTDOOR_TELEGRAM_TOKEN=<the token> go run ./cmd/frontdoor

To try the dialogues right now, without Telegram:
  go run ./cmd/frontdoor console
`

// run is main without the process: tests call it with their own arguments,
// environment and streams. It returns the exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	args, getenv, err := globalOptions(args, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "frontdoor: %v\n", err)
		return 2
	}
	cmd := ""
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "help", "-h", "-help", "--help":
		io.WriteString(stdout, usage)
		return 0
	case "loadtest":
		return loadtestCmd(ctx, args[1:], stdout, stderr)
	case "", "console", "directory", "audit", "operators", "loadtest-echo-bot", loadSingleCommitBot, "rekey", "config", "backup", "restore", "poster", "stats":
	default:
		fmt.Fprintf(stderr, "frontdoor: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "frontdoor: configuration: %v\n", err)
		return 2
	}
	switch cmd {
	case "config":
		return configCmd(cfg, args[1:], stdout, stderr)
	case "backup":
		return backupCmd(ctx, cfg, args[1:], stdout, stderr)
	case "restore":
		return restoreCmd(cfg, args[1:], stdout, stderr)
	case "poster":
		return posterCmd(ctx, cfg, args[1:], stdout, stderr)
	case "directory":
		return directoryCmd(ctx, cfg, args[1:], stdout, stderr)
	case "rekey":
		return rekeyCmd(cfg, stdout, stderr)
	case "operators":
		return operatorsCmd(ctx, cfg, args[1:], stdout, stderr)
	case "audit":
		return auditCmd(ctx, cfg, args[1:], stdout, stderr)
	case "stats":
		return statsCmd(ctx, cfg, args[1:], stdout, stderr)
	case "loadtest-echo-bot":
		if err := echoBot(ctx, cfg); err != nil {
			fmt.Fprintf(stderr, "frontdoor: %v\n", err)
			return 1
		}
		return 0
	case "", loadSingleCommitBot:
		if cfg.Token == "" {
			fmt.Fprint(stderr, noToken)
			return 2
		}
	}
	log := newLogger(cfg, cmd, stderr)
	if err := serve(ctx, cmd, cfg, log, stdin, stdout); err != nil {
		fmt.Fprintf(stderr, "frontdoor: %v\n", err)
		return 1
	}
	return 0
}

// serve opens the store and runs the bot or the console until ctx ends.
func serve(ctx context.Context, cmd string, cfg config.Config, log *slog.Logger, stdin io.Reader, stdout io.Writer) error {
	metrics := ops.NewMetrics()
	db, err := openStore(cfg, store.Options{OnSweep: metrics.Sweep, SingleCommit: cmd == loadSingleCommitBot})
	if err != nil {
		return err
	}
	defer db.Close()
	dir, err := loadDirectory(ctx, db)
	if err != nil {
		return err
	}
	cat, err := locales.New()
	if err != nil {
		return err
	}
	opts := flows.Options{
		Langs: cat.Langs(), SessionTTL: cfg.SessionTTL, Log: log,
		Staff: db, Directory: db, Admins: cfg.Admins, Codec: dirfile.Codec{}, Stats: db, Chart: chart.Callbacks{},
	}
	if cfg.BackupDir != "" {
		// The oldest backup kept is this old, and holds what was deleted since.
		opts.BackupAge = cfg.BackupEvery * time.Duration(cfg.BackupKeep)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go db.RunSweeper(ctx, 10*time.Minute, log)
	renderer := bot.NewRenderer(cat)
	if cmd == "console" {
		// No callbacks in the console: a request tried there would reach
		// real operators.
		svc := flows.NewService(db, dir, opts)
		c := &bot.Console{Handler: svc, Renderer: renderer, In: stdin, Out: stdout, Lang: flows.DefaultLang}
		return c.Run(ctx)
	}
	opts.Callbacks, opts.CallbackEscalate, opts.CallbackRetention = db, cfg.CallbackEscalate, cfg.CallbackRetention
	svc := flows.NewService(db, dir, opts)
	tg, err := bot.NewTelegram(ctx, bot.TelegramConfig{Token: cfg.Token, Endpoint: cfg.API, Handler: svc, Renderer: renderer, Log: log, Menu: cat,
		Trail: db, Wiper: svc, Observer: metrics})
	if err != nil {
		return err
	}
	svc.SetBotUsername(tg.Username())
	outboxDone := make(chan struct{})
	go func() { defer close(outboxDone); tg.RunOutbox(ctx, db, time.Second) }()
	go svc.RunCallbackTicker(ctx, time.Minute)
	stopOps := startOps(ctx, cfg, db, metrics, log)
	defer stopOps()
	mode := "polling"
	if cfg.WebhookURL != "" {
		mode = "webhook"
	}
	log.LogAttrs(ctx, slog.LevelInfo, "bot started", logattr.Event("start"), logattr.Mode(mode), logattr.Count("centres", len(dir.Centres(""))), logattr.Flag("sample", dir.Sample()))
	if mode == "webhook" {
		err = tg.RunWebhook(ctx, bot.WebhookConfig{URL: cfg.WebhookURL, Listen: cfg.Listen, Secret: cfg.WebhookSecret})
	} else {
		err = tg.Run(ctx)
	}
	// The updates in flight are done: one last attempt at what they queued.
	cancel()
	<-outboxDone
	tg.FlushOutbox(ctx, db)
	return err
}

// openStore opens the bbolt file in the data directory with the data key.
func openStore(cfg config.Config, opts store.Options) (*store.DB, error) {
	key, err := store.LoadKey(cfg.DataDir, cfg.Key)
	if err != nil {
		return nil, err
	}
	return store.Open(storePath(cfg), key, opts)
}

// storePath is the bbolt file in the data directory.
func storePath(cfg config.Config) string { return filepath.Join(cfg.DataDir, "frontdoor.db") }

// loadDirectory returns the imported directory, or the sample one when
// nothing has been imported yet.
func loadDirectory(ctx context.Context, db *store.DB) (*flows.Directory, error) {
	data, found, err := db.Directory(ctx)
	if err != nil {
		return nil, err
	}
	if !found {
		data = dirfile.Sample()
	}
	dir, err := flows.NewDirectory(data)
	if err != nil {
		return nil, fmt.Errorf("the stored directory is not valid: %w", err)
	}
	return dir, nil
}

// directoryCmd exports, checks or imports the directory file.
func directoryCmd(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) int {
	if len(args) != 2 || (args[0] != "export" && args[0] != "import" && args[0] != "check") {
		fmt.Fprintf(stderr, "frontdoor: usage: frontdoor directory export|import|check FILE\n")
		return 2
	}
	verb, file := args[0], args[1]
	if verb == "check" || verb == "import" {
		data, err := readDirectoryFile(file)
		if err != nil {
			fmt.Fprintf(stderr, "frontdoor: %s is not a valid directory:\n%v\n", file, err)
			return 1
		}
		summary := fmt.Sprintf("%d networks, %d centres", len(data.Networks), len(data.Centres))
		if data.Sample {
			summary += " (marked as sample data)"
		}
		// Compare with the current directory; import then saves the file and
		// records each change in the audit trail, check stops there.
		var changes []flows.DirectoryChange
		err = withStore(cfg, func(db *store.DB) error {
			cur, err := loadDirectory(ctx, db)
			if err != nil {
				return err
			}
			changes = flows.DiffDirectories(cur.Data(), data)
			if verb == "check" {
				return nil
			}
			if err := db.SaveDirectory(ctx, data); err != nil {
				return err
			}
			for _, c := range changes {
				if err := db.AppendAudit(ctx, flows.ImportAudit(c, time.Now(), "cli")); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			fmt.Fprintf(stderr, "frontdoor: %v\n", err)
			return 1
		}
		if verb == "check" {
			fmt.Fprintf(stdout, "%s is valid: importing it would replace the directory with %s.\n", file, summary)
		} else {
			fmt.Fprintf(stdout, "Imported %s.\n", summary)
		}
		if len(changes) == 0 {
			fmt.Fprintln(stdout, "No differences from the current directory.")
		}
		for _, c := range changes {
			fmt.Fprintln(stdout, c)
		}
		return 0
	}
	var dir *flows.Directory
	err := withStore(cfg, func(db *store.DB) (err error) {
		dir, err = loadDirectory(ctx, db)
		return err
	})
	if err == nil {
		err = writeDirectoryFile(file, dir.Data(), stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "frontdoor: %v\n", err)
		return 1
	}
	return 0
}

func withStore(cfg config.Config, f func(*store.DB) error) error {
	db, err := openStore(cfg, store.Options{})
	if err != nil {
		return err
	}
	return errors.Join(f(db), db.Close())
}

func readDirectoryFile(path string) (flows.DirectoryData, error) {
	f, err := os.Open(path)
	if err != nil {
		return flows.DirectoryData{}, err
	}
	defer f.Close()
	return dirfile.Decode(f)
}

func writeDirectoryFile(path string, d flows.DirectoryData, stdout io.Writer) error {
	if path == "-" {
		return dirfile.Encode(stdout, d)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("export directory: %w", err)
	}
	if err := dirfile.Encode(f, d); err != nil {
		f.Close()
		return fmt.Errorf("export directory %s: %w", path, err)
	}
	return f.Close()
}

// auditCmd prints the latest changes, newest first, one a line.
func auditCmd(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) int {
	n := 50
	if len(args) > 1 {
		fmt.Fprintln(stderr, "frontdoor: usage: frontdoor audit [N]")
		return 2
	}
	if len(args) == 1 {
		v, err := strconv.Atoi(args[0])
		if err != nil || v < 1 {
			fmt.Fprintf(stderr, "frontdoor: audit: %q is not a number of entries\n", args[0])
			return 2
		}
		n = v
	}
	var entries []flows.AuditEntry
	err := withStore(cfg, func(db *store.DB) (err error) {
		entries, err = db.Audit(ctx, "", n)
		return err
	})
	if err != nil {
		fmt.Fprintf(stderr, "frontdoor: %v\n", err)
		return 1
	}
	for _, e := range entries {
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\t%s\t%s → %s\n", e.At.In(flows.Rome).Format("2006-01-02 15:04"), e.Who, e.Network, e.Subject, e.Field, e.Before, e.After)
	}
	if len(entries) == 0 {
		fmt.Fprintln(stdout, "No changes recorded.")
	}
	return 0
}
