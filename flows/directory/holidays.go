package directory

import "time"

// Easter is Easter Sunday of year in the Gregorian calendar (the anonymous
// Gregorian computus of Meeus, Jones and Butcher). Easter and the Monday
// after it move every year, so they cannot be listed as fixed closures.
func Easter(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	n := h + l - 7*m + 114
	return Date{Year: year, Month: time.Month(n / 31), Day: n%31 + 1}
}

// IsHoliday reports whether d is an Italian national public holiday, on
// which most centres are closed even though the weekday says open. Local
// patron saints (Sant'Omobono in Cremona, Sant'Ambrogio in Milan, ...) are
// not national holidays: volunteers enter them as closures.
func IsHoliday(d Date) bool {
	switch {
	case d.Month == time.January && d.Day == 1: // Capodanno, New Year's Day
	case d.Month == time.January && d.Day == 6: // Epifania, Epiphany
	case d.Month == time.April && d.Day == 25: // Festa della Liberazione, Liberation Day
	case d.Month == time.May && d.Day == 1: // Festa del Lavoro, Labour Day
	case d.Month == time.June && d.Day == 2: // Festa della Repubblica, Republic Day
	case d.Month == time.August && d.Day == 15: // Ferragosto, Assumption
	case d.Month == time.October && d.Day == 4:
		// San Francesco d'Assisi, patron saint of Italy: a national holiday
		// again by law 151/2025, from 2026 on only.
		return d.Year >= 2026
	case d.Month == time.November && d.Day == 1: // Ognissanti, All Saints
	case d.Month == time.December && d.Day == 8: // Immacolata Concezione
	case d.Month == time.December && d.Day == 25: // Natale, Christmas
	case d.Month == time.December && d.Day == 26: // Santo Stefano, St Stephen
	default:
		// Pasqua (Easter Sunday) and Lunedì dell'Angelo (Easter Monday).
		e := Easter(d.Year)
		return d == e || d == e.AddDays(1)
	}
	return true
}
