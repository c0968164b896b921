package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"frontdoor/bot"
	"frontdoor/bot/chart"
	"frontdoor/bot/ops"
	"frontdoor/config"
	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
	"frontdoor/flows/logattr"
	"frontdoor/locales"
	"frontdoor/store"
)

// lexicon hands the word lists kept beside the message files to the
// dialogues, which read her words with them.
func lexicon() (*flows.Lexicon, error) {
	lists, err := locales.WordLists()
	if err != nil {
		return nil, err
	}
	words := make(map[string]flows.Words, len(lists))
	for lang, w := range lists {
		words[lang] = flows.Words(w)
	}
	return flows.NewLexicon(words)
}

// serve opens the store and runs the bot or the console until ctx ends.
func serve(ctx context.Context, cmd string, cfg config.Config, log *slog.Logger, stdin io.Reader, stdout io.Writer) error {
	metrics := ops.NewMetrics(readVersion())
	log = slog.New(metrics.CountEvents(log.Handler()))
	db, err := createStore(ctx, cfg, log, store.Options{OnSweep: metrics.Sweep, SingleCommit: cmd == loadSingleCommitBot})
	if err != nil {
		if cmd == "web" {
			return lockedForWeb(err)
		}
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
	lex, err := lexicon()
	if err != nil {
		return err
	}
	// The gazetteer is indexed at its first use (tens of ms): do it now,
	// beside the start, rather than in her first search.
	go directory.Italy()
	opts := flows.Options{
		Langs: cat.Langs(), SessionTTL: cfg.SessionTTL, Log: log, Lexicon: lex,
		Staff: db, Directory: db, Admins: cfg.Admins, Codec: dirfile.Codec{Comments: fileComments(cat)}, Stats: db, Chart: chart.Callbacks{},
	}
	if cfg.BackupDir != "" {
		opts.Backups = cfg.BackupEvery * time.Duration(cfg.BackupKeep)
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
	// Callbacks only where Telegram runs: operators get requests there.
	telegram := cmd != "web" && cfg.Token != ""
	if telegram {
		opts.Callbacks, opts.CallbackEscalate, opts.CallbackRetention = db, cfg.CallbackEscalate, cfg.CallbackRetention
		opts.CallbackCloseWithin = cfg.CallbackCloseWithin
	}
	svc := flows.NewService(db, dir, opts)
	// One pseudonym per chat in every line of a run, whichever door logs.
	refs := bot.NewChatRefs()
	door, webLn, err := startWebDoor(cmd, cfg, db, svc, renderer, cat, log, refs)
	if err != nil {
		return err
	}
	if webLn != nil {
		defer webLn.Close()
	}
	var tg *bot.Telegram
	if telegram {
		tg, err = bot.NewTelegram(ctx, bot.TelegramConfig{Token: cfg.Token, Endpoint: cfg.API, Handler: svc, Renderer: renderer, Log: log, Refs: refs,
			Menu: cat, Trail: db, Wiper: svc, Observer: metrics})
		if err != nil {
			return err
		}
		svc.SetBotUsername(tg.Username())
	}
	stopOps := startOps(ctx, cfg, db, metrics, controlRunner(cfg, db, svc, log), log)
	defer stopOps()
	mode := "polling"
	switch {
	case !telegram:
		mode = "web"
	case cfg.WebhookURL != "":
		mode = "webhook"
	}
	log.LogAttrs(ctx, slog.LevelInfo, "bot started", logattr.Event("start"), logattr.Version(readVersion().String()), logattr.Mode(mode),
		logattr.Flag("web", door != nil), logattr.Count("centres", len(dir.Centres(""))), logattr.Flag("sample", dir.Sample()))
	// The doors run side by side; the first to fail stops the others.
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	if door != nil {
		wg.Go(func() {
			if err := door.Run(ctx, webLn); err != nil {
				errs <- err
				cancel()
			}
		})
	}
	if tg == nil {
		wg.Wait()
		close(errs)
		return <-errs
	}
	// The outbox goes to the door of each chat: Telegram sends, the web
	// door keeps for her next visit; no web chat ever reaches Telegram.
	delivery := &bot.Delivery{Outbox: db, Renderer: renderer, Doors: []bot.OutboxDoor{tg}, Undelivered: svc.Undelivered,
		Observer: metrics, Log: log, Ref: refs.Attr}
	if door != nil {
		delivery.Doors = append(delivery.Doors, door)
	}
	outboxDone := make(chan struct{})
	go func() { defer close(outboxDone); delivery.Run(ctx, time.Second) }()
	go svc.RunCallbackTicker(ctx, time.Minute)
	if mode == "webhook" {
		err = tg.RunWebhook(ctx, bot.WebhookConfig{URL: cfg.WebhookURL, Listen: cfg.Listen, Secret: cfg.WebhookSecret})
	} else {
		err = tg.Run(ctx)
	}
	// The updates in flight are done: one last attempt at what they queued.
	cancel()
	<-outboxDone
	delivery.Flush(ctx)
	wg.Wait()
	close(errs)
	return errors.Join(err, <-errs)
}

// createStore opens the store of the bot or the console, creating the key
// file and the store when there are none, and saying so once: a new key
// on a deployment that had one means the data directory is not the one it
// should be.
func createStore(ctx context.Context, cfg config.Config, log *slog.Logger, opts store.Options) (*store.DB, error) {
	key, created, err := store.CreateKey(cfg.DataDir, cfg.Key)
	if err != nil {
		return nil, err
	}
	if created {
		log.LogAttrs(ctx, slog.LevelWarn, "created a new data key: keep a copy apart from the backups", logattr.Event("key_created"),
			logattr.Path(filepath.Join(cfg.DataDir, store.KeyFile)))
	}
	_, err = os.Stat(storePath(cfg))
	isNew := errors.Is(err, fs.ErrNotExist)
	db, err := store.Open(storePath(cfg), key, opts)
	if err != nil {
		return nil, err
	}
	if isNew {
		log.LogAttrs(ctx, slog.LevelWarn, "created a new, empty store", logattr.Event("store_created"), logattr.Path(storePath(cfg)))
	}
	return db, nil
}

// openStore opens the existing store of the data directory for a command
// that reads or changes it: it never creates a key or a store.
func openStore(cfg config.Config) (*store.DB, error) {
	// The store first: without one, the key does not matter.
	_, err := os.Stat(storePath(cfg))
	if errors.Is(err, fs.ErrNotExist) {
		err = fmt.Errorf("%w at %s", store.ErrNoStore, storePath(cfg))
	}
	var key []byte
	if err == nil {
		key, err = store.LoadKey(cfg.DataDir, cfg.Key)
	}
	if err == nil {
		var db *store.DB
		if db, err = store.Open(storePath(cfg), key, store.Options{MustExist: true}); err == nil {
			return db, nil
		}
	}
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, store.ErrNoStore) {
		return nil, fmt.Errorf("%w\n(the bot, frontdoor, or frontdoor console creates the key and the store at first start; is %s=%s the right directory?)",
			err, config.EnvData, cfg.DataDir)
	}
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("%w, and no bot answers on its control socket %s", err, socketPath(cfg))
	}
	return nil, err
}

