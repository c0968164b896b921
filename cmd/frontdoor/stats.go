package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"frontdoor/bot/chart"
	"frontdoor/config"
	"frontdoor/flows"
	"frontdoor/store"
)

// statsCmd prints the anonymous counters of a span of ended months as a
// table or CSV, each count shown as flows.Figure does.
func statsCmd(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) int {
	const use = "frontdoor: usage: frontdoor stats [--from 2027-01] [--to 2027-06] [--csv] [--png FILE]\n"
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	now := time.Now()
	last := flows.ClosedMonths(now, 6)
	from := fs.String("from", last[0], "first month, YYYY-MM")
	to := fs.String("to", last[len(last)-1], "last month, YYYY-MM: one that has ended")
	asCSV := fs.Bool("csv", false, "print every counter as CSV instead of the table")
	pngFile := fs.String("png", "", "also draw the callbacks requested and done per centre into this PNG file")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprint(stderr, use)
		return 2
	}
	months := flows.Months(*from, *to)
	if !flows.ValidMonth(*from) || !flows.ValidMonth(*to) || len(months) == 0 {
		fmt.Fprintf(stderr, "frontdoor: stats: %q to %q is not a span of months (YYYY-MM)\n", *from, *to)
		return 2
	}
	if closed := flows.LastClosedMonth(now); *to > closed {
		fmt.Fprintf(stderr, "frontdoor: stats: %s has not ended: figures are shown for ended months only (up to %s)\n", *to, closed)
		return 2
	}
	var stats []flows.Stat
	err := withStore(cfg, func(db *store.DB) (err error) {
		stats, err = db.Stats(ctx, *from, *to)
		return err
	})
	if err != nil {
		fmt.Fprintf(stderr, "frontdoor: stats: %v\n", err)
		return 1
	}
	if *pngFile != "" {
		png, err := chart.Callbacks{}.Chart(ctx, stats, months)
		if err == nil {
			err = os.WriteFile(*pngFile, png, 0o644)
		}
		if err != nil {
			fmt.Fprintf(stderr, "frontdoor: stats: %v\n", err)
			return 1
		}
	}
	if *asCSV {
		_, _ = stdout.Write(flows.StatsCSV(stats))
		return 0
	}
	table := flows.StatsTable(stats, months)
	if table == "" {
		fmt.Fprintf(stdout, "Nothing to show from %s to %s: every count is under 5.\n", *from, *to)
		return 0
	}
	fmt.Fprint(stdout, table)
	fmt.Fprintln(stdout, "Counts under 5 (0 included) show as <5, the others rounded to the nearest multiple of 5.")
	return 0
}
