package directory_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"frontdoor/flows/directory"
)

// dtRome is a wall-clock time in Rome; not for the ambiguous hour of the
// autumn change (use dtUTC there).
// rome builds a wall-clock time in Europe/Rome.
func rome(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, directory.Rome)
}

func dtUTC(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, time.UTC)
}

func dtDate(y int, m time.Month, d int) directory.Date {
	return directory.Date{Year: y, Month: m, Day: d}
}

// The centres of the hours tests. Each is built fresh, so a test may change it.
var (
	// dtStd: Monday to Friday 9-13, Wednesday also 14-17, Friday night 20-02.
	dtStd = func() *directory.Centre {
		w := dtWeekdays(slot("9", "13"))
		w[time.Wednesday] = append(w[time.Wednesday], slot("14", "17"))
		w[time.Friday] = append(w[time.Friday], slot("20:00", "2:00"))
		return &directory.Centre{ID: "std", Hours: w}
	}
	// dtOffice: Monday to Friday 9-18.
	dtOffice = func() *directory.Centre { return &directory.Centre{ID: "office", Hours: dtWeekdays(slot("9", "18"))} }
	// dtDaily: every day 9-13.
	dtDaily = func() *directory.Centre {
		var w directory.Week
		for d := range w {
			w[d] = []directory.Slot{slot("9", "13")}
		}
		return &directory.Centre{ID: "daily", Hours: w}
	}
	// dtSunday: Sunday 9-13 and Saturday night 20-04, holidays included: the
	// DST changes fall on Sunday nights (and Easter 2027 on one of them).
	dtSunday = func() *directory.Centre {
		return &directory.Centre{ID: "sunday", OpenOnHolidays: true, Hours: directory.Week{
			time.Sunday:   {slot("9", "13")},
			time.Saturday: {slot("20", "4")},
		}}
	}
	// dtSplit: slots that touch or overlap, not in order in the data.
	dtSplit = func() *directory.Centre {
		return &directory.Centre{ID: "split", Hours: directory.Week{
			time.Tuesday:  {slot("13", "17"), slot("9", "13")},
			time.Thursday: {slot("9", "13"), slot("12", "18")},
			time.Friday:   {slot("20", "2")},
			time.Saturday: {slot("0", "6"), slot("20", "24")},
		}}
	}
	// dtAlways: round the clock.
	dtAlways = func() *directory.Centre {
		var w directory.Week
		for d := range w {
			w[d] = []directory.Slot{slot("0", "24")}
		}
		return &directory.Centre{ID: "always", OpenOnHolidays: true, Hours: w}
	}
	// dtWorkweek: round the clock from Monday to Friday.
	dtWorkweek = func() *directory.Centre { return &directory.Centre{ID: "workweek", Hours: dtWeekdays(slot("0", "24"))} }
)

func dtWithClosure(c *directory.Centre, from, to directory.Date) *directory.Centre {
	c.Closures = append(c.Closures, directory.Closure{From: from, To: to, Reason: "test"})
	return c
}

func dtHolidaysOpen(c *directory.Centre) *directory.Centre { c.OpenOnHolidays = true; return c }

