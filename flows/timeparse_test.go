package flows_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"frontdoor/flows"
	"frontdoor/flows/directory"
)

// windowsString writes windows as "today 18:00-21:00", "tomorrow 9:00-13:00"
// or "asap", joined with "; ".
func windowsString(wins []flows.Window, now time.Time) string {
	parts := make([]string, len(wins))
	for i, w := range wins {
		if w.Key == "asap" {
			parts[i] = "asap"
			continue
		}
		day := "today"
		switch directory.DateOf(w.Start) {
		case directory.DateOf(now):
		case directory.DateOf(now).AddDays(1):
			day = "tomorrow"
		default:
			day = directory.DateOf(w.Start).String()
		}
		s, e := w.Start.In(directory.Rome), w.End.In(directory.Rome)
		parts[i] = fmt.Sprintf("%s %d:%02d-%d:%02d", day, s.Hour(), s.Minute(), e.Hour(), e.Minute())
	}
	return strings.Join(parts, "; ")
}

// TestParseTimes: what people type where the request asks when to call, in
// Italian and English, at 10:30 on a Tuesday unless said otherwise.
func TestParseTimes(t *testing.T) {
	at1530 := rome(2027, time.March, 16, 15, 30)
	at2130 := rome(2027, time.March, 16, 21, 30)
	for _, tc := range []struct {
		in   string
		at   time.Time // zero: tuesdayMorning
		want string
	}{
		// Parts of the day.
		{in: "stasera", want: "today 18:00-21:00"},
		{in: "Stasera!", want: "today 18:00-21:00"},
		{in: "sera", want: "today 18:00-21:00"},
		{in: "questa sera", want: "today 18:00-21:00"},
		{in: "oggi pomeriggio", want: "today 13:00-18:00"},
		{in: "pomeriggio", want: "today 13:00-18:00"},
		{in: "stamattina", want: "today 9:00-13:00"},
		{in: "domani mattina", want: "tomorrow 9:00-13:00"},
		{in: "domattina", want: "tomorrow 9:00-13:00"},
		{in: "Domani pomeriggio", want: "tomorrow 13:00-18:00"},
		{in: "domani sera", want: "tomorrow 18:00-21:00"},
		{in: "domani", want: "tomorrow 9:00-21:00"},
		{in: "oggi", want: "today 9:00-21:00"},
		{in: "a pranzo", want: "today 12:00-14:00"},
		{in: "in pausa pranzo", want: "today 12:00-14:00"},
		{in: "tonight", want: "today 18:00-21:00"},
		{in: "this evening", want: "today 18:00-21:00"},
		{in: "this afternoon", want: "today 13:00-18:00"},
		{in: "tomorrow morning", want: "tomorrow 9:00-13:00"},
		{in: "Tomorrow afternoon", want: "tomorrow 13:00-18:00"},
		{in: "tomorrow evening", want: "tomorrow 18:00-21:00"},
		{in: "in the afternoon", want: "today 13:00-18:00"},
		{in: "martedì pomeriggio", want: "today 13:00-18:00"},
		{in: "mercoledi mattina", want: "tomorrow 9:00-13:00"},
		{in: "wednesday evening", want: "tomorrow 18:00-21:00"},
		// A part that has passed is tomorrow's, unless she said today.
		{in: "mattina", at: at1530, want: "tomorrow 9:00-13:00"},
		{in: "sera", at: at2130, want: "tomorrow 18:00-21:00"},
		// Hours.
		{in: "stasera dopo le 20", want: "today 20:00-21:00"},
		{in: "stasera dopo le 8", want: "today 20:00-21:00"},
		{in: "dopo le 18", want: "today 18:00-21:00"},
		{in: "dopo le 6", want: "today 18:00-21:00"},
		{in: "dalle 18", want: "today 18:00-21:00"},
		{in: "dalle 18:30", want: "today 18:30-21:00"},
		{in: "dalle 18.30", want: "today 18:30-21:00"},
		{in: "tra le 15 e le 17", want: "today 15:00-17:00"},
		{in: "fra le 15 e le 17", want: "today 15:00-17:00"},
		{in: "tra le 3 e le 5", want: "today 15:00-17:00"},
		{in: "dalle 15 alle 17", want: "today 15:00-17:00"},
		{in: "dalle 9 alle 5", want: "today 9:00-17:00"},
		{in: "dalle 11 all'una", want: "today 11:00-13:00"},
		{in: "15-17", want: "today 15:00-17:00"},
		{in: "15:00 – 17:30", want: "today 15:00-17:30"},
		{in: "domani 10-12", want: "tomorrow 10:00-12:00"},
		{in: "domani dalle 10 alle 12", want: "tomorrow 10:00-12:00"},
		{in: "domani dopo le 15", want: "tomorrow 15:00-21:00"},
		{in: "prima delle 12", want: "today 9:00-12:00"},
		{in: "entro mezzogiorno", want: "today 9:00-12:00"},
		{in: "fino alle 12", want: "today 9:00-12:00"},
		{in: "non prima delle 18", want: "today 18:00-21:00"},
		{in: "alle 17", want: "today 17:00-18:00"},
		{in: "alle 5", want: "today 17:00-18:00"},
		{in: "alle cinque", want: "today 17:00-18:00"},
		{in: "alle 5 e mezza", want: "today 17:30-18:30"},
		{in: "verso le 17", want: "today 16:30-17:30"},
		{in: "ore 17", want: "today 17:00-18:00"},
		{in: "18h", want: "today 18:00-19:00"},
		{in: "a mezzogiorno", want: "today 12:00-13:00"},
		{in: "alle 8 di sera", want: "today 20:00-21:00"},
		{in: "mattina dopo le 10", want: "today 10:00-13:00"},
		{in: "sera tardi, dopo le 20", want: "today 20:00-21:00"},
		{in: "tra un'ora", at: at1530, want: "today 16:30-17:30"},
		{in: "tra 2 ore", at: at1530, want: "today 17:30-18:30"},
		{in: "after 6pm", want: "today 18:00-21:00"},
		{in: "after 6", want: "today 18:00-21:00"},
		{in: "after 6 p.m.", want: "today 18:00-21:00"},
		{in: "from 6pm", want: "today 18:00-21:00"},
		{in: "between 3 and 5", want: "today 15:00-17:00"},
		{in: "between 3 and 5 pm", want: "today 15:00-17:00"},
		{in: "3-5pm", want: "today 15:00-17:00"},
		{in: "from 3 to 5", want: "today 15:00-17:00"},
		{in: "3 to 5", want: "today 15:00-17:00"},
		{in: "at 5pm", want: "today 17:00-18:00"},
		{in: "around 5", want: "today 16:30-17:30"},
		{in: "before noon", want: "today 9:00-12:00"},
		{in: "before 11am", want: "today 9:00-11:00"},
		{in: "tomorrow after 10", want: "tomorrow 10:00-21:00"},
		{in: "tomorrow at 10am", want: "tomorrow 10:00-11:00"},
		{in: "this evening after 8", want: "today 20:00-21:00"},
		{in: "in an hour", at: at1530, want: "today 16:30-17:30"},
		{in: "in 2 hours", at: at1530, want: "today 17:30-18:30"},
		// The example of every language: tomorrow and hours.
		{in: "mañana 15-17", want: "tomorrow 15:00-17:00"},
		{in: "demain 15-17", want: "tomorrow 15:00-17:00"},
		{in: "завтра 15-17", want: "tomorrow 15:00-17:00"},
		{in: "غدا ١٥-١٧", want: "tomorrow 15:00-17:00"},
		{in: "فردا ۱۵-۱۷", want: "tomorrow 15:00-17:00"},
		{in: "明天 15-17", want: "tomorrow 15:00-17:00"},
		{in: "nesër 15-17", want: "tomorrow 15:00-17:00"},
		// As soon as possible.
		{in: "subito", want: "asap"},
		{in: "appena potete", want: "asap"},
		{in: "Appena possibile, grazie", want: "asap"},
		{in: "il prima possibile", want: "asap"},
		{in: "adesso", want: "asap"},
		{in: "quando volete", want: "asap"},
		{in: "a qualsiasi ora", want: "asap"},
		{in: "asap", want: "asap"},
		{in: "now", want: "asap"},
		{in: "as soon as possible", want: "asap"},
		{in: "any time", want: "asap"},
		// Several times at once.
		{in: "oggi pomeriggio e domani mattina", want: "today 13:00-18:00; tomorrow 9:00-13:00"},
		{in: "domani mattina o pomeriggio", want: "tomorrow 9:00-13:00; tomorrow 13:00-18:00"},
		{in: "stasera, domani sera", want: "today 18:00-21:00; tomorrow 18:00-21:00"},
		{in: "tomorrow morning or evening", want: "tomorrow 9:00-13:00; tomorrow 18:00-21:00"},
		{in: "adesso no, stasera", want: "today 18:00-21:00"},
		{in: "domani mattina, domattina", want: "tomorrow 9:00-13:00"},
		{in: "dalle 15 alle 17 o dopo le 19", want: "today 15:00-17:00; today 19:00-21:00"},
		// Spans outside the calling day are cut to it.
		{in: "dalle 8 alle 10", want: "tomorrow 9:00-10:00"},
		{in: "dalle 7 alle 9", want: "today 19:00-21:00"},
		{in: "dalle 8", want: "today 20:00-21:00"},
		{in: "dalle 19 alle 23", want: "today 19:00-21:00"},
		{in: "alle 20:30", want: "today 20:30-21:00"},
	} {
		at := tc.at
		if at.IsZero() {
			at = tuesdayMorning
		}
		wins, err := flows.ParseTimes(tc.in, at)
		if got := windowsString(wins, at); err != nil || got != tc.want {
			t.Errorf("ParseTimes(%q) at %s = %q, %v; want %q", tc.in, at.Format("15:04"), got, err, tc.want)
		}
	}
}

