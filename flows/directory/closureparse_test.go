package directory_test

import (
	"errors"
	"testing"
	"time"

	"frontdoor/flows/directory"
)

func day(y int, m time.Month, d int) directory.Date { return directory.Date{Year: y, Month: m, Day: d} }

// TestParseClosure reads closures as volunteers type them, in Italian and
// English, on 20 November 2026: a day without a year is the next one.
func TestParseClosure(t *testing.T) {
	today := day(2026, 11, 20)
	for _, tc := range []struct {
		in       string
		from, to directory.Date
		reason   string
	}{
		// Italian
		{"chiuso 24-26 dicembre", day(2026, 12, 24), day(2026, 12, 26), ""},
		{"chiuso dal 24 al 26 dicembre", day(2026, 12, 24), day(2026, 12, 26), ""},
		{"Chiuso dal 24 al 26 dicembre per le feste", day(2026, 12, 24), day(2026, 12, 26), "per le feste"},
		{"chiuso 24/12-26/12", day(2026, 12, 24), day(2026, 12, 26), ""},
		{"chiuso 24/12", day(2026, 12, 24), day(2026, 12, 24), ""},
		{"chiuso il 25 dicembre", day(2026, 12, 25), day(2026, 12, 25), ""},
		{"fino al 6 gennaio", day(2026, 11, 20), day(2027, 1, 6), ""},
		{"chiuso fino al 6 gennaio, lavori", day(2026, 11, 20), day(2027, 1, 6), "lavori"},
		{"dal 24 dicembre al 6 gennaio", day(2026, 12, 24), day(2027, 1, 6), ""},
		{"chiuso per ferie dall'8 al 22 agosto", day(2027, 8, 8), day(2027, 8, 22), "per ferie"},
		{"chiuso 24 dic. - 6 gen.", day(2026, 12, 24), day(2027, 1, 6), ""},
		{"chiuso lunedì 8 dicembre", day(2026, 12, 8), day(2026, 12, 8), ""},
		{"chiuso il 24 e 25 dicembre", day(2026, 12, 24), day(2026, 12, 25), ""},
		{"tra il 24 e il 26 dicembre", day(2026, 12, 24), day(2026, 12, 26), ""},
		{"chiuso dal 30 al 2 gennaio", day(2026, 12, 30), day(2027, 1, 2), ""},
		{"chiuso 1° maggio", day(2027, 5, 1), day(2027, 5, 1), ""},
		{"chiuso oggi per sciopero", day(2026, 11, 20), day(2026, 11, 20), "per sciopero"},
		{"chiuso domani", day(2026, 11, 21), day(2026, 11, 21), ""},
		{"chiuso 20 novembre", day(2026, 11, 20), day(2026, 11, 20), ""},
		{"chiuso 19/11", day(2027, 11, 19), day(2027, 11, 19), ""},
		{"chiuso 29/02", day(2028, 2, 29), day(2028, 2, 29), ""},
		{"chiuso 24-26 dicembre 2027", day(2027, 12, 24), day(2027, 12, 26), ""},
		// with years, as before
		{"chiuso 24/12/2026-06/01/2027 per le feste", day(2026, 12, 24), day(2027, 1, 6), "per le feste"},
		{"closed 15/08/2027", day(2027, 8, 15), day(2027, 8, 15), ""},
		{"dal 24/12/2026 al 6/1/27 ferie", day(2026, 12, 24), day(2027, 1, 6), "ferie"},
		{"Chiuso dal 1.8.2027 fino al 20.8.2027", day(2027, 8, 1), day(2027, 8, 20), ""},
		{"24/12/2026 - 06/01/2027 holidays", day(2026, 12, 24), day(2027, 1, 6), "holidays"},
		{"chiuso 24-12-2026", day(2026, 12, 24), day(2026, 12, 24), ""},
		{"2026-12-24 - 2027-01-06", day(2026, 12, 24), day(2027, 1, 6), ""},
		// English
		{"closed 24-26 December", day(2026, 12, 24), day(2026, 12, 26), ""},
		{"closed from 24 to 26 December", day(2026, 12, 24), day(2026, 12, 26), ""},
		{"until 6 January", day(2026, 11, 20), day(2027, 1, 6), ""},
		{"closed until January 6th for the holidays", day(2026, 11, 20), day(2027, 1, 6), "for the holidays"},
		{"closed December 24-26", day(2026, 12, 24), day(2026, 12, 26), ""},
		{"closed Dec 24, 2027", day(2027, 12, 24), day(2027, 12, 24), ""},
		{"closed on the 25th of December", day(2026, 12, 25), day(2026, 12, 25), ""},
		{"closed Dec 24 - Jan 6", day(2026, 12, 24), day(2027, 1, 6), ""},
		{"closed tomorrow", day(2026, 11, 21), day(2026, 11, 21), ""},
		{"closed 24th-26th December", day(2026, 12, 24), day(2026, 12, 26), ""},
		{"chiuso 24/12 - festa patronale", day(2026, 12, 24), day(2026, 12, 24), "festa patronale"},
		{"chiusi 24, 25 e 26 dicembre", day(2026, 12, 24), day(2026, 12, 26), ""},
		{"chiuso tutto agosto", day(2027, 8, 1), day(2027, 8, 31), ""},
		{"chiuso per tutto il mese di febbraio 2028", day(2028, 2, 1), day(2028, 2, 29), ""},
		{"closed all of February", day(2027, 2, 1), day(2027, 2, 28), ""},
		{"chiuso lunedì per sciopero", day(2026, 11, 23), day(2026, 11, 23), "per sciopero"},
		{"chiuso da venerdì a lunedì", day(2026, 11, 20), day(2026, 11, 23), ""},
		{"ferie: 10-20 agosto", day(2027, 8, 10), day(2027, 8, 20), "ferie"},
		{"chiuso 24 dicembre, per le feste", day(2026, 12, 24), day(2026, 12, 24), "per le feste"},
		{"closed Dec 24th through Jan 6th", day(2026, 12, 24), day(2027, 1, 6), ""},
	} {
		got, err := directory.ParseClosure(tc.in, today)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if want := (directory.Closure{From: tc.from, To: tc.to, Reason: tc.reason}); got != want {
			t.Errorf("%q: got %v..%v %q, want %v..%v %q", tc.in, got.From, got.To, got.Reason, tc.from, tc.to, tc.reason)
		}
	}
}

