package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"frontdoor/bot"
	"frontdoor/bot/loadtest"
	"frontdoor/config"
	"frontdoor/flows"
	"frontdoor/store"
)

const loadToken = "123456:LOADTESTloadtestLOADTEST_abcdef"

// loadSingleCommitBot is the hidden command that runs the bot with one
// commit and one fsync per write, for the load test's comparison.
const loadSingleCommitBot = "loadtest-single-commit-bot"

// loadtestCmd measures frontdoor and the echo baseline under the same
// closed-loop load, each as its own process against the rig's fake Bot API
// on 127.0.0.1, and prints a table.
func loadtestCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	women := fs.Int("women", 100, "simulated women, each on her own chat, in a closed loop")
	sessions := fs.String("sessions", "100,1000,10000", "stored sessions before each run, comma-separated")
	duration := fs.Duration("duration", 15*time.Second, "length of each run (at most 10m)")
	baseline := fs.Bool("baseline", true, "also measure the echo bot (no state, no disk), just before each session count")
	single := fs.Bool("single-commit", false, "also measure frontdoor with one commit (and fsync) per write instead of the group commit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var counts []int
	for _, f := range strings.Split(*sessions, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 || n > 1_000_000 {
			fmt.Fprintf(stderr, "frontdoor: loadtest: %q is not a number of sessions (0 to 1000000)\n", f)
			return 2
		}
		counts = append(counts, n)
	}
	if *women < 1 || *women > 10_000 || *duration <= 0 || *duration > 10*time.Minute {
		fmt.Fprintln(stderr, "frontdoor: loadtest: -women must be 1 to 10000 and -duration at most 10m")
		return 2
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "frontdoor: loadtest: %v\n", err)
		return 1
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "bot\tstored sessions\twomen\tupdates/s\treplies/s\tto operators\tp50\tp95\tp99\tmax\tpeak memory\treplies/s, p99 of echo\t\n")
	// The echo bot runs just before each session count, so that each
	// comparison is made at the same time on a machine whose speed drifts.
	var echo *loadtest.Result
	row := func(name string, sessions int, r loadtest.Result, peak int64) {
		vs := ""
		if echo != nil && name != "echo" && echo.RepliesPerSecond() > 0 && echo.P99 > 0 {
			vs = fmt.Sprintf("%.0f %%, %.1f×", 100*r.RepliesPerSecond()/echo.RepliesPerSecond(), float64(r.P99)/float64(echo.P99))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.0f\t%d\t%s\t%s\t%s\t%s\t%.1f MiB\t%s\t\n", name, sessions, r.Women,
			float64(r.Updates)/r.Elapsed.Seconds(), r.RepliesPerSecond(), r.ToOperators,
			ms(r.P50), ms(r.P95), ms(r.P99), ms(r.Max), float64(peak)/(1<<20), vs)
	}
	var bots []loadBot
	if *baseline {
		bots = append(bots, loadBot{"echo", []string{"loadtest-echo-bot"}, false})
	}
	bots = append(bots, loadBot{"frontdoor", nil, true})
	if *single {
		bots = append(bots, loadBot{"one commit per write", []string{loadSingleCommitBot}, true})
	}
	for _, n := range counts {
		for _, b := range bots {
			stored := 0
			if b.stored {
				stored = n
			}
			r, peak, err := runLoad(ctx, exe, b.args, stored, *women, *duration)
			if err != nil {
				fmt.Fprintf(stderr, "frontdoor: loadtest: %s: %v\n", b.name, err)
				return 1
			}
			if b.name == "echo" {
				echo = &r
			}
			row(b.name, stored, r, peak)
		}
	}
	if err := tw.Flush(); err != nil {
		return 1
	}
	return 0
}

// loadBot is one bot the load test measures: its name in the table, the
// arguments that run it, and whether it gets the stored sessions.
type loadBot struct {
	name   string
	args   []string
	stored bool
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// runLoad starts the bot (exe args) on a new data directory holding
// sessions stored sessions, drives the load and returns what it measured
// and the bot's peak resident memory.
func runLoad(ctx context.Context, exe string, args []string, sessions, women int, duration time.Duration) (loadtest.Result, int64, error) {
	dir, err := os.MkdirTemp("", "frontdoor-load-")
	if err != nil {
		return loadtest.Result{}, 0, err
	}
	defer os.RemoveAll(dir)
	keyBytes := make([]byte, store.KeySize)
	_, _ = rand.Read(keyBytes) // never fails (crypto/rand)
	key := base64.StdEncoding.EncodeToString(keyBytes)
	if err := storeSessions(ctx, dir, keyBytes, sessions); err != nil {
		return loadtest.Result{}, 0, fmt.Errorf("store %d sessions: %w", sessions, err)
	}
	srv, err := loadtest.NewServer(loadToken)
	if err != nil {
		return loadtest.Result{}, 0, err
	}
	defer srv.Close()
	cmd := exec.CommandContext(ctx, exe, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FRONTDOOR_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, config.EnvToken+"="+loadToken, config.EnvAPI+"="+srv.Endpoint(), config.EnvData+"="+dir, config.EnvKey+"="+key)
	if err := cmd.Start(); err != nil {
		return loadtest.Result{}, 0, err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	readyCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := srv.Ready(readyCtx); err != nil {
		return loadtest.Result{}, 0, err
	}
	res, err := srv.Drive(ctx, women, duration, loadtest.Script)
	return res, peakRSS(cmd.Process.Pid), err
}

// storeSessions fills a new store with n sessions of other chats, written
// concurrently so that the group commit keeps it quick.
func storeSessions(ctx context.Context, dir string, key []byte, n int) error {
	db, err := store.Open(filepath.Join(dir, "frontdoor.db"), key, store.Options{})
	if err != nil {
		return err
	}
	// The script asks the centre of Cremona for callbacks: its operators'
	// group receives the cards.
	if err := db.SaveOperator(ctx, flows.Operator{Chat: -100, Centre: "arca-cremona"}); err != nil {
		return errors.Join(err, db.Close())
	}
	expires := time.Now().Add(24 * time.Hour)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	next := make(chan int64)
	for range 64 {
		wg.Go(func() {
			for chat := range next {
				s := flows.Session{State: "menu", Lang: "it", Network: "arca", LastUpdate: 1, Seen: time.Now()}
				if err := db.SaveSession(ctx, chat, s, expires); err != nil {
					select {
					case errs <- err:
					default:
					}
					return
				}
			}
		})
	}
	for i := range n {
		next <- int64(10 + i)
	}
	close(next)
	wg.Wait()
	close(errs)
	return errors.Join(<-errs, db.Close())
}

// peakRSS reads the peak resident memory of a process (Linux), or 0.
func peakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// echoBotCmd runs the echo bot: the baseline process of the load test.
func echoBotCmd(c *cli, args []string) int {
	_, cfg, ok := c.begin(cmdSpec{usage: "frontdoor loadtest-echo-bot", help: "The echo bot of frontdoor loadtest."}, args)
	if !ok {
		return c.code
	}
	if err := echoBot(c.ctx, cfg); err != nil {
		fmt.Fprintf(c.stderr, "frontdoor: %v\n", err)
		return 1
	}
	return 0
}

// echoBot runs the transport with the echo handler: the baseline process.
func echoBot(ctx context.Context, cfg config.Config) error {
	tg, err := bot.NewTelegram(ctx, bot.TelegramConfig{Token: cfg.Token, Endpoint: cfg.API, Handler: loadtest.Echo{}, Renderer: loadtest.Echo{}, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	return tg.Run(ctx)
}
