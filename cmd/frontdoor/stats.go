package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"frontdoor/bot/chart"
	"frontdoor/flows"
)

// statsCommand prints the anonymous counters of a span of ended months as
// a table or CSV, each count shown as flows.Figure does.
var statsCommand = storeCommand{
	name: "stats",
	spec: cmdSpec{usage: "frontdoor stats [--from 2027-01] [--to 2027-06] [--csv] [--png FILE]",
		help: `Prints the anonymous monthly counters of months that have ended (default: the last 6) as a
table, or every counter as CSV. Counts under 5, 0 included, are shown as "<5" (and rows under 5
left out), the others rounded to the nearest multiple of 5. --png also draws the callbacks
requested and done per centre into FILE.`},
	setup: func(fs *flag.FlagSet) func([]string) (storeWork, error) {
		now := time.Now()
		last := flows.ClosedMonths(now, 6)
		from := fs.String("from", last[0], "first month, YYYY-MM")
		to := fs.String("to", last[len(last)-1], "last month, YYYY-MM: one that has ended")
		asCSV := fs.Bool("csv", false, "print every counter as CSV instead of the table")
		pngFile := fs.String("png", "", "also draw the callbacks requested and done per centre into this PNG file")
		return func([]string) (storeWork, error) {
			months := flows.Months(*from, *to)
			if !flows.ValidMonth(*from) || !flows.ValidMonth(*to) || len(months) == 0 {
				return nil, fmt.Errorf("%q to %q is not a span of months (YYYY-MM)", *from, *to)
			}
			if closed := flows.LastClosedMonth(now); *to > closed {
				return nil, fmt.Errorf("%s has not ended: figures are shown for ended months only (up to %s)", *to, closed)
			}
			return func(ctx context.Context, env storeEnv) error {
				stats, err := env.db.Stats(ctx, *from, *to)
				if err != nil {
					return err
				}
				if *pngFile != "" {
					png, err := chart.Callbacks{}.Chart(ctx, stats, months)
					if err == nil {
						err = env.io.WriteFile(*pngFile, 0o644, func(w io.Writer) error { _, err := w.Write(png); return err })
					}
					if err != nil {
						return err
					}
				}
				table := flows.StatsTable(stats, months)
				switch {
				case *asCSV:
					_, err = env.io.Stdout.Write(flows.StatsCSV(stats))
				case table == "":
					_, err = fmt.Fprintf(env.io.Stdout, "Nothing to show from %s to %s: every count is under 5.\n", *from, *to)
				default:
					_, err = fmt.Fprintf(env.io.Stdout, "%sCounts under 5 (0 included) show as <5, the others rounded to the nearest multiple of 5.\n", table)
				}
				return err
			}, nil
		}
	},
}