func TestCentreOpenAt(t *testing.T) {
	august := func(c *directory.Centre) *directory.Centre {
		return dtWithClosure(c, dtDate(2027, 8, 2), dtDate(2027, 8, 6))
	}
	var never time.Time
	tests := []struct {
		name   string
		centre *directory.Centre
		at     time.Time
		open   bool
		until  time.Time
	}{
		{"before opening", dtStd(), rome(2027, 3, 8, 8, 59), false, never},
		{"at opening", dtStd(), rome(2027, 3, 8, 9, 0), true, rome(2027, 3, 8, 13, 0)},
		{"last minute", dtStd(), rome(2027, 3, 8, 12, 59), true, rome(2027, 3, 8, 13, 0)},
		{"at closing", dtStd(), rome(2027, 3, 8, 13, 0), false, never},
		{"second slot", dtStd(), rome(2027, 3, 10, 16, 0), true, rome(2027, 3, 10, 17, 0)},
		{"between slots", dtStd(), rome(2027, 3, 10, 13, 30), false, never},
		{"sunday", dtStd(), rome(2027, 3, 7, 10, 0), false, never},
		{"asked in another zone", dtStd(), dtUTC(2027, 3, 8, 8, 30), true, rome(2027, 3, 8, 13, 0)},

		// Friday 20:00-02:00 belongs to Friday and runs into Saturday.
		{"friday before the night", dtStd(), rome(2027, 3, 5, 19, 59), false, never},
		{"friday night", dtStd(), rome(2027, 3, 5, 23, 59), true, rome(2027, 3, 6, 2, 0)},
		{"saturday 01:00 after friday night", dtStd(), rome(2027, 3, 6, 1, 0), true, rome(2027, 3, 6, 2, 0)},
		{"saturday 02:00", dtStd(), rome(2027, 3, 6, 2, 0), false, never},
		{"saturday 02:30", dtStd(), rome(2027, 3, 6, 2, 30), false, never},
		{"thursday 01:00: no wednesday night", dtStd(), rome(2027, 3, 4, 1, 0), false, never},

		// Spring forward, Sunday 28 March 2027 (also Easter): 02:00 CET -> 03:00 CEST.
		{"spring 08:59 local", dtSunday(), dtUTC(2027, 3, 28, 6, 59), false, never},
		{"spring 09:00 local", dtSunday(), dtUTC(2027, 3, 28, 7, 0), true, dtUTC(2027, 3, 28, 11, 0)},
		{"spring 12:59 local", dtSunday(), dtUTC(2027, 3, 28, 10, 59), true, dtUTC(2027, 3, 28, 11, 0)},
		{"spring 13:00 local", dtSunday(), dtUTC(2027, 3, 28, 11, 0), false, never},
		{"spring night 01:30 CET", dtSunday(), dtUTC(2027, 3, 28, 0, 30), true, dtUTC(2027, 3, 28, 2, 0)},
		{"spring night 03:30 CEST", dtSunday(), dtUTC(2027, 3, 28, 1, 30), true, dtUTC(2027, 3, 28, 2, 0)},
		{"spring night 04:00 CEST", dtSunday(), dtUTC(2027, 3, 28, 2, 0), false, never},

		// Fall back, Sunday 31 October 2027: 03:00 CEST -> 02:00 CET.
		{"autumn 08:30 local (09:30 summer time)", dtSunday(), dtUTC(2027, 10, 31, 7, 30), false, never},
		{"autumn 09:00 local", dtSunday(), dtUTC(2027, 10, 31, 8, 0), true, dtUTC(2027, 10, 31, 12, 0)},
		{"autumn 12:59 local", dtSunday(), dtUTC(2027, 10, 31, 11, 59), true, dtUTC(2027, 10, 31, 12, 0)},
		{"autumn 13:00 local", dtSunday(), dtUTC(2027, 10, 31, 12, 0), false, never},
		{"autumn night first 02:30", dtSunday(), dtUTC(2027, 10, 31, 0, 30), true, dtUTC(2027, 10, 31, 3, 0)},
		{"autumn night second 02:30", dtSunday(), dtUTC(2027, 10, 31, 1, 30), true, dtUTC(2027, 10, 31, 3, 0)},
		{"autumn night 04:00 CET", dtSunday(), dtUTC(2027, 10, 31, 3, 0), false, never},

		// Slots that touch or overlap are one opening.
		{"adjacent slots", dtSplit(), rome(2027, 3, 2, 10, 0), true, rome(2027, 3, 2, 17, 0)},
		{"adjacent slots, second", dtSplit(), rome(2027, 3, 2, 13, 0), true, rome(2027, 3, 2, 17, 0)},
		{"overlapping slots", dtSplit(), rome(2027, 3, 4, 10, 0), true, rome(2027, 3, 4, 18, 0)},
		{"night into early morning", dtSplit(), rome(2027, 3, 5, 21, 0), true, rome(2027, 3, 6, 6, 0)},
		{"until midnight", dtSplit(), rome(2027, 3, 6, 23, 59), true, rome(2027, 3, 7, 0, 0)},
		{"whole days merge", dtWorkweek(), rome(2027, 3, 8, 10, 0), true, rome(2027, 3, 13, 0, 0)},
		{"round the clock: no end in sight", dtAlways(), rome(2027, 3, 8, 10, 0), true, never},

		// Holidays.
		{"easter monday", dtStd(), rome(2027, 3, 29, 10, 0), false, never},
		{"easter monday, open on holidays", dtHolidaysOpen(dtStd()), rome(2027, 3, 29, 10, 0), true, rome(2027, 3, 29, 13, 0)},
		{"easter sunday", dtDaily(), rome(2027, 3, 28, 10, 0), false, never},
		{"tuesday after easter", dtStd(), rome(2027, 3, 30, 10, 0), true, rome(2027, 3, 30, 13, 0)},
		{"25 april", dtStd(), rome(2025, 4, 25, 10, 0), false, never},
		{"25 april night", dtStd(), rome(2025, 4, 25, 21, 0), false, never},
		{"after 25 april night", dtStd(), rome(2025, 4, 26, 1, 0), false, never},
		{"24 april", dtStd(), rome(2025, 4, 24, 10, 0), true, rome(2025, 4, 24, 13, 0)},
		{"4 october 2025: not yet a holiday", dtDaily(), rome(2025, 10, 4, 10, 0), true, rome(2025, 10, 4, 13, 0)},
		{"4 october 2026: holiday", dtDaily(), rome(2026, 10, 4, 10, 0), false, never},
		{"4 october 2027: holiday", dtStd(), rome(2027, 10, 4, 10, 0), false, never},

		// Closure 2 to 6 August 2027, both ends included.
		{"day before closure", august(dtStd()), rome(2027, 7, 30, 10, 0), true, rome(2027, 7, 30, 13, 0)},
		{"night before closure", august(dtStd()), rome(2027, 7, 31, 1, 0), true, rome(2027, 7, 31, 2, 0)},
		{"first day of closure", august(dtStd()), rome(2027, 8, 2, 10, 0), false, never},
		{"last day of closure", august(dtStd()), rome(2027, 8, 6, 10, 0), false, never},
		{"last night of closure", august(dtStd()), rome(2027, 8, 7, 1, 0), false, never},
		{"day after closure", august(dtStd()), rome(2027, 8, 9, 9, 0), true, rome(2027, 8, 9, 13, 0)},

		// Bad data that NewDirectory would refuse is never open, and never panics.
		{"bad slots", &directory.Centre{Hours: directory.Week{time.Monday: {{Open: 600, Close: 600}, {Open: -5, Close: 2000}}}},
			rome(2027, 3, 8, 10, 0), false, never},
		{"no hours", &directory.Centre{}, rome(2027, 3, 8, 10, 0), false, never},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			open, until := tt.centre.OpenAt(tt.at)
			if open != tt.open || !until.Equal(tt.until) {
				t.Errorf("OpenAt(%s) = %v, %s; want %v, %s", tt.at.In(directory.Rome), open, dtShow(until), tt.open, dtShow(tt.until))
			}
			if !until.IsZero() && until.Location() != directory.Rome {
				t.Errorf("until is in %v, want Europe/Rome", until.Location())
			}
		})
	}
}

