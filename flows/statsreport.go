package flows

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
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

// LastMonths are the n months up to the month of now.
func LastMonths(now time.Time, n int) []string {
	to := MonthOf(now)
	t, _ := time.Parse("2006-01", to) // MonthOf always parses
	return Months(t.AddDate(0, 1-n, 0).Format("2006-01"), to)
}

// noneLabel names counters of no network or centre in reports.
const noneLabel = "-"

// StatsTable is the compact table of the counters: per network, a row per
// counter that is not zero in every month, a column per month, summed over
// centres and languages. Counts of 1 to 4 show as "<5".
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
	var b strings.Builder
	for i, n := range networks {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "network %s\n%-18s", label(n), "")
		for _, m := range months {
			fmt.Fprintf(&b, " %7s", m)
		}
		b.WriteByte('\n')
		for _, name := range CounterNames {
			row := sums[key{n, name}]
			if row == nil {
				continue
			}
			fmt.Fprintf(&b, "%-18s", name)
			for _, m := range months {
				fmt.Fprintf(&b, " %7s", SuppressSmall(row[m]))
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// StatsCSV is every counter as a CSV row: month, network, centre,
// language, counter, count, with counts of 1 to 4 as "<5".
func StatsCSV(stats []Stat) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"month", "network", "centre", "language", "counter", "count"}) // a bytes.Buffer does not fail
	for _, s := range stats {
		_ = w.Write([]string{s.Month, label(s.Network), label(s.Centre), label(s.Lang), s.Name, SuppressSmall(s.N)})
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
