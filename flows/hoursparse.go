package flows

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// InputError is a mistake in something a volunteer typed. It names the
// wrong part and a message id (with data) that says what is wrong, so the
// dialogue can explain it in her language.
type InputError struct {
	// Part is the piece of the input that is wrong, as she typed it.
	Part string
	// ID is the message id of the explanation; Data its template data.
	ID   string
	Data map[string]any
}

func (e *InputError) Error() string { return fmt.Sprintf("%s: %q", e.ID, e.Part) }

func inputErr(part, id string, kv ...any) *InputError {
	t := T(id, kv...)
	return &InputError{Part: part, ID: t.ID, Data: t.Data}
}

// dayNames maps the ways people write weekdays, in Italian and English, to
// time.Weekday. Names are looked up after NormalizeTown (no accents, no dots).
var dayNames = func() map[string]time.Weekday {
	m := map[string]time.Weekday{}
	for d, names := range [7][]string{
		{"dom", "domenica", "sun", "sunday"},
		{"lun", "lunedi", "mon", "monday"},
		{"mar", "martedi", "tue", "tues", "tuesday"},
		{"mer", "mercoledi", "wed", "wednesday"},
		{"gio", "giovedi", "thu", "thur", "thurs", "thursday"},
		{"ven", "venerdi", "fri", "friday"},
		{"sab", "sabato", "sat", "saturday"},
	} {
		for _, n := range names {
			m[n] = time.Weekday(d)
		}
	}
	return m
}()

// maxTypedLen bounds what a volunteer may type for hours or closures.
const maxTypedLen = 500

// ParseWeek reads opening hours as people write them, in Italian or
// English: "lun-ven 9-13, mar gio 15-18", "mon-fri 9:00-13:00 14:00-18:00",
// "sab 9.30-12". Groups are separated by commas or semicolons; each group
// is days (single, lists, ranges like lun-ven, ven-lun) then one or more
// slots. Slots of one day are merged in time order.
func ParseWeek(s string) (Week, error) {
	var w Week
	if len([]rune(s)) > maxTypedLen {
		return w, inputErr(clip(s, 20), "parse.too_long", "Max", maxTypedLen)
	}
	groups := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' })
	if len(groups) == 0 {
		return w, inputErr(s, "parse.hours_empty")
	}
	for _, g := range groups {
		days, slots, err := parseGroup(g)
		if err != nil {
			return Week{}, err
		}
		for _, d := range days {
			w[d] = append(w[d], slots...)
		}
	}
	for d := range w {
		slices.SortFunc(w[d], func(a, b Slot) int { return int(a.Open - b.Open) })
		for i := 1; i < len(w[d]); i++ {
			if w[d][i].Open < w[d][i-1].End() {
				return Week{}, inputErr(w[d][i-1].String()+" "+w[d][i].String(), "parse.hours_overlap", "Day", weekdayText(time.Weekday(d)))
			}
		}
	}
	return w, nil
}

// parseGroup reads "lun-ven 9-13 15-18" into its days and slots.
func parseGroup(g string) ([]time.Weekday, []Slot, error) {
	fields := strings.FieldsFunc(strings.ToLower(g), func(r rune) bool {
		return unicode.IsSpace(r) || r == '/' || r == '+' || r == '&'
	})
	var days []time.Weekday
	var slots []Slot
	for _, f := range fields {
		switch {
		case f == "e" || f == "and" || f == "ore" || f == "dalle" || f == "h":
			continue
		case len(f) > 0 && f[0] >= '0' && f[0] <= '9':
			if len(days) == 0 {
				return nil, nil, inputErr(strings.TrimSpace(g), "parse.hours_no_day")
			}
			sl, err := parseSlot(f)
			if err != nil {
				return nil, nil, err
			}
			slots = append(slots, sl)
		default:
			if len(slots) > 0 {
				return nil, nil, inputErr(f, "parse.hours_day_after_time")
			}
			ds, err := parseDays(f)
			if err != nil {
				return nil, nil, err
			}
			days = append(days, ds...)
		}
	}
	if len(days) == 0 {
		return nil, nil, inputErr(strings.TrimSpace(g), "parse.hours_no_day")
	}
	if len(slots) == 0 {
		return nil, nil, inputErr(strings.TrimSpace(g), "parse.hours_no_time")
	}
	return days, slots, nil
}

