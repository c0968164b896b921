// Package chart draws the anonymous statistics as a PNG: per centre, the
// callbacks requested and done each month. It uses gonum.org/v1/plot, a
// maintained pure-Go plotting library with embedded fonts, so the chart
// looks the same on every host.
package chart

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"frontdoor/flows"
)

// Callbacks draws the monthly callbacks requested and done per centre.
type Callbacks struct{}

var _ flows.StatsChart = Callbacks{}

// maxCentres bounds the panels of one chart, and so its height.
const maxCentres = 40

// Sizes of the image: one panel per centre.
const (
	width       = 16 * vg.Centimeter
	panelHeight = 5 * vg.Centimeter
	barWidth    = 12 * vg.Millimeter
)

// Colours of the two series, told apart without colour too (the legend).
var (
	requestedColour = color.RGBA{R: 0x5b, G: 0x8d, B: 0xd6, A: 0xff}
	doneColour      = color.RGBA{R: 0x3d, G: 0xa3, B: 0x6c, A: 0xff}
)

// panel is what one centre's panel shows: the heights drawn and their
// labels, both already suppressed.
type panel struct {
	centre                  string
	requested, done         []float64
	requestedLbl, doneLabel []string
}

// suppressedHeight is the height drawn for a count under 5, 0 included,
// labelled "<5": the bar never tells none from a few.
const suppressedHeight = 2

// panels sums the counters per centre and month, shows every sum as
// flows.Figure does in heights and labels alike, and leaves out the
// centres whose every sum is under 5.
func panels(stats []flows.Stat, months []string) []panel {
	type key struct{ centre, month, name string }
	sums := map[key]int64{}
	var centres []string
	for _, s := range stats {
		if s.Name != flows.CountRequested && s.Name != flows.CountDone {
			continue
		}
		c := s.Centre
		if c == "" {
			c = s.Network + ": any centre"
		}
		sums[key{c, s.Month, s.Name}] += s.N
		if !slices.Contains(centres, c) {
			centres = append(centres, c)
		}
	}
	slices.Sort(centres)
	if len(centres) > maxCentres {
		centres = centres[:maxCentres]
	}
	out := make([]panel, 0, len(centres))
	for _, c := range centres {
		p := panel{centre: c}
		shown := false
		for _, m := range months {
			r, d := sums[key{c, m, flows.CountRequested}], sums[key{c, m, flows.CountDone}]
			p.requested, p.requestedLbl = append(p.requested, height(r)), append(p.requestedLbl, flows.Figure(r))
			p.done, p.doneLabel = append(p.done, height(d)), append(p.doneLabel, flows.Figure(d))
			shown = shown || flows.Rounded(r) > 0 || flows.Rounded(d) > 0
		}
		if shown {
			out = append(out, p)
		}
	}
	return out
}

// height is the bar drawn for a count.
func height(n int64) float64 {
	if r := flows.Rounded(n); r > 0 {
		return float64(r)
	}
	return suppressedHeight
}

// Chart draws the PNG. With no centre to show it draws one panel saying
// so, rather than failing.
func (Callbacks) Chart(ctx context.Context, stats []flows.Stat, months []string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	ps := panels(stats, months)
	if len(ps) == 0 {
		low := make([]float64, len(months))
		lbl := make([]string, len(months))
		for i := range lbl {
			low[i], lbl[i] = height(0), flows.Figure(0)
		}
		ps = []panel{{centre: "no centre with 5 callbacks or more", requested: low, done: low, requestedLbl: lbl, doneLabel: lbl}}
	}
	plots := make([][]*plot.Plot, len(ps))
	for i, p := range ps {
		pl, err := draw1(p, months)
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		plots[i] = []*plot.Plot{pl}
	}
	img := vgimg.New(width, panelHeight*vg.Length(len(ps)))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: len(ps), Cols: 1, PadY: 2 * vg.Millimeter, PadTop: 2 * vg.Millimeter, PadBottom: 2 * vg.Millimeter, PadLeft: 2 * vg.Millimeter, PadRight: 2 * vg.Millimeter}
	canvases := plot.Align(plots, tiles, dc)
	for i := range plots {
		plots[i][0].Draw(canvases[i][0])
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// draw1 makes one centre's panel.
func draw1(p panel, months []string) (*plot.Plot, error) {
	pl := plot.New()
	pl.Title.Text = p.centre
	pl.Y.Min = 0
	req, err := plotter.NewBarChart(plotter.Values(p.requested), barWidth)
	if err != nil {
		return nil, err
	}
	done, err := plotter.NewBarChart(plotter.Values(p.done), barWidth)
	if err != nil {
		return nil, err
	}
	req.Color, req.LineStyle.Width, req.Offset = requestedColour, 0, -barWidth/2
	done.Color, done.LineStyle.Width, done.Offset = doneColour, 0, barWidth/2
	pl.Add(req, done)
	for _, s := range []struct {
		heights []float64
		labels  []string
		dx      vg.Length
	}{{p.requested, p.requestedLbl, -barWidth / 2}, {p.done, p.doneLabel, barWidth / 2}} {
		xys := make([]plotter.XY, len(s.heights))
		for i, h := range s.heights {
			xys[i] = plotter.XY{X: float64(i), Y: h}
		}
		l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: s.labels})
		if err != nil {
			return nil, err
		}
		l.Offset = vg.Point{X: s.dx - 2*vg.Millimeter, Y: vg.Millimeter}
		pl.Add(l)
	}
	pl.Legend.Add("requested", req)
	pl.Legend.Add("done", done)
	pl.Legend.Top, pl.Legend.Left = true, true
	pl.NominalX(months...)
	// The labels carry the values: no ticks, which would read a
	// suppressed bar as 4.
	pl.Y.Tick.Marker = plot.ConstantTicks(nil)
	// Room above the highest bar for its label and the legend.
	pl.Y.Max = max(pl.Y.Max*1.8, suppressedHeight*2)
	return pl, nil
}