func dtShow(t time.Time) string {
	if t.IsZero() {
		return "zero"
	}
	return t.In(directory.Rome).Format("Mon 2006-01-02 15:04 MST")
}

func TestCentreNextOpening(t *testing.T) {
	tests := []struct {
		name   string
		centre *directory.Centre
		at     time.Time
		want   time.Time // zero: none
	}{
		{"friday evening to monday", dtOffice(), rome(2027, 3, 5, 18, 0), rome(2027, 3, 8, 9, 0)},
		{"friday while open to monday", dtOffice(), rome(2027, 3, 5, 17, 0), rome(2027, 3, 8, 9, 0)},
		{"saturday to monday", dtOffice(), rome(2027, 3, 6, 12, 0), rome(2027, 3, 8, 9, 0)},
		{"early morning to the same day", dtOffice(), rome(2027, 3, 8, 7, 0), rome(2027, 3, 8, 9, 0)},
		{"a minute before", dtOffice(), rome(2027, 3, 8, 8, 59), rome(2027, 3, 8, 9, 0)},
		{"at opening: already open, so tomorrow", dtOffice(), rome(2027, 3, 8, 9, 0), rome(2027, 3, 9, 9, 0)},
		{"friday evening slot", dtStd(), rome(2027, 3, 5, 18, 0), rome(2027, 3, 5, 20, 0)},
		{"afternoon slot", dtStd(), rome(2027, 3, 10, 13, 0), rome(2027, 3, 10, 14, 0)},
		{"adjacent slot is no new opening", dtSplit(), rome(2027, 3, 2, 10, 0), rome(2027, 3, 4, 9, 0)},
		{"night into morning is one opening", dtSplit(), rome(2027, 3, 5, 21, 0), rome(2027, 3, 6, 20, 0)},
		{"across easter monday", dtOffice(), rome(2027, 3, 26, 18, 0), rome(2027, 3, 30, 9, 0)},
		{"across a closure", dtWithClosure(dtOffice(), dtDate(2027, 8, 2), dtDate(2027, 8, 6)), rome(2027, 7, 30, 18, 0), rome(2027, 8, 9, 9, 0)},
		{"inside a closure", dtWithClosure(dtStd(), dtDate(2027, 8, 2), dtDate(2027, 8, 6)), rome(2027, 8, 4, 10, 0), rome(2027, 8, 9, 9, 0)},
		{"spring forward", dtSunday(), dtUTC(2027, 3, 28, 5, 0), dtUTC(2027, 3, 28, 7, 0)},
		{"autumn back", dtSunday(), dtUTC(2027, 10, 31, 7, 30), dtUTC(2027, 10, 31, 8, 0)},
		{"saturday night across spring forward", dtSunday(), rome(2027, 3, 27, 12, 0), dtUTC(2027, 3, 27, 19, 0)},
		{"closure of 50 days", dtWithClosure(dtOffice(), dtDate(2027, 1, 1), dtDate(2027, 2, 19)), rome(2027, 1, 4, 10, 0), rome(2027, 2, 22, 9, 0)},
		{"closure of 70 days: none within 60", dtWithClosure(dtOffice(), dtDate(2027, 1, 1), dtDate(2027, 3, 11)), rome(2027, 1, 4, 10, 0), time.Time{}},
		{"no hours", &directory.Centre{}, rome(2027, 3, 8, 10, 0), time.Time{}},
		{"round the clock", dtAlways(), rome(2027, 3, 8, 10, 0), time.Time{}},
		{"workweek round the clock", dtWorkweek(), rome(2027, 3, 8, 10, 0), rome(2027, 3, 15, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.centre.NextOpening(tt.at)
			if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
				t.Errorf("NextOpening(%s) = %s, %v; want %s", dtShow(tt.at), dtShow(got), ok, dtShow(tt.want))
			}
			if ok {
				if open, _ := tt.centre.OpenAt(got); !open {
					t.Errorf("not open at its next opening %s", dtShow(got))
				}
				if open, _ := tt.centre.OpenAt(got.Add(-time.Minute)); open {
					t.Errorf("already open a minute before its next opening %s", dtShow(got))
				}
			}
		})
	}
}