// TestParseTimesRefuses: what is not a time, or not one that can be asked
// for, says why.
func TestParseTimesRefuses(t *testing.T) {
	at1530 := rome(2027, time.March, 16, 15, 30)
	for _, tc := range []struct {
		in   string
		at   time.Time
		want string
	}{
		{in: "", want: "no time"},
		{in: "boh", want: "no time"},
		{in: "quando esce mio marito", want: "no time"},
		{in: "347 000 0000", want: "no time"},
		{in: "dalle 17 alle 15", want: "no time"},
		{in: "stanotte", want: "outside"},
		{in: "di notte", want: "outside"},
		{in: "alle 23", want: "outside"},
		{in: "dopo le 21", want: "outside"},
		{in: "alle 8 di mattina", want: "outside"},
		{in: "a mezzanotte", want: "outside"},
		{in: "dopodomani", want: "after tomorrow"},
		{in: "sabato", want: "after tomorrow"},
		{in: "next week", want: "after tomorrow"},
		{in: "tra una settimana", want: "after tomorrow"},
		{in: "stamattina", at: at1530, want: "past"},
		{in: "oggi prima delle 12", at: at1530, want: "past"},
		{in: "stasera o dopodomani", want: "after tomorrow"},
	} {
		at := tc.at
		if at.IsZero() {
			at = tuesdayMorning
		}
		wins, err := flows.ParseTimes(tc.in, at)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseTimes(%q) = %s, %v; want an error saying %q", tc.in, windowsString(wins, at), err, tc.want)
		}
	}
}

