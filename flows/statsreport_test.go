package flows_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"frontdoor/flows"
)

func TestSuppressSmall(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{{0, "0"}, {1, "<5"}, {4, "<5"}, {5, "5"}, {1234, "1234"}} {
		if got := flows.SuppressSmall(tc.n); got != tc.want {
			t.Errorf("SuppressSmall(%d) = %q, want %q", tc.n, got, tc.want)
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
	// Late on 31 January in UTC is already February in Italy.
	if got := flows.LastMonths(time.Date(2027, 1, 31, 23, 30, 0, 0, time.UTC), 3); !slices.Equal(got, []string{"2026-12", "2027-01", "2027-02"}) {
		t.Errorf("LastMonths = %q", got)
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
// are shown once they reach 5, and no cell shows 1 to 4.
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
