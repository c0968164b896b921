package directory_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"frontdoor/flows/directory"
)

func slot(open, close string) directory.Slot {
	o, err := directory.ParseClock(open)
	if err != nil {
		panic(err)
	}
	c, err := directory.ParseClock(close)
	if err != nil {
		panic(err)
	}
	return directory.Slot{Open: o, Close: c}
}

// weekString writes a week compactly for comparisons: "Mon 9:00-13:00 …".
func weekString(w directory.Week) string {
	var b strings.Builder
	for d, slots := range w {
		if len(slots) == 0 {
			continue
		}
		b.WriteString(time.Weekday(d).String()[:3])
		for _, s := range slots {
			b.WriteString(" " + s.String())
		}
		b.WriteString("; ")
	}
	return strings.TrimSuffix(b.String(), "; ")
}

func TestParseWeek(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"lun-ven 9-13, mar gio 15-18", "Mon 9:00-13:00; Tue 9:00-13:00 15:00-18:00; Wed 9:00-13:00; Thu 9:00-13:00 15:00-18:00; Fri 9:00-13:00"},
		{"mon-fri 9:00-13:00", "Mon 9:00-13:00; Tue 9:00-13:00; Wed 9:00-13:00; Thu 9:00-13:00; Fri 9:00-13:00"},
		{"Lunedì 9.30-12.30 e 14-17; sabato 9-12", "Mon 9:30-12:30 14:00-17:00; Sat 9:00-12:00"},
		{"ven-lun 20-2", "Sun 20:00-2:00; Mon 20:00-2:00; Fri 20:00-2:00; Sat 20:00-2:00"},
		{"Tue, Thu 14-18", "Tue 14:00-18:00; Thu 14:00-18:00"},
		{"lun, mer, ven 9-12", "Mon 9:00-12:00; Wed 9:00-12:00; Fri 9:00-12:00"},
		{"dal lunedì al venerdì 9-13", "Mon 9:00-13:00; Tue 9:00-13:00; Wed 9:00-13:00; Thu 9:00-13:00; Fri 9:00-13:00"},
		{"da lunedì a mercoledì dalle 9 alle 13", "Mon 9:00-13:00; Tue 9:00-13:00; Wed 9:00-13:00"},
		{"tutti i giorni 9-18", "Sun 9:00-18:00; Mon 9:00-18:00; Tue 9:00-18:00; Wed 9:00-18:00; Thu 9:00-18:00; Fri 9:00-18:00; Sat 9:00-18:00"},
		{"feriali 9-12", "Mon 9:00-12:00; Tue 9:00-12:00; Wed 9:00-12:00; Thu 9:00-12:00; Fri 9:00-12:00; Sat 9:00-12:00"},
		{"giorni feriali 9-12, weekend 10-11", "Sun 10:00-11:00; Mon 9:00-12:00; Tue 9:00-12:00; Wed 9:00-12:00; Thu 9:00-12:00; Fri 9:00-12:00; Sat 10:00-11:00"},
		{"tutti i giorni 9-18, sab 9-12", "Sun 9:00-18:00; Mon 9:00-18:00; Tue 9:00-18:00; Wed 9:00-18:00; Thu 9:00-18:00; Fri 9:00-18:00; Sat 9:00-12:00"},
		{"lun-ven 9:00-13:00 e 14-18", "Mon 9:00-13:00 14:00-18:00; Tue 9:00-13:00 14:00-18:00; Wed 9:00-13:00 14:00-18:00; Thu 9:00-13:00 14:00-18:00; Fri 9:00-13:00 14:00-18:00"},
		{"lun - ven 9 - 13", "Mon 9:00-13:00; Tue 9:00-13:00; Wed 9:00-13:00; Thu 9:00-13:00; Fri 9:00-13:00"},
		{"tutti i giorni 9-18, dom chiuso", "Mon 9:00-18:00; Tue 9:00-18:00; Wed 9:00-18:00; Thu 9:00-18:00; Fri 9:00-18:00; Sat 9:00-18:00"},
		{"tutti i giorni 9-18 tranne sabato e domenica", "Mon 9:00-18:00; Tue 9:00-18:00; Wed 9:00-18:00; Thu 9:00-18:00; Fri 9:00-18:00"},
		{"lunedì: 9-13; giovedì: 15-19", "Mon 9:00-13:00; Thu 15:00-19:00"},
		{"lun 9-13 mar 14-18", "Mon 9:00-13:00; Tue 14:00-18:00"},
		{"sabato e domenica h24", "Sun 0:00-24:00; Sat 0:00-24:00"},
		{"Monday to Friday 9am-5pm", "Mon 9:00-17:00; Tue 9:00-17:00; Wed 9:00-17:00; Thu 9:00-17:00; Fri 9:00-17:00"},
		{"Mon, Wed, Fri 9-12", "Mon 9:00-12:00; Wed 9:00-12:00; Fri 9:00-12:00"},
		{"weekdays 9:30am-12:30pm and 1-5pm", "Mon 9:30-12:30 13:00-17:00; Tue 9:30-12:30 13:00-17:00; Wed 9:30-12:30 13:00-17:00; Thu 9:30-12:30 13:00-17:00; Fri 9:30-12:30 13:00-17:00"},
		{"every day 9 to 18", "Sun 9:00-18:00; Mon 9:00-18:00; Tue 9:00-18:00; Wed 9:00-18:00; Thu 9:00-18:00; Fri 9:00-18:00; Sat 9:00-18:00"},
		{"weekend 10-12", "Sun 10:00-12:00; Sat 10:00-12:00"},
		{"from Monday through Thursday 2pm-6pm, Saturday closed", "Mon 14:00-18:00; Tue 14:00-18:00; Wed 14:00-18:00; Thu 14:00-18:00"},
		{"sabato mattina 9-12", "Sat 9:00-12:00"},
		{"Mon-Fri 9-5", "Mon 9:00-17:00; Tue 9:00-17:00; Wed 9:00-17:00; Thu 9:00-17:00; Fri 9:00-17:00"},
		{"lun 10-2", "Mon 10:00-14:00"},
		{"lun 9-24", "Mon 9:00-24:00"},
		{"da lunedì a venerdì, dalle 9 alle 13 e dalle 14 alle 18", "Mon 9:00-13:00 14:00-18:00; Tue 9:00-13:00 14:00-18:00; Wed 9:00-13:00 14:00-18:00; Thu 9:00-13:00 14:00-18:00; Fri 9:00-13:00 14:00-18:00"},
		{"lun-sab 9-12 tranne mer", "Mon 9:00-12:00; Tue 9:00-12:00; Thu 9:00-12:00; Fri 9:00-12:00; Sat 9:00-12:00"},
		{"mer 15-18 9-12", "Wed 9:00-12:00 15:00-18:00"},
		{"dom 0-24", "Sun 0:00-24:00"},
		{"gio 9–13", "Thu 9:00-13:00"},
		{"sab/dom 10-12", "Sun 10:00-12:00; Sat 10:00-12:00"},
	} {
		w, err := directory.ParseWeek(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%q: got %s, want an error", tc.in, weekString(w))
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got := weekString(w); got != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// TestParseWeekErrors: each mistake points at the wrong part with a
// message id the dialogue can show in her language.
func TestParseWeekErrors(t *testing.T) {
	for _, tc := range []struct{ in, part, id string }{
		{"", "", "parse.hours_empty"},
		{"lux-ven 9-13", "lux", "parse.unknown_day"},
		{"lun-vex 9-13", "vex", "parse.unknown_day"},
		{"lun 9-25", "9-25", "parse.bad_time"},
		{"lun 9:70-12", "9:70-12", "parse.bad_time"},
		{"lun 9", "9", "parse.slot_no_dash"},
		{"lun 9-9", "9-9", "parse.slot_empty"},
		{"9-13", "9-13", "parse.hours_no_day"},
		{"lun-ven", "lun-ven", "parse.hours_no_time"},
		{"lun 9-13 mar", "mar", "parse.hours_no_time"},
		{"tutti i giorni", "tutti i giorni", "parse.hours_no_time"},
		{"lun-ven 9-13 ciao", "ciao", "parse.unknown_day"},
		{"lun 13pm-14", "13pm-14", "parse.bad_time"},
		{"lun 9-13 11-15", "9:00-13:00 11:00-15:00", "parse.hours_overlap"},
		{strings.Repeat("lun 9-13, ", 60), "lun 9-13, lun 9-13, …", "parse.too_long"},
	} {
		_, err := directory.ParseWeek(tc.in)
		var ie *directory.InputError
		if !errors.As(err, &ie) {
			t.Errorf("%q: got %v, want an InputError", tc.in, err)
			continue
		}
		if ie.ID != tc.id || ie.Part != tc.part {
			t.Errorf("%q: got %s at %q, want %s at %q", tc.in, ie.ID, ie.Part, tc.id, tc.part)
		}
	}
}

// FuzzParseWeek: whatever a volunteer types, the parser answers without
// panicking, and what it accepts is a valid week.
func FuzzParseWeek(f *testing.F) {
	for _, s := range []string{"lun-ven 9-13, mar gio 15-18", "mon-fri 9:00-13:00", "ven-lun 20-2", "sab/dom 10-12", "lunedì 9.30-12.30 e 14-17", "-", "lun--ven 9-", "0-24", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := directory.ParseWeek(s)
		if err != nil {
			return
		}
		dir := directory.Data{
			Networks: []directory.Network{{ID: "n", Name: "N"}},
			Centres:  []directory.Centre{{ID: "c", Network: "n", Name: "C", Town: "T", Lat: 45, Lon: 9, Hours: w}},
		}
		if _, err := directory.New(dir); err != nil {
			t.Fatalf("ParseWeek(%q) accepted a week the directory refuses: %v", s, err)
		}
	})
}

func TestParsePhones(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0372 123456", "+390372123456"},
		{"+39 333 1234567, 02-1234567", "+393331234567 +39021234567"},
		{"0039 0372.123456", "+390372123456"},
		{"+44 20 7946 0958", "+442079460958"},
		{"abc", ""},
		{"123", ""},
		{"+0123456789", ""},
		{", ,", ""},
	} {
		got, err := directory.ParsePhones(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%q: got %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || strings.Join(got, " ") != tc.want {
			t.Errorf("%q: got %v %v, want %s", tc.in, got, err, tc.want)
		}
	}
}

// FuzzParsePhones: no panic, and an accepted number passes the directory's
// validation.
func FuzzParsePhones(f *testing.F) {
	for _, s := range []string{"0372 123456", "+39 333 1234567, 02-1234567", "0039", "+", "3", "(02) 123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		phones, err := directory.ParsePhones(s)
		if err != nil {
			return
		}
		dir := directory.Data{
			Networks: []directory.Network{{ID: "n", Name: "N"}},
			Centres:  []directory.Centre{{ID: "c", Network: "n", Name: "C", Town: "T", Lat: 45, Lon: 9, Phones: phones}},
		}
		if _, err := directory.New(dir); err != nil {
			t.Fatalf("ParsePhones(%q) = %v, which the directory refuses: %v", s, phones, err)
		}
	})
}
