package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"frontdoor/bot/ops"
	"frontdoor/config"
	"frontdoor/flows"
	"frontdoor/flows/logattr"
	"frontdoor/store"
)

// A storeCommand reads or changes the store. When a bot runs on the data
// directory it holds the store's lock, so the command runs inside the bot,
// sent through its control socket; otherwise it opens the store itself.
// Either way the same code runs (work) on an open store, and writes through
// storeEnv.io, so the output is the same.
type storeCommand struct {
	// name is the command line's first word or two: "operators add".
	name string
	spec cmdSpec
	// setup defines the flags and returns what checks the parsed
	// arguments (in the caller first, so that help and mistakes never
	// reach a store) and gives the work to do.
	setup func(fs *flag.FlagSet) func(pos []string) (storeWork, error)
}

// storeWork is a command's work on an open store.
type storeWork func(ctx context.Context, env storeEnv) error

// storeEnv is what a command works with, in its own process or in the bot.
type storeEnv struct {
	db  *store.DB
	io  ops.Stdio
	cfg config.Config
	// live, in the running bot, is its service: an imported directory is
	// put in use at once. Nil in a command's own process.
	live *flows.Service
}

// errUsage marks a mistake in the arguments found after parsing.
var errUsage = errors.New("usage")

// storeCommands are the commands that work on the store.
func storeCommands() []storeCommand {
	return []storeCommand{
		operatorsAdd, operatorsList, operatorsRemove,
		directoryExport, directoryImport, directoryCheck,
		auditCommand, statsCommand, backupCommand, posterCommand,
	}
}

// findStoreCommand finds the store command of a command line: its name is
// the first word, or the first two for one with verbs (operators add).
func findStoreCommand(first string, rest []string) (storeCommand, []string, bool) {
	var verbs []string
	for _, sc := range storeCommands() {
		name, verb, hasVerb := strings.Cut(sc.name, " ")
		if name != first {
			continue
		}
		if !hasVerb {
			return sc, rest, true
		}
		verbs = append(verbs, verb)
		if len(rest) > 0 && rest[0] == verb {
			return sc, rest[1:], true
		}
	}
	if len(verbs) > 0 {
		// "operators" alone, or with a verb it does not have.
		return storeCommand{name: first, spec: cmdSpec{usage: "frontdoor " + first + " " + strings.Join(verbs, "|") + " ...",
			help: "See frontdoor " + first + " VERB --help."}}, rest, true
	}
	return storeCommand{}, nil, false
}

// parse checks the arguments of a store command and returns its work.
func (sc storeCommand) parse(args []string, stdout, stderr io.Writer) (storeWork, int, bool) {
	fs := flagSet(sc.name)
	if sc.setup == nil {
		// A command with verbs, without a right one.
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			printHelp(stdout, sc.spec, fs)
			return nil, 0, false
		}
		fmt.Fprintf(stderr, "frontdoor: usage: %s\n", sc.spec.usage)
		return nil, 2, false
	}
	check := sc.setup(fs)
	pos, code, ok := parseArgs(sc.spec, fs, args, stdout, stderr)
	if !ok {
		return nil, code, false
	}
	work, err := check(pos)
	if err != nil {
		if errors.Is(err, errUsage) {
			fmt.Fprintf(stderr, "frontdoor: usage: %s\n", sc.spec.usage)
		} else {
			fmt.Fprintf(stderr, "frontdoor: %s: %v\n", sc.name, err)
		}
		return nil, 2, false
	}
	return work, 0, true
}

// runStoreCommand runs a store command: in the running bot if one answers
// on the control socket, else on the store, which it never creates.
func (c *cli) runStoreCommand(sc storeCommand, args []string) int {
	work, code, ok := sc.parse(args, c.stdout, c.stderr)
	if !ok {
		return code
	}
	cfg, ok := c.config()
	if !ok {
		return 2
	}
	stdio := localStdio(c.stdin, c.stdout, c.stderr)
	code, err := ops.Call(c.ctx, socketPath(cfg), append(strings.Fields(sc.name), args...), stdio)
	if err == nil {
		return code
	}
	if !errors.Is(err, ops.ErrNoBot) {
		fmt.Fprintf(c.stderr, "frontdoor: %s: %v\n", sc.name, err)
		return 1
	}
	db, err := openStore(cfg)
	if err == nil {
		err = errors.Join(work(c.ctx, storeEnv{db: db, io: stdio, cfg: cfg}), db.Close())
	}
	return report(c.stderr, sc.name, err)
}

// report prints a command's error and returns its exit status.
func report(stderr io.Writer, name string, err error) int {
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "frontdoor: %s: %v\n", name, err)
	return 1
}

// controlRunner runs the store commands sent to the running bot's control
// socket, on its store and service, with the caller's streams and files.
func controlRunner(cfg config.Config, db *store.DB, svc *flows.Service, log *slog.Logger) ops.Runner {
	return func(ctx context.Context, args []string, stdio ops.Stdio) int {
		first := ""
		if len(args) > 0 {
			first, args = args[0], args[1:]
		}
		sc, rest, ok := findStoreCommand(first, args)
		if !ok {
			fmt.Fprintf(stdio.Stderr, "frontdoor: %q does not run through the control socket\n", first)
			return 2
		}
		work, code, ok := sc.parse(rest, stdio.Stdout, stdio.Stderr)
		if !ok {
			return code
		}
		log.LogAttrs(ctx, slog.LevelInfo, "control command", logattr.Event("control_command"), logattr.Command(sc.name))
		return report(stdio.Stderr, sc.name, work(ctx, storeEnv{db: db, io: stdio, cfg: cfg, live: svc}))
	}
}

// localStdio is the Stdio of a command in its own process: its streams and
// files, "-" naming standard input or output.
func localStdio(stdin io.Reader, stdout, stderr io.Writer) ops.Stdio {
	return ops.Stdio{
		Stdout: stdout,
		Stderr: stderr,
		ReadFile: func(name string) ([]byte, error) {
			if name == "-" {
				return io.ReadAll(stdin)
			}
			return os.ReadFile(name)
		},
		WriteFile: func(name string, perm os.FileMode, write func(io.Writer) error) error {
			if name == "-" {
				return write(stdout)
			}
			return store.WriteFileAtomic(name, perm, write)
		},
	}
}