func TestCentreSlotsOn(t *testing.T) {
	c := dtWithClosure(dtStd(), dtDate(2027, 8, 2), dtDate(2027, 8, 6))
	tests := []struct {
		day  directory.Date
		want []directory.Slot
	}{
		{dtDate(2027, 3, 8), []directory.Slot{slot("9", "13")}},
		{dtDate(2027, 3, 10), []directory.Slot{slot("9", "13"), slot("14", "17")}},
		{dtDate(2027, 3, 12), []directory.Slot{slot("9", "13"), slot("20", "2")}},
		{dtDate(2027, 3, 13), nil},
		{dtDate(2027, 3, 29), nil}, // Easter Monday
		{dtDate(2027, 8, 2), nil},
		{dtDate(2027, 8, 6), nil},
		{dtDate(2027, 8, 9), []directory.Slot{slot("9", "13")}},
	}
	for _, tt := range tests {
		if got := c.SlotsOn(tt.day); !slices.Equal(got, tt.want) {
			t.Errorf("SlotsOn(%s) = %v, want %v", tt.day, got, tt.want)
		}
	}
	got := c.SlotsOn(dtDate(2027, 3, 8))
	got[0].Open = 0
	if c.Hours[time.Monday][0].Open != 540 {
		t.Error("changing the result of SlotsOn changed the centre")
	}
	if got := dtHolidaysOpen(dtStd()).SlotsOn(dtDate(2027, 3, 29)); len(got) != 1 {
		t.Errorf("SlotsOn(Easter Monday) with OpenOnHolidays = %v, want Monday's slot", got)
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in   string
		want directory.Clock
		ok   bool
	}{
		{"9", 540, true},
		{"9:00", 540, true},
		{"09:00", 540, true},
		{"09.30", 570, true},
		{"13:30", 810, true},
		{"0", 0, true},
		{"0:05", 5, true},
		{"24:00", 1440, true},
		{"24", 1440, true},
		{" 18:45 ", 1125, true},
		{"", 0, false},
		{"25", 0, false},
		{"24:01", 0, false},
		{"9:60", 0, false},
		{"9:5", 0, false},
		{"9:", 0, false},
		{":30", 0, false},
		{"9h", 0, false},
		{"9,30", 0, false},
		{"-1", 0, false},
		{"+9", 0, false},
		{"009", 0, false},
		{"9:00:00", 0, false},
		{"９", 0, false},
		{"nine", 0, false},
	}
	for _, tt := range tests {
		got, err := directory.ParseClock(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseClock(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestClockString(t *testing.T) {
	for _, tt := range []struct {
		c    directory.Clock
		want string
	}{{540, "9:00"}, {810, "13:30"}, {0, "0:00"}, {5, "0:05"}, {1439, "23:59"}, {1440, "24:00"}, {-1, "Clock(-1)"}, {1441, "Clock(1441)"}} {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("Clock(%d).String() = %q, want %q", int(tt.c), got, tt.want)
		}
	}
	for c := directory.Clock(0); c <= 1440; c++ {
		if back, err := directory.ParseClock(c.String()); err != nil || back != c {
			t.Fatalf("ParseClock(%q) = %d, %v; want %d", c.String(), back, err, c)
		}
	}
}

func TestDates(t *testing.T) {
	for _, tt := range []struct {
		at   time.Time
		want directory.Date
	}{
		{dtUTC(2026, 12, 31, 23, 30), dtDate(2027, 1, 1)},
		{dtUTC(2027, 1, 1, 22, 30), dtDate(2027, 1, 1)},
		{dtUTC(2027, 6, 30, 22, 30), dtDate(2027, 7, 1)},
		{dtUTC(2027, 6, 30, 21, 59), dtDate(2027, 6, 30)},
	} {
		if got := directory.DateOf(tt.at); got != tt.want {
			t.Errorf("DateOf(%s) = %s, want %s", tt.at, got, tt.want)
		}
	}
	for _, tt := range []struct {
		d    directory.Date
		n    int
		want directory.Date
	}{
		{dtDate(2027, 3, 27), 1, dtDate(2027, 3, 28)},
		{dtDate(2027, 3, 28), 1, dtDate(2027, 3, 29)},
		{dtDate(2027, 10, 31), -1, dtDate(2027, 10, 30)},
		{dtDate(2027, 12, 31), 1, dtDate(2028, 1, 1)},
		{dtDate(2028, 2, 28), 1, dtDate(2028, 2, 29)},
		{dtDate(2027, 3, 1), -1, dtDate(2027, 2, 28)},
		{dtDate(2027, 1, 1), 365, dtDate(2028, 1, 1)},
		{dtDate(2027, 1, 1), 0, dtDate(2027, 1, 1)},
	} {
		if got := tt.d.AddDays(tt.n); got != tt.want {
			t.Errorf("%s.AddDays(%d) = %s, want %s", tt.d, tt.n, got, tt.want)
		}
	}
	if got := dtDate(2027, 3, 28).Weekday(); got != time.Sunday {
		t.Errorf("2027-03-28 is a %s, want Sunday", got)
	}
	if got := dtDate(2026, 10, 4).Weekday(); got != time.Sunday {
		t.Errorf("2026-10-04 is a %s, want Sunday", got)
	}
	for _, tt := range []struct {
		a, b directory.Date
		want bool
	}{
		{dtDate(2027, 3, 8), dtDate(2027, 3, 9), true},
		{dtDate(2027, 3, 9), dtDate(2027, 3, 8), false},
		{dtDate(2027, 3, 8), dtDate(2027, 3, 8), false},
		{dtDate(2026, 12, 31), dtDate(2027, 1, 1), true},
		{dtDate(2027, 2, 28), dtDate(2027, 3, 1), true},
	} {
		if got := tt.a.Before(tt.b); got != tt.want {
			t.Errorf("%s.Before(%s) = %v", tt.a, tt.b, got)
		}
	}
	if got := dtDate(2027, 3, 8).String(); got != "2027-03-08" {
		t.Errorf("String() = %q", got)
	}
	for _, tt := range []struct {
		d    directory.Date
		c    directory.Clock
		want time.Time
	}{
		{dtDate(2027, 3, 28), 540, dtUTC(2027, 3, 28, 7, 0)},
		{dtDate(2027, 3, 28), 60, dtUTC(2027, 3, 28, 0, 0)},
		{dtDate(2027, 3, 28), 150, dtUTC(2027, 3, 28, 1, 30)}, // in the gap: 03:30 CEST
		{dtDate(2027, 10, 31), 540, dtUTC(2027, 10, 31, 8, 0)},
		{dtDate(2027, 3, 27), 1440, dtUTC(2027, 3, 27, 23, 0)},
		{dtDate(2027, 10, 30), 1440, dtUTC(2027, 10, 30, 22, 0)},
	} {
		if got := tt.d.Time(tt.c); !got.Equal(tt.want) {
			t.Errorf("%s.Time(%s) = %s, want %s", tt.d, tt.c, got, tt.want.In(directory.Rome))
		}
	}
}

func TestRomeIsEmbedded(t *testing.T) {
	if directory.Rome == nil || directory.Rome.String() != "Europe/Rome" {
		t.Fatalf("Rome = %v", directory.Rome)
	}
	if _, off := rome(2027, 7, 1, 12, 0).Zone(); off != 2*3600 {
		t.Errorf("summer offset = %d, want +2h", off)
	}
	if _, off := rome(2027, 1, 1, 12, 0).Zone(); off != 3600 {
		t.Errorf("winter offset = %d, want +1h", off)
	}
}

func BenchmarkOpenAt(b *testing.B) {
	c := dtStd()
	times := []time.Time{
		rome(2027, 3, 8, 10, 0), // open
		rome(2027, 3, 6, 1, 0),  // open, night slot
		rome(2027, 3, 7, 10, 0), // closed
		rome(2027, 3, 10, 13, 30),
	}
	b.Run("centre", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			c.OpenAt(times[i%len(times)])
		}
	})
	b.Run("next-opening", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			c.NextOpening(times[i%len(times)])
		}
	})
	d := dtDirectory(b)
	b.Run("directory", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			d.OpenAt("", times[i%len(times)])
		}
	})
}

func ExampleCentre_OpenAt() {
	c := &directory.Centre{Hours: directory.Week{time.Friday: {{Open: 20 * 60, Close: 2 * 60}}}}
	open, until := c.OpenAt(time.Date(2027, 3, 6, 1, 0, 0, 0, directory.Rome)) // Saturday 01:00
	fmt.Println(open, until.Format("Mon 15:04"))
	// Output: true Sat 02:00
}