// storePath is the bbolt file in the data directory.
func storePath(cfg config.Config) string { return filepath.Join(cfg.DataDir, "frontdoor.db") }

// socketPath is the running bot's control socket.
func socketPath(cfg config.Config) string { return filepath.Join(cfg.DataDir, ops.SocketName) }

// storedDirectory returns the imported directory as stored, or the sample
// one when nothing has been imported yet, without checking it: export and
// import must work on a directory that a newer version no longer accepts,
// since they are how it gets fixed. Like the stored one, it keeps only the
// position of the comune of a centre whose address is confidential.
func storedDirectory(ctx context.Context, db *store.DB) (directory.Data, error) {
	data, found, err := db.Directory(ctx)
	if err != nil {
		return directory.Data{}, err
	}
	if !found {
		data = dirfile.Sample()
		directory.KeepCoarse(&data)
	}
	return data, nil
}

// loadDirectory returns the directory in use, checked.
func loadDirectory(ctx context.Context, db *store.DB) (*directory.Directory, error) {
	data, err := storedDirectory(ctx, db)
	if err != nil {
		return nil, err
	}
	dir, err := directory.New(data)
	if err != nil {
		why := err.Error()
		if cat, cerr := locales.New(); cerr == nil {
			why = tellerIn(cat, "en").problems(err)
		}
		return nil, fmt.Errorf("the stored directory is not valid:\n%s\n"+
			"(write it to a file with: frontdoor directory export FILE; fix what is listed above; then: frontdoor directory import FILE)", why)
	}
	return dir, nil
}
