package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"frontdoor/config"
)

// cli is one invocation: its streams, its environment (options over
// variables over the configuration file) and the command it runs.
type cli struct {
	ctx            context.Context
	getenv         func(string) string
	configFile     string
	stdin          io.Reader
	stdout, stderr io.Writer
	// cmdName is the subcommand, "" for the bot.
	cmdName string
	// code is the exit status parse decided on when it returned false.
	code int
}

// config reads and checks the configuration, saying what is wrong.
func (c *cli) config() (config.Config, bool) {
	getenv := c.getenv
	if c.configFile != "" {
		fromFile, err := config.WithFile(c.getenv, c.configFile)
		if err != nil {
			fmt.Fprintf(c.stderr, "frontdoor: %v\n", err)
			return config.Config{}, false
		}
		getenv = fromFile
	}
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		fmt.Fprintf(c.stderr, "frontdoor: configuration: %v\n", err)
		return config.Config{}, false
	}
	return cfg, true
}

// begin parses the arguments of a command that is not a store command and
// reads the configuration: false means stop with the exit status c.code.
func (c *cli) begin(spec cmdSpec, args []string) ([]string, config.Config, bool) {
	pos, ok := c.parse(spec, flagSet(c.cmdName), args)
	if !ok {
		return nil, config.Config{}, false
	}
	cfg, ok := c.config()
	if !ok {
		c.code = 2
		return nil, config.Config{}, false
	}
	return pos, cfg, true
}

// cmdSpec describes a command for its --help and its usage errors.
type cmdSpec struct {
	// usage is the synopsis: "frontdoor backup FILE".
	usage string
	// help says what it does, in a few lines.
	help string
	// args says whether n positional arguments are right; nil means none.
	args func(n int) bool
}

// exactly is a cmdSpec.args for n arguments.
func exactly(n int) func(int) bool { return func(got int) bool { return got == n } }

// flagSet is a command's own flag set, which reports instead of printing.
func flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses a command's arguments. -h, -help or --help anywhere print
// its help on standard output and do nothing else; a mistake prints the
// usage on standard error. It returns the positional arguments, or false
// with c.code set to the exit status.
func (c *cli) parse(spec cmdSpec, fs *flag.FlagSet, args []string) ([]string, bool) {
	pos, code, ok := parseArgs(spec, fs, args, c.stdout, c.stderr)
	c.code = code
	return pos, ok
}

// parseArgs is cli.parse for any streams: the running bot parses a command
// sent to its control socket with the same code.
func parseArgs(spec cmdSpec, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) ([]string, int, bool) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			printHelp(stdout, spec, fs)
			return nil, 0, false
		}
	}
	err := fs.Parse(args)
	if err == nil && !(spec.args == nil && fs.NArg() == 0 || spec.args != nil && spec.args(fs.NArg())) {
		err = errors.New("wrong number of arguments")
	}
	if err != nil {
		fmt.Fprintf(stderr, "frontdoor: %v\nusage: %s\n(%s --help tells more)\n", err, spec.usage, strings.TrimSpace("frontdoor "+fs.Name()))
		return nil, 2, false
	}
	return fs.Args(), 0, true
}

// printHelp prints a command's synopsis, what it does and its flags.
func printHelp(w io.Writer, spec cmdSpec, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", spec.usage, spec.help)
	var flags []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f) })
	if len(flags) > 0 {
		fmt.Fprintln(w, "\nFlags:")
		for _, f := range flags {
			def := ""
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(w, "  --%-10s %s%s\n", f.Name, f.Usage, def)
		}
	}
	fmt.Fprintln(w, "\nThe configuration comes from the environment and --config FILE; see frontdoor --help.")
}
