package directory

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
)

// dayNames maps the ways people write weekdays, in Italian and English, to
// time.Weekday. Names are looked up after Normalize (no accents, no dots).
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

// ParseWeek reads opening hours as people write them, in Italian or
// English: "lun-ven 9-13, mar gio 15-18", "lun, mer, ven 9-12", "dal lunedì
// al venerdì dalle 9 alle 13", "tutti i giorni 9-18", "feriali 9-12",
// "weekend 10-12", "mon-fri 9am-5pm", "sab chiuso". Each group is days
// (single, lists, ranges like lun-ven or ven-lun, or a word for several)
// then one or more slots, or "chiuso"; the next day after a slot starts a
// new group. Slots of one day are kept in time order; a later group's slot
// replaces the earlier ones it overlaps, and a later "chiuso" empties the
// days it names.
func ParseWeek(s string) (Week, error) {
	var w Week
	if len([]rune(s)) > MaxTypedLen {
		return w, NewInputError(Clip(s, 20), "parse.too_long", "Max", MaxTypedLen)
	}
	toks := hoursTokens(s)
	if len(toks) == 0 {
		return w, NewInputError(s, "parse.hours_empty")
	}
	groups, err := hoursGroups(toks)
	if err != nil {
		return Week{}, err
	}
	for _, g := range groups {
		slices.SortFunc(g.slots, func(a, b Slot) int { return int(a.Open - b.Open) })
		for i := 1; i < len(g.slots); i++ {
			if g.slots[i].Open < g.slots[i-1].End() {
				return Week{}, NewInputError(g.slots[i-1].String()+" "+g.slots[i].String(), "parse.hours_overlap", "Day", Msg("weekday."+g.days[0].String()))
			}
		}
		for _, d := range g.days {
			switch {
			case slices.Contains(g.except, d):
			case g.closed:
				w[d] = nil
			default:
				// A later group says it better: "tutti i giorni 9-18, sab
				// 9-12" keeps Saturday's 9-12 only.
				w[d] = slices.DeleteFunc(w[d], func(old Slot) bool {
					return slices.ContainsFunc(g.slots, func(s Slot) bool { return s.Open < old.End() && old.Open < s.End() })
				})
				w[d] = append(w[d], g.slots...)
				slices.SortFunc(w[d], func(a, b Slot) int { return int(a.Open - b.Open) })
			}
		}
	}
	return w, nil
}

// dashSpaces are the spaces around a dash, which "lun - ven 9 - 13" puts.
var dashSpaces = regexp.MustCompile(`\s*[-–—]\s*`)

