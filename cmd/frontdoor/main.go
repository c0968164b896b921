// Command frontdoor runs the frontdoor bot: on Telegram, in a terminal
// (console), or as a tool on its directory. It only parses arguments and
// wires the packages together.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"frontdoor/bot"
	"frontdoor/config"
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

const usage = `frontdoor — the discreet front door of a network of anti-violence centres, on Telegram and the web.

Usage:
  frontdoor [OPTIONS] [COMMAND]
  frontdoor                           run the bot on Telegram (needs FRONTDOOR_TELEGRAM_TOKEN)
  frontdoor console                   try the same dialogues in this terminal, on the same data
  frontdoor web                       serve only the web door (a discreet web page) on 127.0.0.1:8080
  frontdoor directory export FILE     write the directory of centres to FILE ("-" for standard output)
  frontdoor directory import FILE     replace the directory with FILE, after checking all of it
  frontdoor directory check FILE      check FILE and say what importing it would do, changing nothing
                                      (--lang LANG before FILE: the file's comments and its problems
                                      in LANG, default it)
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
                                      to 5; --png also draws the callbacks requested and
                                      done per centre into FILE
  frontdoor translations review LANG  write LANG-review.html and LANG-review.txt: every text of LANG beside the
                                      Italian and English, for a native speaker to read, print or fill in
  frontdoor translations import FILE  read a filled-in LANG-review.txt back into locales/ (in a clone of frontdoor)
  frontdoor loadtest [flags]          measure replies/s and latency under load, against a fake Bot API on
                                      127.0.0.1, next to an echo bot (-women, -sessions, -duration;
                                      -single-commit also measures one commit per write)
  frontdoor healthcheck               exit 0 when the running bot's /healthz says it is ready (for containers)
  frontdoor --version                 the version of this program
  frontdoor help                      this text; frontdoor COMMAND --help tells more about one command

The commands that read or change the store (directory, operators, audit, stats, backup, poster) run
inside the bot when it runs, through its control socket DATA/control.sock, and on the store directly
when it does not: the same output either way. Only the bot and the console create a store and a key.

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
  FRONTDOOR_WEB              also serve the web door on this address (host:port; behind a TLS proxy)
  FRONTDOOR_WEB_TITLE        the web page's neutral title, default "Info"
  FRONTDOOR_WEB_ICON         a neutral favicon (PNG, ICO or SVG file), default a plain circle
  FRONTDOOR_WEB_EXIT         the neutral site Exit leaves for, default https://www.google.it/
  FRONTDOOR_CALLBACK_ESCALATE   how long a callback request waits untaken before it is
                                re-announced, then passed to the on-call operators; default 15m
  FRONTDOOR_CALLBACK_RETENTION  the longest a callback request is kept, default 168h (7 days)
  FRONTDOOR_CALLBACK_CLOSE_WITHIN  how long after her last time a taken request may stay open
                                before its operator is reminded, then it goes back; default 2h
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
or as a web page, at http://127.0.0.1:8080:
  go run ./cmd/frontdoor web
`

// run is main without the process: tests call it with their own arguments,
// environment and streams. It returns the exit status: 0, 1 for a failure,
// 2 for a mistake in the command line or the configuration.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	args, getenv, configFile, err := globalOptions(args, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "frontdoor: %v\n", err)
		return 2
	}
	name := ""
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	c := &cli{ctx: ctx, getenv: getenv, configFile: configFile, stdin: stdin, stdout: stdout, stderr: stderr, cmdName: name}
	switch name {
	case "help", "-h", "-help", "--help":
		io.WriteString(stdout, usage)
		return 0
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "frontdoor", readVersion())
		return 0
	}
	if cmd, ok := commands()[name]; ok {
		return cmd(c, args)
	}
	if sc, verb, ok := findStoreCommand(name, args); ok {
		return c.runStoreCommand(sc, verb)
	}
	fmt.Fprintf(stderr, "frontdoor: unknown command %q\n\n%s", name, usage)
	return 2
}

// commands are the subcommands that are not store commands (see
// storeCommands), by name.
func commands() map[string]func(*cli, []string) int {
	return map[string]func(*cli, []string) int{
		"":                  botCmd,
		"console":           botCmd,
		"web":               botCmd,
		loadSingleCommitBot: botCmd,
		"config":            configCmd,
		"restore":           restoreCmd,
		"rekey":             rekeyCmd,
		"healthcheck":       healthcheckCmd,
		"loadtest":          func(c *cli, args []string) int { return loadtestCmd(c.ctx, args, c.stdout, c.stderr) },
		"translations":      func(c *cli, args []string) int { return translationsCmd(c.ctx, args, time.Now(), c.stdout, c.stderr) },
		"loadtest-echo-bot": echoBotCmd,
	}
}

var botSpecs = map[string]cmdSpec{
	"": {usage: "frontdoor [OPTIONS]", help: `Runs the bot on Telegram with FRONTDOOR_TELEGRAM_TOKEN until SIGINT or SIGTERM, and the web
door beside it when FRONTDOOR_WEB is set (with or without a token).
It creates the data directory, the key file and the store at first start, and says so.`},
	"console": {usage: "frontdoor console", help: `Runs the same dialogues in this terminal, on the same data directory, without
Telegram and without callbacks. Buttons are numbered: type the number or the label.
It creates the key file and the store when there are none, and says so.`},
	"web": {usage: "frontdoor web", help: `Serves only the web door, on FRONTDOOR_WEB (default ` + config.DefaultWeb + `), on the same data directory:
the same dialogues as a discreet web page, without Telegram and so without callbacks.
To serve it beside the bot, with callbacks to the operators in Telegram, set FRONTDOOR_WEB
in the bot's configuration instead: a running bot holds the store, and this command then
says so. It creates the key file and the store when there are none, and says so.`},
	loadSingleCommitBot: {usage: "frontdoor " + loadSingleCommitBot, help: "The bot with one commit per write, for frontdoor loadtest."},
}

// botCmd runs the bot on Telegram, or in the console.
func botCmd(c *cli, args []string) int {
	name := c.cmdName
	_, cfg, ok := c.begin(botSpecs[name], args)
	if !ok {
		return c.code
	}
	if cfg.Token == "" && (name == "" && cfg.Web.Addr == "" || name == loadSingleCommitBot) {
		fmt.Fprint(c.stderr, noToken)
		return 2
	}
	log := newLogger(cfg, name, c.stderr)
	if err := serve(c.ctx, name, cfg, log, c.stdin, c.stdout); err != nil {
		fmt.Fprintf(c.stderr, "frontdoor: %v\n", err)
		if errors.Is(err, bot.ErrTokenRefused) {
			// Starting again cannot help: the unit does not restart on 2.
			return 2
		}
		return 1
	}
	return 0
}
