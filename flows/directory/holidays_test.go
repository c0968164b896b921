package directory_test

import (
	"testing"
	"time"

	"frontdoor/flows/directory"
)

func TestEaster(t *testing.T) {
	for _, want := range []directory.Date{
		dtDate(2024, 3, 31),
		dtDate(2025, 4, 20),
		dtDate(2026, 4, 5),
		dtDate(2027, 3, 28),
		dtDate(2028, 4, 16),
		dtDate(2000, 4, 23),
		dtDate(2008, 3, 23),
		dtDate(2038, 4, 25), // latest possible
		dtDate(1818, 3, 22), // earliest possible
	} {
		if got := directory.Easter(want.Year); got != want {
			t.Errorf("Easter(%d) = %s, want %s", want.Year, got, want)
		}
	}
	for y := 1583; y < 4100; y++ {
		e := directory.Easter(y)
		if e.Weekday() != time.Sunday || e.Before(dtDate(y, 3, 22)) || dtDate(y, 4, 25).Before(e) {
			t.Fatalf("Easter(%d) = %s (%s): not a Sunday from 22 March to 25 April", y, e, e.Weekday())
		}
	}
}

func TestIsHoliday(t *testing.T) {
	tests := []struct {
		d    directory.Date
		want bool
	}{
		{dtDate(2027, 1, 1), true},
		{dtDate(2027, 1, 6), true},
		{dtDate(2027, 3, 28), true}, // Easter
		{dtDate(2027, 3, 29), true}, // Easter Monday
		{dtDate(2027, 3, 30), false},
		{dtDate(2027, 3, 27), false},
		{dtDate(2024, 4, 1), true}, // Easter Monday 2024
		{dtDate(2025, 4, 21), true},
		{dtDate(2026, 4, 6), true},
		{dtDate(2026, 4, 13), false},
		{dtDate(2027, 4, 25), true},
		{dtDate(2027, 5, 1), true},
		{dtDate(2027, 6, 2), true},
		{dtDate(2027, 8, 15), true},
		{dtDate(2027, 8, 16), false},
		{dtDate(2025, 10, 4), false}, // San Francesco: not yet a holiday
		{dtDate(2026, 10, 4), true},  // a holiday again from 2026
		{dtDate(2030, 10, 4), true},
		{dtDate(2027, 11, 1), true},
		{dtDate(2027, 11, 2), false},
		{dtDate(2027, 12, 7), false}, // Sant'Ambrogio: Milan only
		{dtDate(2027, 12, 8), true},
		{dtDate(2027, 12, 24), false},
		{dtDate(2027, 12, 25), true},
		{dtDate(2027, 12, 26), true},
		{dtDate(2027, 12, 31), false},
		{dtDate(2027, 11, 13), false}, // Sant'Omobono: Cremona only
	}
	for _, tt := range tests {
		if got := directory.IsHoliday(tt.d); got != tt.want {
			t.Errorf("IsHoliday(%s) = %v, want %v", tt.d, got, tt.want)
		}
	}
}
