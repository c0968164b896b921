// Package chart draws the anonymous statistics as a PNG: per centre, the
// callbacks requested and done each month. It draws the bars itself with
// the standard image packages and the Go fonts (as the poster does): a
// plotting library would weigh a quarter of the binary for one bar chart,
// and the embedded fonts make the chart look the same on every host.
package chart

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"slices"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"frontdoor/flows"
)

// Callbacks draws the monthly callbacks requested and done per centre.
type Callbacks struct{}

var _ flows.StatsChart = Callbacks{}

// maxCentres bounds the panels of one chart, and so its height.
const maxCentres = 40

// Sizes of the image in pixels: one panel per centre, a row of two bars
// per month.
const (
	width       = 900
	panelHeight = 260
	margin      = 24
	plotTop     = 64 // below the title and the legend
	plotBottom  = 36 // room for the month under the axis
)

// Colours of the two series, told apart without colour too (the legend,
// and the order: requested left, done right).
var (
	requestedColour = color.RGBA{R: 0x5b, G: 0x8d, B: 0xd6, A: 0xff}
	doneColour      = color.RGBA{R: 0x3d, G: 0xa3, B: 0x6c, A: 0xff}
	inkColour       = color.RGBA{R: 0x26, G: 0x32, B: 0x38, A: 0xff}
	axisColour      = color.RGBA{R: 0x90, G: 0x99, B: 0xa0, A: 0xff}
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

// faces are the fonts of a chart.
type faces struct{ title, text, small font.Face }

func newFaces() (faces, error) {
	var f faces
	for _, x := range []struct {
		ttf  []byte
		size float64
		into *font.Face
	}{{gobold.TTF, 20, &f.title}, {goregular.TTF, 15, &f.text}, {goregular.TTF, 13, &f.small}} {
		parsed, err := opentype.Parse(x.ttf)
		if err != nil {
			return faces{}, err
		}
		if *x.into, err = opentype.NewFace(parsed, &opentype.FaceOptions{Size: x.size, DPI: 72, Hinting: font.HintingFull}); err != nil {
			return faces{}, err
		}
	}
	return f, nil
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
	f, err := newFaces()
	if err != nil {
		return nil, fmt.Errorf("chart: font: %w", err)
	}
	img := image.NewRGBA(image.Rect(0, 0, width, panelHeight*len(ps)))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for i, p := range ps {
		drawPanel(img, f, image.Rect(0, i*panelHeight, width, (i+1)*panelHeight), p, months)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("chart: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// drawPanel draws one centre's panel into r: its title, the legend, and
// for each month the two bars with their labels above and the month
// below. There is no y axis: the labels carry the values, and ticks would
// read a suppressed bar as 4.
func drawPanel(img *image.RGBA, f faces, r image.Rectangle, p panel, months []string) {
	text(img, f.title, p.centre, r.Min.X+margin, r.Min.Y+30, inkColour)
	x := r.Max.X - margin - 220
	for _, l := range []struct {
		name string
		c    color.Color
	}{{"requested", requestedColour}, {"done", doneColour}} {
		fill(img, image.Rect(x, r.Min.Y+18, x+14, r.Min.Y+32), l.c)
		text(img, f.text, l.name, x+20, r.Min.Y+31, inkColour)
		x += 120
	}
	plot := image.Rect(r.Min.X+margin, r.Min.Y+plotTop, r.Max.X-margin, r.Max.Y-plotBottom)
	top := float64(suppressedHeight * 2)
	for _, h := range append(slices.Clone(p.requested), p.done...) {
		top = max(top, h)
	}
	top *= 1.15 // room for the label above the highest bar
	fill(img, image.Rect(plot.Min.X, plot.Max.Y, plot.Max.X, plot.Max.Y+1), axisColour)
	group := plot.Dx() / max(len(months), 1)
	bar := min(group*3/10, 60)
	for i, m := range months {
		mid := plot.Min.X + i*group + group/2
		for _, b := range []struct {
			x     int
			h     float64
			label string
			c     color.Color
		}{{mid - bar - 2, p.requested[i], p.requestedLbl[i], requestedColour}, {mid + 2, p.done[i], p.doneLabel[i], doneColour}} {
			px := int(b.h / top * float64(plot.Dy()))
			fill(img, image.Rect(b.x, plot.Max.Y-px, b.x+bar, plot.Max.Y), b.c)
			centred(img, f.small, b.label, b.x+bar/2, plot.Max.Y-px-5)
		}
		centred(img, f.text, m, mid, plot.Max.Y+22)
	}
}

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// text draws s with its baseline starting at (x, y).
func text(img *image.RGBA, f font.Face, s string, x, y int, c color.Color) {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: f, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// centred draws s centred on x, with its baseline at y.
func centred(img *image.RGBA, f font.Face, s string, x, y int) {
	w := font.MeasureString(f, s).Round()
	text(img, f, s, x-w/2, y, inkColour)
}
