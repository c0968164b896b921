package flows_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"frontdoor/flows"
)

// TestFigure: under 5, 0 included, is "<5"; the rest is rounded to the
// nearest multiple of 5.
func TestFigure(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{{0, "<5"}, {1, "<5"}, {4, "<5"}, {5, "5"}, {6, "5"}, {7, "5"}, {8, "10"}, {12, "10"}, {13, "15"}, {1234, "1235"}} {
		if got := flows.Figure(tc.n); got != tc.want {
			t.Errorf("Figure(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestMonths(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		want     []string
	}{
		{"2026-11", "2027-02", []string{"2026-11", "2026-12", "2027-01", "2027-02"}},
		{"2027-01", "2027-01", []string{"2027-01"}},
		{"2027-02", "2027-01", nil},
		{"2027-13", "2027-14", nil},
		{"2027", "2027-01", nil},
	} {
		if got := flows.Months(tc.from, tc.to); !slices.Equal(got, tc.want) {
			t.Errorf("Months(%q, %q) = %q, want %q", tc.from, tc.to, got, tc.want)
		}
	}
	// Late on 31 January in UTC is already February in Italy: January
	// has ended there.
	if got := flows.ClosedMonths(time.Date(2027, 1, 31, 23, 30, 0, 0, time.UTC), 3); !slices.Equal(got, []string{"2026-11", "2026-12", "2027-01"}) {
		t.Errorf("ClosedMonths = %q", got)
	}
}

// reportStats has counts on both sides of the suppression threshold.
var reportStats = []flows.Stat{
	{Count: flows.Count{Month: "2027-01", Network: "", Lang: "it", Name: flows.CountSearchTown}, N: 12},
	{Count: flows.Count{Month: "2027-01", Network: "lomb", Centre: "c1", Lang: "en", Name: flows.CountRequested}, N: 3},
	{Count: flows.Count{Month: "2027-01", Network: "lomb", Centre: "c1", Lang: "it", Name: flows.CountRequested}, N: 4},
	{Count: flows.Count{Month: "2027-01", Network: "lomb", Centre: "c2", Lang: "it", Name: flows.CountDone}, N: 1},
	{Count: flows.Count{Month: "2027-02", Network: "lomb", Centre: "c2", Lang: "it", Name: "taken_within_1h"}, N: 5},
}

// Small counts are "<5" in the table and the CSV, sums of small counts
// are shown once they reach 5 (rounded), and no cell shows 1 to 4.
func TestStatsReportsSuppressSmall(t *testing.T) {
	table := flows.StatsTable(reportStats, []string{"2027-01", "2027-02"})
	csv := string(flows.StatsCSV(reportStats))
	golden(t, filepath.Join("testdata", "stats", "table.golden"), []byte(table))
	golden(t, filepath.Join("testdata", "stats", "stats.csv.golden"), []byte(csv))
	for _, out := range []string{table, csv} {
		for _, f := range strings.FieldsFunc(out, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' }) {
			if f == "1" || f == "2" || f == "3" || f == "4" {
				t.Errorf("a count of %s is shown:\n%s", f, out)
			}
		}
	}
}

// TestStatsReportsHideDifferences: a total and the other cells of its row
// must not give a small count away by subtraction, and a count of 0 must
// look like one of 1 to 4.
func TestStatsReportsHideDifferences(t *testing.T) {
	months := []string{"2027-01"}
	row := func(lang string, n int64) flows.Stat {
		return flows.Stat{Count: flows.Count{Month: "2027-01", Network: "lomb", Centre: "c1", Lang: lang, Name: flows.CountRequested}, N: n}
	}
	six, one := row("it", 6), row("en", 1)
	table := flows.StatsTable([]flows.Stat{six, one}, months)
	csv := string(flows.StatsCSV([]flows.Stat{six, one}))
	// The total 7 and the cell 6 would give the 1 away.
	if !strings.Contains(table, "callback_requested       5\n") || !strings.HasSuffix(csv, ",callback_requested,5\n") {
		t.Errorf("exact figures shown:\n%s\n%s", table, csv)
	}
	if table != flows.StatsTable([]flows.Stat{six}, months) || csv != string(flows.StatsCSV([]flows.Stat{six})) {
		t.Errorf("a count of 1 shows differently from none:\n%s\n%s", table, csv)
	}
	if table, csv := flows.StatsTable([]flows.Stat{one}, months), flows.StatsCSV([]flows.Stat{one}); table != "" || strings.Count(string(csv), "\n") != 1 {
		t.Errorf("a lone count of 1 shows:\n%q\n%s", table, csv)
	}
}