// parseDays reads "lun", "lunedì" or a range "lun-ven" (wrapping ranges
// like "sab-lun" go through Sunday).
func parseDays(f string) ([]time.Weekday, error) {
	from, to, isRange := strings.Cut(f, "-")
	a, ok := dayNames[NormalizeTown(from)]
	if !ok {
		return nil, inputErr(from, "parse.unknown_day")
	}
	if !isRange {
		return []time.Weekday{a}, nil
	}
	b, ok := dayNames[NormalizeTown(to)]
	if !ok {
		return nil, inputErr(to, "parse.unknown_day")
	}
	var out []time.Weekday
	for d := a; ; d = (d + 1) % 7 {
		out = append(out, d)
		if d == b {
			return out, nil
		}
	}
}

// parseSlot reads "9-13", "9:00-13:30", "20-2" (across midnight).
func parseSlot(f string) (Slot, error) {
	from, to, ok := strings.Cut(strings.ReplaceAll(f, "–", "-"), "-")
	if !ok {
		return Slot{}, inputErr(f, "parse.slot_no_dash")
	}
	open, err := ParseClock(from)
	if err != nil {
		return Slot{}, inputErr(f, "parse.bad_time", "Time", from)
	}
	closeAt, err := ParseClock(to)
	if err != nil {
		return Slot{}, inputErr(f, "parse.bad_time", "Time", to)
	}
	if open == closeAt || open == 1440 {
		return Slot{}, inputErr(f, "parse.slot_empty")
	}
	return Slot{Open: open, Close: closeAt}, nil
}

// End is the close of a slot in minutes from the start of its day: past
// 1440 for a slot across midnight.
func (s Slot) End() Clock {
	if s.Close <= s.Open {
		return s.Close + 1440
	}
	return s.Close
}

// String writes a slot as it is typed: "9:00-13:00".
func (s Slot) String() string { return s.Open.String() + "-" + s.Close.String() }

// ParseClosure reads a closure as people write it: "chiuso 24/12/2026-06/01/2027
// per le feste", "closed 15/08/2027", "dal 24/12/2026 al 6/1/2027 ferie".
// Leading words are optional; what follows the dates is the reason shown to
// women.
func ParseClosure(s string) (Closure, error) {
	if len([]rune(s)) > maxTypedLen {
		return Closure{}, inputErr(clip(s, 20), "parse.too_long", "Max", maxTypedLen)
	}
	words := strings.Fields(s)
	for len(words) > 0 && closureLead[strings.ToLower(words[0])] {
		words = words[1:]
	}
	if len(words) == 0 {
		return Closure{}, inputErr(s, "parse.closure_no_date")
	}
	fromText, toText, isRange := strings.Cut(words[0], "-")
	words = words[1:]
	if isRange && toText == "" && len(words) > 0 {
		toText, words = words[0], words[1:] // "24/12/2026- 6/1/2027"
	} else if !isRange {
		j := 0
		for j < len(words) && closureTo[strings.ToLower(words[j])] {
			j++
		}
		switch {
		case j > 0 && j < len(words): // "24/12/2026 fino al 6/1/2027", "… - …"
			toText, isRange, words = words[j], true, words[j+1:]
		case len(words) > 0 && len(words[0]) > 1 && words[0][0] == '-': // "24/12/2026 -6/1/2027"
			toText, isRange, words = words[0][1:], true, words[1:]
		}
	}
	from, err := parseDate(fromText)
	if err != nil {
		return Closure{}, err
	}
	to := from
	if isRange {
		if to, err = parseDate(toText); err != nil {
			return Closure{}, err
		}
	}
	if to.Before(from) {
		return Closure{}, inputErr(fromText+"-"+toText, "parse.closure_backwards")
	}
	return Closure{From: from, To: to, Reason: strings.Join(words, " ")}, nil
}

// closureLead are the words that may open a typed closure; closureTo the
// words between its two dates.
var (
	closureLead = map[string]bool{"chiuso": true, "chiusa": true, "chiusura": true, "dal": true, "closed": true, "closure": true, "from": true}
	closureTo   = map[string]bool{"al": true, "a": true, "fino": true, "to": true, "until": true, "-": true}
)

// parseDate reads "24/12/2026", "24.12.2026" or "6/1/27".
func parseDate(s string) (Date, error) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '.' })
	if len(parts) != 3 {
		return Date{}, inputErr(s, "parse.bad_date")
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || len(p) > 4 {
			return Date{}, inputErr(s, "parse.bad_date")
		}
		n[i] = v
	}
	if n[2] < 100 {
		n[2] += 2000
	}
	d := Date{Year: n[2], Month: time.Month(n[1]), Day: n[0]}
	if d.Month < 1 || d.Month > 12 || d.Year > 2100 || time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Day() != d.Day {
		return Date{}, inputErr(s, "parse.bad_date")
	}
	return d, nil
}
