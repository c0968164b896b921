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

// statsCommand prints the anonymous counters of a span of months as a
// table or CSV, counts of 1 to 4 shown as "<5".
var statsCommand = storeCommand{
	name: "stats",
	spec: cmdSpec{usage: "frontdoor stats [--from 2027-01] [--to 2027-06] [--csv] [--png FILE]",
		help: `Prints the anonymous monthly counters (default: the last 6 months) as a table, or every
counter as CSV. Counts of 1 to 4 are shown as "<5". --png also draws the callbacks requested and
done per centre into FILE.`},
	setup: func(fs *flag.FlagSet) func([]string) (storeWork, error) {
		last := flows.LastMonths(time.Now(), 6)
		from := fs.String("from", last[0], "first month, YYYY-MM")
		to := fs.String("to", last[len(last)-1], "last month, YYYY-MM")
		asCSV := fs.Bool("csv", false, "print every counter as CSV instead of the table")
		pngFile := fs.String("png", "", "also draw the callbacks requested and done per centre into this PNG file")
		return func([]string) (storeWork, error) {
			months := flows.Months(*from, *to)
			if !flows.ValidMonth(*from) || !flows.ValidMonth(*to) || len(months) == 0 {
				return nil, fmt.Errorf("%q to %q is not a span of months (YYYY-MM)", *from, *to)
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
				switch {
				case *asCSV:
					_, err = env.io.Stdout.Write(flows.StatsCSV(stats))
				case len(stats) == 0:
					_, err = fmt.Fprintf(env.io.Stdout, "Nothing counted from %s to %s.\n", *from, *to)
				default:
					_, err = fmt.Fprint(env.io.Stdout, flows.StatsTable(stats, months))
				}
				return err
			}, nil
		}
	},
}
