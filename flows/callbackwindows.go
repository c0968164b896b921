package flows

import (
	"fmt"
	"frontdoor/flows/directory"
	"strings"
	"time"
)

// Her windows, while she writes a request, are kept in the session and in
// button data as specs: "asap", or a span of one day in Europe/Rome,
// "20270316.1800-2100", so that a window means after midnight what it
// meant when she chose it. Drafts written before specs hold keys such as
// "today.morning", which are still read.

// asapKey names the "as soon as possible" window, as spec and as Window.Key.
const asapKey = "asap"

// asapSpan is how long "as soon as possible" lasts.
const asapSpan = 24 * time.Hour

// The hours in which calls can be asked for: the first and the last part
// of the day.
var (
	callDayStart = directory.Clock(dayParts[0].start * 60)
	callDayEnd   = directory.Clock(dayParts[len(dayParts)-1].stop * 60)
)

// windowSpec is the spec of w.
func windowSpec(w Window) string {
	if w.Key == asapKey {
		return asapKey
	}
	d := directory.DateOf(w.Start)
	from, to := clockIn(d, w.Start), clockIn(d, w.End)
	return fmt.Sprintf("%04d%02d%02d.%02d%02d-%02d%02d", d.Year, int(d.Month), d.Day, from/60, from%60, to/60, to%60)
}

// clockIn is t as minutes since the start of d, which may pass 1440.
func clockIn(d directory.Date, t time.Time) directory.Clock {
	return directory.Clock(t.Sub(d.Time(0)) / time.Minute)
}

// parseWindowSpec reads a spec as seen at now. Specs come back in button
// data and may be old or forged: ok is false for anything that is not a
// span within the hours calls can be asked for.
func parseWindowSpec(spec string, now time.Time) (Window, bool) {
	if spec == asapKey {
		now = now.In(directory.Rome)
		return Window{Start: now, End: now.Add(asapSpan), Key: asapKey}, true
	}
	if w, _, ok := windowFor(spec, now); ok {
		return Window{Start: w.Start, End: w.End}, true
	}
	date, span, ok := strings.Cut(spec, ".")
	if !ok || len(date) != 8 || len(span) != 9 || span[4] != '-' {
		return Window{}, false
	}
	y, ok1 := directory.ParseDigits(date[:4], 4, 4)
	m, ok2 := directory.ParseDigits(date[4:6], 2, 2)
	dd, ok3 := directory.ParseDigits(date[6:], 2, 2)
	from, ok4 := specClock(span[:4])
	to, ok5 := specClock(span[5:])
	d := directory.Date{Year: y, Month: time.Month(m), Day: dd}
	if !(ok1 && ok2 && ok3 && ok4 && ok5) || !d.Valid() || from < callDayStart || to > callDayEnd || from >= to {
		return Window{}, false
	}
	return Window{Start: d.Time(from), End: d.Time(to)}, true
}

// specClock reads "HHMM".
func specClock(s string) (directory.Clock, bool) {
	h, ok1 := directory.ParseDigits(s[:2], 2, 2)
	m, ok2 := directory.ParseDigits(s[2:], 2, 2)
	if !ok1 || !ok2 || m > 59 {
		return 0, false
	}
	return directory.Clock(h*60 + m), true
}

// offeredWindows are the windows of the buttons, as seen at now: each part
// of today that has not ended, each part of tomorrow, then "as soon as
// possible".
func offeredWindows(now time.Time) []Window {
	var out []Window
	for _, k := range windowKeys {
		if w, past, ok := windowFor(k, now); ok && !past {
			if k == asapKey {
				w.Key = asapKey
			} else {
				w.Key = ""
			}
			out = append(out, w)
		}
	}
	return out
}

// windowPart is the part of the day ("morning") that w spans exactly, if any.
func windowPart(w Window) (string, bool) {
	d := directory.DateOf(w.Start)
	for _, p := range dayParts {
		if w.Start.Equal(d.Time(directory.Clock(p.start*60))) && w.End.Equal(d.Time(directory.Clock(p.stop*60))) {
			return p.key, true
		}
	}
	return "", false
}

// windowText names a window for her with its hours, "Stasera, 18–21", so
// that she confirms hours and not a word whose meaning varies ("sera").
func windowText(w Window, now time.Time) Text {
	if w.Key == asapKey {
		return T("cb.win.asap")
	}
	day, today := directory.DateOf(w.Start), directory.DateOf(now)
	var label Text
	switch day {
	case today, today.AddDays(1):
		rel := "today"
		if day != today {
			rel = "tomorrow"
		}
		label = T("cb.day." + rel)
		if p, ok := windowPart(w); ok {
			label = T("cb.win." + rel + "." + p)
		}
	default:
		label = dateText(day)
	}
	return T("cb.window.span", "Label", label, "Hours", hoursText(w.Start, w.End))
}

// windowTexts names each of wins.
func windowTexts(wins []Window, now time.Time) []Text {
	out := make([]Text, len(wins))
	for i, w := range wins {
		out[i] = windowText(w, now)
	}
	return out
}

// hoursText is a span of hours as people write it: "18–21", "20:30–21".
func hoursText(from, to time.Time) string {
	return shortClock(from) + "–" + shortClock(to)
}

func shortClock(t time.Time) string {
	t = t.In(directory.Rome)
	return directory.Clock(t.Hour()*60 + t.Minute()).Short()
}
