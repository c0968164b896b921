package directory

import (
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Rome must work on hosts without zoneinfo.
)

// Rome is Europe/Rome, the zone of every opening hour in the directory. It
// comes from the tzdata embedded in the binary when the host has none, so
// "open now" never silently falls back to UTC.
var Rome = mustLoadRome()

func mustLoadRome() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		// Cannot happen: time/tzdata is embedded above.
		panic(fmt.Sprintf("flows: loading Europe/Rome: %v", err))
	}
	return loc
}

// openingHorizonDays bounds how far ahead OpenAt and NextOpening look, so a
// centre without hours costs a bounded amount of work.
const openingHorizonDays = 60

// DateOf is the civil date of t in Rome, the date a woman sees on her phone.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Rome).Date()
	return Date{Year: y, Month: m, Day: d}
}

// Time is the instant of the wall-clock time c on d in Rome. A time in the
// spring-forward gap is normalised by time.Date (02:30 becomes 03:30 CEST);
// c == 1440 is midnight at the end of d.
func (d Date) Time(c Clock) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, int(c), 0, 0, Rome)
}

// AddDays is the date n calendar days after d (before it when n < 0),
// counting days and not 24-hour periods, so DST changes do not matter.
func (d Date) AddDays(n int) Date {
	y, m, dd := d.civil().AddDate(0, 0, n).Date()
	return Date{Year: y, Month: m, Day: dd}
}

// Weekday is the day of the week of d, the index into a Week.
func (d Date) Weekday() time.Weekday { return d.civil().Weekday() }

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool {
	if d.Year != o.Year {
		return d.Year < o.Year
	}
	if d.Month != o.Month {
		return d.Month < o.Month
	}
	return d.Day < o.Day
}

// String formats d as 2006-01-02, the form used in files and logs.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// civil is noon UTC of d: a fixed point for calendar arithmetic that no
// zone rule can move to another day.
func (d Date) civil() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
}

// Valid reports whether d is a real calendar day (not 31 April).
func (d Date) Valid() bool {
	y, m, dd := d.civil().Date()
	return y == d.Year && m == d.Month && dd == d.Day
}

// ParseClock reads a time of day as volunteers write it: "9", "9:00",
// "09.30", "24:00" (the end of the day).
func ParseClock(s string) (Clock, error) {
	t := strings.TrimSpace(s)
	hs, ms, hasMin := strings.Cut(t, ":")
	if !hasMin {
		hs, ms, hasMin = strings.Cut(t, ".")
	}
	h, ok := ParseDigits(hs, 1, 2)
	if !ok {
		return 0, fmt.Errorf("clock %q: %w", s, errClockForm)
	}
	m := 0
	if hasMin {
		if m, ok = ParseDigits(ms, 2, 2); !ok {
			return 0, fmt.Errorf("clock %q: %w", s, errClockForm)
		}
	}
	switch {
	case h > 24:
		return 0, fmt.Errorf("clock %q: hour after 24", s)
	case m > 59:
		return 0, fmt.Errorf("clock %q: minutes after 59", s)
	case h == 24 && m != 0:
		return 0, fmt.Errorf("clock %q: after 24:00", s)
	}
	return Clock(h*60 + m), nil
}

var errClockForm = errors.New("want H, H:MM or H.MM (for example 9, 9:00, 13.30, 24:00)")