// FuzzParseTimes: whatever she types, the windows read are within the hours
// calls can be asked for, today or tomorrow, not over, at least 30 minutes
// long, in order; or "as soon as possible".
func FuzzParseTimes(f *testing.F) {
	for _, s := range []string{"stasera dopo le 20", "domani mattina", "tra le 15 e le 17", "3-5pm", "tra 2 ore", "alle 5 e mezza",
		"subito", "non prima delle 18", "dalle 11 all'una", "99:99", "1:", "--", "e e e", "tra tra 3", "\xff", "12pm am pm"} {
		f.Add(s, int64(0))
	}
	f.Fuzz(func(t *testing.T, s string, offset int64) {
		now := tuesdayMorning.Add(time.Duration(offset%(48*3600)) * time.Second)
		wins, err := flows.ParseTimes(s, now)
		if err != nil {
			if len(wins) != 0 {
				t.Fatalf("%q: windows with an error", s)
			}
			return
		}
		if len(wins) == 0 || len(wins) > 6 {
			t.Fatalf("%q: %d windows", s, len(wins))
		}
		for i, w := range wins {
			if w.Key == "asap" {
				continue
			}
			s0, e0 := w.Start.In(directory.Rome), w.End.In(directory.Rome)
			day := directory.DateOf(s0)
			if day != directory.DateOf(now) && day != directory.DateOf(now).AddDays(1) || directory.DateOf(e0) != day {
				t.Fatalf("%q at %v: %v–%v is not today or tomorrow", s, now, s0, e0)
			}
			if s0.Hour() < 9 || e0.Hour()*60+e0.Minute() > 21*60 || e0.Sub(s0) < 30*time.Minute || !e0.After(now) {
				t.Fatalf("%q at %v: %v–%v", s, now, s0, e0)
			}
			if i > 0 && wins[i-1].Key != "asap" && w.Start.Before(wins[i-1].Start) {
				t.Fatalf("%q: out of order", s)
			}
		}
	})
}

// BenchmarkParseTimes: reading typed times is on the update path of the
// callback request.
func BenchmarkParseTimes(b *testing.B) {
	for b.Loop() {
		if _, err := flows.ParseTimes("domani pomeriggio tra le 3 e le 5, oppure stasera dopo le 20", tuesdayMorning); err != nil {
			b.Fatal(err)
		}
	}
}