// hoursTokens splits typed hours into words, days and slots, lower case.
func hoursTokens(s string) []string {
	s = dashSpaces.ReplaceAllString(strings.ToLower(s), "-")
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;/+&()", r)
	}) {
		if f = strings.TrimRight(f, ":."); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Words of typed hours: ignored ones, those that join two days or two
// times ("al", "to"), those that close days and those that leave days out.
var (
	hoursSkip = wordSet("e", "ed", "and", "ore", "h", "dal", "dall", "da", "dalle", "from", "il", "i", "la", "le", "lo", "the", "on", "at",
		"orario", "orari", "aperto", "aperta", "aperti", "open", "apertura", "hours", "continuato",
		"mattina", "mattino", "pomeriggio", "sera", "morning", "afternoon", "evening", "in")
	hoursTo     = wordSet("al", "all", "alle", "a", "fino", "to", "till", "until", "through", "thru")
	hoursClosed = wordSet("chiuso", "chiusa", "chiusi", "closed")
	hoursExcept = wordSet("tranne", "escluso", "esclusi", "eccetto", "except", "but")
)

// severalDays are the words for several days at once, longest first.
var severalDays = []struct {
	words []string
	days  []time.Weekday
}{
	{[]string{"tutti", "i", "giorni", "feriali"}, weekdays(1, 6)},
	{[]string{"tutti", "i", "feriali"}, weekdays(1, 6)},
	{[]string{"giorni", "feriali"}, weekdays(1, 6)},
	{[]string{"tutti", "i", "giorni"}, weekdays(0, 6)},
	{[]string{"tutta", "la", "settimana"}, weekdays(0, 6)},
	{[]string{"tutti", "giorni"}, weekdays(0, 6)},
	{[]string{"ogni", "giorno"}, weekdays(0, 6)},
	{[]string{"fine", "settimana"}, []time.Weekday{time.Saturday, time.Sunday}},
	{[]string{"every", "day"}, weekdays(0, 6)},
	{[]string{"all", "week"}, weekdays(0, 6)},
	{[]string{"everyday"}, weekdays(0, 6)},
	{[]string{"daily"}, weekdays(0, 6)},
	{[]string{"feriali"}, weekdays(1, 6)},
	{[]string{"weekdays"}, weekdays(1, 5)},
	{[]string{"weekend"}, []time.Weekday{time.Saturday, time.Sunday}},
	{[]string{"weekends"}, []time.Weekday{time.Saturday, time.Sunday}},
}

func weekdays(from, to time.Weekday) []time.Weekday {
	var out []time.Weekday
	for d := from; d <= to; d++ {
		out = append(out, d)
	}
	return out
}

// hoursGroup is days with their slots, or closed.
type hoursGroup struct {
	days, except []time.Weekday
	slots        []Slot
	closed       bool
	// typed is the group as she wrote it, for errors.
	typed []string
}

// hoursGroups reads the tokens into groups of days and slots.
func hoursGroups(toks []string) ([]hoursGroup, error) {
	var groups []hoursGroup
	g := &hoursGroup{}
	except := false
	// end checks the group in progress and starts the next.
	end := func() error {
		switch {
		case len(g.typed) == 0:
			return nil
		case len(g.days) == 0:
			return NewInputError(strings.Join(g.typed, " "), "parse.hours_no_day")
		case len(g.slots) == 0 && !g.closed:
			return NewInputError(strings.Join(g.typed, " "), "parse.hours_no_time")
		}
		groups = append(groups, *g)
		g, except = &hoursGroup{}, false
		return nil
	}
	// addDays puts days in the group, or in its exceptions.
	addDays := func(days []time.Weekday, typed ...string) error {
		if !except && (len(g.slots) > 0 || g.closed) {
			if err := end(); err != nil {
				return err
			}
		}
		if except {
			g.except = append(g.except, days...)
		} else {
			g.days = append(g.days, days...)
		}
		g.typed = append(g.typed, typed...)
		return nil
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if n, days := matchSeveralDays(toks[i:]); n > 0 {
			if err := addDays(days, toks[i:i+n]...); err != nil {
				return nil, err
			}
			i += n - 1
			continue
		}
		switch {
		case hoursSkip[Normalize(t)]:
			continue
		case hoursClosed[Normalize(t)]:
			g.closed, except = true, false
			g.typed = append(g.typed, t)
		case hoursExcept[Normalize(t)]:
			except = true
		case t[0] >= '0' && t[0] <= '9' || t == "h24":
			if len(g.days) == 0 {
				return nil, NewInputError(t, "parse.hours_no_day")
			}
			text := t
			// "9 alle 13", "9am to 5pm"
			if !strings.Contains(t, "-") && i+2 < len(toks) && hoursTo[Normalize(toks[i+1])] && toks[i+2][0] >= '0' && toks[i+2][0] <= '9' {
				text = t + "-" + toks[i+2]
				i += 2
			}
			sl, err := ParseSlot(text)
			if err != nil {
				return nil, err
			}
			g.slots, except = append(g.slots, sl), false
			g.typed = append(g.typed, text)
		default:
			days, err := parseDays(t)
			if err != nil {
				return nil, err
			}
			// "dal lunedì al venerdì", "monday to friday"
			if !strings.Contains(t, "-") && i+2 < len(toks) && hoursTo[Normalize(toks[i+1])] {
				if _, isDay := dayNames[Normalize(toks[i+2])]; isDay {
					if days, err = parseDays(t + "-" + toks[i+2]); err != nil {
						return nil, err
					}
					i += 2
				}
			}
			if err := addDays(days, t); err != nil {
				return nil, err
			}
		}
	}
	if err := end(); err != nil {
		return nil, err
	}
	return groups, nil
}

// matchSeveralDays reads words for several days at the start of toks: how
// many tokens they take and the days.
func matchSeveralDays(toks []string) (int, []time.Weekday) {
	for _, dw := range severalDays {
		if len(toks) < len(dw.words) {
			continue
		}
		ok := true
		for k, w := range dw.words {
			ok = ok && Normalize(toks[k]) == w
		}
		if ok {
			return len(dw.words), dw.days
		}
	}
	return 0, nil
}

// parseDays reads "lun", "lunedì" or a range "lun-ven" (wrapping ranges
// like "sab-lun" go through Sunday).
func parseDays(f string) ([]time.Weekday, error) {
	from, to, isRange := strings.Cut(f, "-")
	a, ok := dayNames[Normalize(from)]
	if !ok {
		return nil, NewInputError(from, "parse.unknown_day")
	}
	if !isRange {
		return []time.Weekday{a}, nil
	}
	b, ok := dayNames[Normalize(to)]
	if !ok {
		return nil, NewInputError(to, "parse.unknown_day")
	}
	var out []time.Weekday
	for d := a; ; d = (d + 1) % 7 {
		out = append(out, d)
		if d == b {
			return out, nil
		}
	}
}

// ParseSlot reads one opening slot as people write it: "9-13",
// "9:00-13:30", "20-2" (across midnight), "9am-1pm", "h24". The bot and
// the directory file read slots with it.
func ParseSlot(f string) (Slot, error) {
	if f == "h24" || f == "24h" {
		return Slot{Open: 0, Close: 1440}, nil
	}
	from, to, ok := strings.Cut(strings.ReplaceAll(f, "–", "-"), "-")
	if !ok {
		return Slot{}, NewInputError(f, "parse.slot_no_dash")
	}
	open, openHalf, err := parseClock12(from)
	if err != nil {
		return Slot{}, NewInputError(f, "parse.bad_time", "Time", from)
	}
	closeAt, closeHalf, err := parseClock12(to)
	if err != nil {
		return Slot{}, NewInputError(f, "parse.bad_time", "Time", to)
	}
	switch {
	case openHalf == "" && closeHalf == "pm" && open+12*60 < closeAt:
		open += 12 * 60 // "1-5pm" is 13:00-17:00, "9-1pm" stays 9:00-13:00
	case openHalf == "" && closeHalf == "" && open < 12*60 && closeAt > 0 && closeAt < open:
		closeAt += 12 * 60 // "9-1" is 9:00-13:00; "20-2" runs past midnight
	}
	if open == closeAt || open == 1440 {
		return Slot{}, NewInputError(f, "parse.slot_empty")
	}
	return Slot{Open: open, Close: closeAt}, nil
}

// parseClock12 reads a time that may end in am or pm ("9am", "5:30pm");
// half is "am", "pm" or "".
func parseClock12(s string) (c Clock, half string, err error) {
	t := strings.ReplaceAll(s, ".m", "m")
	for _, h := range []string{"am", "pm"} {
		if rest, ok := strings.CutSuffix(t, h); ok {
			c, err := ParseClock(rest)
			if err != nil || c < 60 || c >= 13*60 {
				return 0, "", fmt.Errorf("clock %q: want 1 to 12 before %s", s, h)
			}
			c %= 12 * 60
			if h == "pm" {
				c += 12 * 60
			}
			return c, h, nil
		}
	}
	c, err = ParseClock(s)
	return c, "", err
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
