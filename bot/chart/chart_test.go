package chart

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"slices"
	"testing"

	"frontdoor/flows"
)

var months = []string{"2027-01", "2027-02", "2027-03"}

func stat(month, centre, name string, n int64) flows.Stat {
	return flows.Stat{Count: flows.Count{Month: month, Network: "lomb", Centre: centre, Lang: "it", Name: name}, N: n}
}

var sample = []flows.Stat{
	stat("2027-01", "arca-cremona", flows.CountRequested, 12),
	stat("2027-01", "arca-cremona", flows.CountDone, 9),
	stat("2027-02", "arca-cremona", flows.CountRequested, 3),
	stat("2027-02", "arca-crema", flows.CountRequested, 2),
	stat("2027-02", "arca-crema", flows.CountRequested, 2), // another language
	stat("2027-03", "arca-crema", flows.CountDone, 1),
	stat("2027-03", "", flows.CountRequested, 7),
	stat("2027-03", "arca-crema", flows.CountConversations, 50), // not drawn
}

// No bar height and no label shows a count of 1 to 4, a count of 0 is
// drawn like one of 1 to 4, the others are rounded to 5, and a centre
// whose every count is under 5 gets no panel.
func TestPanelsSuppressSmall(t *testing.T) {
	ps := panels(sample, months)
	var names []string
	for _, p := range ps {
		names = append(names, p.centre)
		for _, labels := range [][]string{p.requestedLbl, p.doneLabel} {
			for _, l := range labels {
				if l == "0" || l == "1" || l == "2" || l == "3" || l == "4" {
					t.Errorf("%s: label %q", p.centre, l)
				}
			}
		}
		for _, hs := range [][]float64{p.requested, p.done} {
			for _, h := range hs {
				if h < 5 && h != suppressedHeight {
					t.Errorf("%s: height %v tells a small count from another", p.centre, h)
				}
			}
		}
	}
	if want := []string{"arca-cremona", "lomb: any centre"}; !slices.Equal(names, want) {
		t.Fatalf("panels %q, want %q", names, want)
	}
	if cremona := ps[0]; !slices.Equal(cremona.requestedLbl, []string{"10", "<5", "<5"}) || cremona.requested[0] != 10 ||
		!slices.Equal(cremona.doneLabel, []string{"10", "<5", "<5"}) {
		t.Errorf("arca-cremona %+v", cremona)
	}
	if any := ps[1]; !slices.Equal(any.requestedLbl, []string{"<5", "<5", "5"}) {
		t.Errorf("any centre %+v", any)
	}
}

// The chart is a PNG with one panel per centre, also with nothing counted.
func TestChartIsPNG(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stats  []flows.Stat
		panels int
	}{{"sample", sample, 2}, {"empty", nil, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Callbacks{}.Chart(context.Background(), tc.stats, months)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := img.Bounds().Dy(), panelHeight*tc.panels; got != want {
				t.Errorf("height %d px, want %d", got, want)
			}
			if dir := os.Getenv("CHART_OUT"); dir != "" {
				_ = os.WriteFile(dir+"/"+tc.name+".png", b, 0o644)
			}
		})
	}
}
