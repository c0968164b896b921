package flows

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Months lists the months from..to ("2027-01"), both included; none when
// either is not a month or to is before from.
func Months(from, to string) []string {
	f, err1 := time.Parse("2006-01", from)
	t, err2 := time.Parse("2006-01", to)
	var out []string
	for m := f; err1 == nil && err2 == nil && !m.After(t); m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out
}

// ClosedMonths are the n months before the month of now. Reports show
// ended months only: a month still counting would show different figures
// from one day to the next, and the difference of two reports would be
// the events in between.
func ClosedMonths(now time.Time, n int) []string {
	this, _ := time.Parse("2006-01", MonthOf(now)) // MonthOf always parses
	return Months(this.AddDate(0, -n, 0).Format("2006-01"), this.AddDate(0, -1, 0).Format("2006-01"))
}

// LastClosedMonth is the month before the month of now.
func LastClosedMonth(now time.Time) string { return ClosedMonths(now, 1)[0] }

// smallest is the smallest count a report shows as a number, and the base
// every shown count is rounded to.
const smallest = 5

// Figure is how every report shows a count: under 5, 0 included, as "<5",
// so that a count of 0 and one of 1 to 4 look the same; otherwise rounded
// to the nearest multiple of 5 (see Rounded), so that a total less the
// other cells of its row cannot give a small count away.
func Figure(n int64) string {
	if n < smallest {
		return "<5"
	}
	return strconv.FormatInt(Rounded(n), 10)
}

// Rounded is the value Figure shows: 0 under 5, else the nearest multiple
// of 5 (5 to 7 are 5, 8 to 12 are 10).
func Rounded(n int64) int64 {
	if n < smallest {
		return 0
	}
	return (n + smallest/2) / smallest * smallest
}

// noneLabel names counters of no network or centre in reports.
const noneLabel = "-"

// StatsTable is the compact table of the counters: per network, a row per
// counter that reaches 5 in some month, a column per month, summed over
// centres and languages, each shown as Figure. A row under 5 in every
// month is left out, so that its absence tells nothing; "" when nothing
// reaches 5.
func StatsTable(stats []Stat, months []string) string {
	type key struct{ network, name string }
	sums := map[key]map[string]int64{}
	var networks []string
	for _, s := range stats {
		k := key{s.Network, s.Name}
		if sums[k] == nil {
			sums[k] = map[string]int64{}
		}
		sums[k][s.Month] += s.N
		if !slices.Contains(networks, s.Network) {
			networks = append(networks, s.Network)
		}
	}
	slices.Sort(networks)
	shown := func(row map[string]int64) bool {
		return slices.ContainsFunc(months, func(m string) bool { return row[m] >= smallest })
	}
	var b strings.Builder
	for _, n := range networks {
		var rows []string
		for _, name := range CounterNames {
			if shown(sums[key{n, name}]) {
				rows = append(rows, name)
			}
		}
		if len(rows) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "network %s\n%-18s", label(n), "")
		for _, m := range months {
			fmt.Fprintf(&b, " %7s", m)
		}
		b.WriteByte('\n')
		for _, name := range rows {
			fmt.Fprintf(&b, "%-18s", name)
			for _, m := range months {
				fmt.Fprintf(&b, " %7s", Figure(sums[key{n, name}][m]))
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// StatsCSV is every counter that reaches 5 as a CSV row: month, network,
// centre, language, counter, count shown as Figure. Counters under 5 are
// left out, so that a count of 0 and one of 1 to 4 look the same.
func StatsCSV(stats []Stat) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"month", "network", "centre", "language", "counter", "count"}) // a bytes.Buffer does not fail
	for _, s := range stats {
		if s.N >= smallest {
			_ = w.Write([]string{s.Month, label(s.Network), label(s.Centre), label(s.Lang), s.Name, Figure(s.N)})
		}
	}
	w.Flush()
	return buf.Bytes()
}

// label shows "" as noneLabel.
func label(s string) string {
	if s == "" {
		return noneLabel
	}
	return s
}

// statsOf keeps the counters of the networks a member of staff may see:
// an admin all, a coordinator her networks'.
func (s Staff) statsOf(stats []Stat) []Stat {
	if s.isAdmin() {
		return stats
	}
	var out []Stat
	for _, st := range stats {
		if st.Network != "" && s.has(RoleCoordinator, st.Network) {
			out = append(out, st)
		}
	}
	return out
}