// TestParseClosureUnderWay: a closure typed while it is under way is this
// year's, not next year's.
func TestParseClosureUnderWay(t *testing.T) {
	got, err := directory.ParseClosure("chiuso 24-26 dicembre", day(2026, 12, 25))
	if err != nil || got.From != day(2026, 12, 24) || got.To != day(2026, 12, 26) {
		t.Errorf("got %+v, %v", got, err)
	}
	got, err = directory.ParseClosure("dal 24 dicembre al 6 gennaio", day(2027, 1, 3))
	if err != nil || got.From != day(2026, 12, 24) || got.To != day(2027, 1, 6) {
		t.Errorf("got %+v, %v", got, err)
	}
}

// TestParseClosureErrors: each mistake points at the wrong part.
func TestParseClosureErrors(t *testing.T) {
	today := day(2026, 11, 20)
	for _, tc := range []struct{ in, part, id string }{
		{"chiuso", "chiuso", "parse.closure_no_date"},
		{"chiuso per ferie", "chiuso per ferie", "parse.closure_no_date"},
		{"chiuso 31/02/2027", "31/02/2027", "parse.bad_date"},
		{"chiuso 31/02", "31/02", "parse.bad_date"},
		{"chiuso 24/13/2026", "24/13", "parse.bad_date"},
		{"chiuso 06/01/2027-24/12/2026", "06/01/2027-24/12/2026", "parse.closure_backwards"},
		{"chiuso 24/12/2026-", "24/12/2026", "parse.closure_no_end"},
		{"chiuso 24 dicembr", "dicembr", "parse.unknown_month"},
		{"chiuso il 24", "24", "parse.date_no_month"},
		{"chiuso dal 24 al 26", "26", "parse.date_no_month"},
		{"chiuso dal 24 dicembre", "24 dicembre", "parse.closure_no_end"},
		{"closed from December 24", "December 24", "parse.closure_no_end"},
		{"chiuso il 24 e 26 dicembre", "24 e 26 dicembre", "parse.closure_two_days"},
		{"chiuso 24, 25 e 27 dicembre", "24, 25 e 27 dicembre", "parse.closure_two_days"},
		{"chiuso 45 dicembre", "45", "parse.bad_date"},
		{"fino al 6 gennaio 2020", "6 gennaio 2020", "parse.closure_backwards"},
		{"chiuso 24/12/2150", "24/12/2150", "parse.bad_date"},
	} {
		_, err := directory.ParseClosure(tc.in, today)
		var ie *directory.InputError
		if !errors.As(err, &ie) || ie.ID != tc.id || ie.Part != tc.part {
			t.Errorf("%q: got %v, want %s at %q", tc.in, err, tc.id, tc.part)
		}
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]directory.Date{
		"2026-12-24": day(2026, 12, 24), "24/12/2026": day(2026, 12, 24), "24.12.26": day(2026, 12, 24),
		"24 dicembre 2026": day(2026, 12, 24), "December 24, 2026": day(2026, 12, 24), "24 Dec 2026": day(2026, 12, 24),
	} {
		if got, err := directory.ParseDate(in); err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for in, id := range map[string]string{
		"24/12": "parse.date_no_year", "24 dicembre": "parse.date_no_year", "2026-02-30": "parse.bad_date",
		"domani": "parse.bad_date", "": "parse.closure_no_date", "24/12/2026 x": "parse.bad_date",
	} {
		_, err := directory.ParseDate(in)
		var ie *directory.InputError
		if !errors.As(err, &ie) || ie.ID != id {
			t.Errorf("%q: got %v, want %s", in, err, id)
		}
	}
}

// FuzzParseClosure: no panic, and an accepted closure is made of real days
// and never ends before it starts.
func FuzzParseClosure(f *testing.F) {
	for _, s := range []string{"chiuso 24/12/2026-06/01/2027 per le feste", "closed 15/08/2027", "dal 1.8.2027 fino al 20.8.2027",
		"24/12/2026 - 6/1/27 x", "-", "chiuso -", "1/1/1", "24-26 dicembre", "dal 24 al 26 dicembre", "fino al 6 gennaio",
		"until 6 January", "December 24-26", "chiuso il 24 e 25 dicembre", "dall'8 al 22 agosto", "29/02", "lunedì 8 dicembre"} {
		f.Add(s)
	}
	today := day(2026, 11, 20)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := directory.ParseClosure(s, today)
		if err != nil {
			return
		}
		if c.To.Before(c.From) {
			t.Fatalf("ParseClosure(%q) = %+v ends before it starts", s, c)
		}
		dir := directory.Data{
			Networks: []directory.Network{{ID: "n", Name: "N"}},
			Centres:  []directory.Centre{{ID: "c", Network: "n", Name: "C", Town: "T", Lat: 45, Lon: 9, Closures: []directory.Closure{c}}},
		}
		if _, err := directory.New(dir); err != nil {
			t.Fatalf("ParseClosure(%q) = %+v, which the directory refuses: %v", s, c, err)
		}
	})
}

// FuzzParseDate: no panic, and an accepted date is a real day.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-12-24", "24/12/2026", "24 dicembre 2026", "Dec 24, 2026", "x", "29/02/2027"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := directory.ParseDate(s)
		if err == nil && d.AddDays(0) != d {
			t.Fatalf("ParseDate(%q) = %v, not a real day", s, d)
		}
	})
}