// ParseDigits reads an unsigned decimal of lo..hi ASCII digits.
func ParseDigits(s string, lo, hi int) (int, bool) {
	if len(s) < lo || len(s) > hi {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// String formats c as Italians read hours: "9:00", "13:30", "24:00".
func (c Clock) String() string {
	if c < 0 || c > 1440 {
		return fmt.Sprintf("Clock(%d)", int(c))
	}
	return fmt.Sprintf("%d:%02d", int(c)/60, int(c)%60)
}

// slotText formats a slot for error messages: "20:00-2:00".
func slotText(s Slot) string { return s.Open.String() + "-" + s.Close.String() }

// SlotsOn is the opening slots of c that start on d: none when d falls in
// one of its closures, or is a public holiday and the centre keeps holidays.
// A slot across midnight belongs to the day it starts on. The result is a
// copy the caller may keep.
func (c *Centre) SlotsOn(d Date) []Slot {
	s := c.slotsOn(d)
	if len(s) == 0 {
		return nil
	}
	return append([]Slot(nil), s...)
}

func (c *Centre) slotsOn(d Date) []Slot {
	if c.closedOn(d) {
		return nil
	}
	return c.Hours[d.Weekday()]
}

// closedOn reports whether a closure or a holiday cancels the hours of d.
func (c *Centre) closedOn(d Date) bool {
	if _, closed := ClosureOn(c, d); closed {
		return true
	}
	return !c.OpenOnHolidays && IsHoliday(d)
}

// OpenAt reports whether c is open at t and, if so, until when: slots that
// touch or overlap are one opening, so 9-13 and 13-17 give 17:00. until is
// the zero Time when the centre stays open past the search horizon (60
// days), as a round-the-clock service does.
func (c *Centre) OpenAt(t time.Time) (open bool, until time.Time) {
	for r := range c.openRuns(DateOf(t).AddDays(-1), openingHorizonDays+2) {
		if r.start.After(t) {
			break
		}
		if t.Before(r.end) {
			if r.cut {
				return true, time.Time{}
			}
			return true, r.end
		}
	}
	return false, time.Time{}
}

// NextOpening is the next moment at which c opens, passing from closed to
// open, for "closed now, opens Monday at 9:00". An opening under way at t,
// even one that starts exactly at t, does not count: c is open in it. It
// looks 60 days ahead and reports false when c does not open in that time.
func (c *Centre) NextOpening(t time.Time) (time.Time, bool) {
	for r := range c.openRuns(DateOf(t).AddDays(-1), openingHorizonDays+2) {
		if r.start.After(t) {
			return r.start, true
		}
	}
	return time.Time{}, false
}

// OpenWithin is how long c is open between from and to, for "can this
// centre call her in the window she chose".
func (c *Centre) OpenWithin(from, to time.Time) time.Duration {
	var open time.Duration
	days := min(int(to.Sub(from).Hours()/24)+3, openingHorizonDays+2)
	for r := range c.openRuns(DateOf(from).AddDays(-1), days) {
		if !r.start.Before(to) {
			break
		}
		if s, e := later(r.start, from), earlier(r.end, to); s.Before(e) {
			open += e.Sub(s)
		}
	}
	return open
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// openRun is a stretch of time during which a centre is open without a
// break: the union of slots that overlap or touch.
type openRun struct {
	start, end time.Time
	// cut is true when the run reaches the end of the dates searched, so
	// its real end is unknown.
	cut bool
}

// slotSpan is the instants of s on d. ok is false for slots that cannot be
// open: outside 0..1440, Open == Close, or swallowed by the DST gap.
func slotSpan(d Date, s Slot) (start, end time.Time, ok bool) {
	if s.Open < 0 || s.Open > 1440 || s.Close < 0 || s.Close > 1440 || s.Open == s.Close {
		return start, end, false
	}
	closeAt := s.Close
	if s.Close < s.Open {
		closeAt += 1440 // across midnight: ends on the next day
	}
	start, end = d.Time(s.Open), d.Time(closeAt)
	return start, end, start.Before(end)
}

// openRuns yields, in time order, the runs of opening time made of the slots
// that start on the days from, from+1, ... from+days-1. The first run may
// have begun earlier; runs starting on a day at or after from+1 are exact.
func (c *Centre) openRuns(from Date, days int) iter.Seq[openRun] {
	return func(yield func(openRun) bool) {
		var (
			cur  openRun
			have bool
			buf  [8]openRun
		)
		for i := range days {
			d := from.AddDays(i)
			day := buf[:0]
			for _, s := range c.slotsOn(d) {
				if st, en, ok := slotSpan(d, s); ok {
					day = append(day, openRun{start: st, end: en})
				}
			}
			// Slots within a day need not be in order in the data. The
			// starts of one day all fall before those of the next, so
			// sorting each day sorts them all.
			for j := 1; j < len(day); j++ {
				for k := j; k > 0 && day[k].start.Before(day[k-1].start); k-- {
					day[k], day[k-1] = day[k-1], day[k]
				}
			}
			for _, r := range day {
				if have && !r.start.After(cur.end) {
					if r.end.After(cur.end) {
						cur.end = r.end
					}
					continue
				}
				if have && !yield(cur) {
					return
				}
				cur, have = r, true
			}
		}
		if have {
			cur.cut = !cur.end.Before(from.AddDays(days).Time(0))
			yield(cur)
		}
	}
}

// Short writes a clock without minutes when they are zero: "18", "20:30".
func (c Clock) Short() string {
	if c%60 == 0 {
		return fmt.Sprint(int(c) / 60)
	}
	return fmt.Sprintf("%d:%02d", int(c)/60, int(c)%60)
}

// ClosureOn is the closure of c that includes day, if any.
func ClosureOn(c *Centre, day Date) (Closure, bool) {
	for _, cl := range c.Closures {
		if !day.Before(cl.From) && !cl.To.Before(day) {
			return cl, true
		}
	}
	return Closure{}, false
}

// SlotsText writes the slots of a day as people read them: "9:00–13:00,
// 14:00–18:00".
func SlotsText(slots []Slot) string {
	parts := make([]string, len(slots))
	for i, s := range slots {
		parts[i] = s.Open.String() + "–" + s.Close.String()
	}
	return strings.Join(parts, ", ")
}

// WeekString writes a week compactly for the audit trail: "Mon 9:00–13:00;
// Tue 14:00–18:00". The audit shows it in her language (auditValue).
func WeekString(w Week) string {
	var parts []string
	for i := 1; i <= 7; i++ {
		day := time.Weekday(i % 7)
		if len(w[day]) > 0 {
			parts = append(parts, day.String()[:3]+" "+SlotsText(w[day]))
		}
	}
	return strings.Join(parts, "; ")
}
