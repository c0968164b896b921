package directory

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ParseClosure reads a closure as volunteers write it, in Italian or
// English: "chiuso 24-26 dicembre", "dal 24 al 26 dicembre per le feste",
// "24/12-26/12", "chiuso il 25 dicembre", "fino al 6 gennaio", "closed
// 24-26 December", "until 6 January", "24/12/2026-06/01/2027 ferie",
// "chiusi 24, 25 e 26 dicembre", "chiuso tutto agosto", "chiuso lunedì". A
// day without a year is the next such day from today (a closure under way
// counts: "24-26 dicembre" typed on the 25th is this year's); a range that
// ends before it starts crosses the new year; a weekday is the next one.
// The words around the dates, without the leading "chiuso"/"dal", are the
// reason shown to women.
func ParseClosure(s string, today Date) (Closure, error) {
	if len([]rune(s)) > MaxTypedLen {
		return Closure{}, NewInputError(Clip(s, 20), "parse.too_long", "Max", MaxTypedLen)
	}
	p := &dateParser{src: s, toks: dateTokens(s), today: today}
	return p.closure()
}

// ParseDate reads one day with its year, as ParseClosure reads its dates:
// "24/12/2026", "24 dicembre 2026", "December 24, 2026", "2026-12-24". The
// directory file uses it: a file is read long after it is written, so the
// year is required.
func ParseDate(s string) (Date, error) {
	p := &dateParser{src: s, toks: dateTokens(s)}
	if len(p.toks) == 0 {
		return Date{}, NewInputError(s, "parse.closure_no_date")
	}
	d, next, err := p.date(0)
	switch {
	case err != nil:
		return Date{}, err
	case next < len(p.toks):
		return Date{}, NewInputError(strings.TrimSpace(s), "parse.bad_date")
	case d.month == 0:
		return Date{}, p.noMonth(d, next)
	case d.year == 0:
		return Date{}, NewInputError(strings.TrimSpace(s), "parse.date_no_year")
	}
	out := Date{Year: d.year, Month: time.Month(d.month), Day: d.day}
	if !out.Valid() || out.Year < minYear || out.Year > maxYear {
		return Date{}, NewInputError(p.span(d), "parse.bad_date")
	}
	return out, nil
}

// The years a typed date may fall in.
const (
	minYear = 2000
	maxYear = 2100
)

// dateTok is one token of a typed date: a run of ASCII digits, a run of
// letters (norm holds it lower case without accents) or one punctuation
// mark. start and end are its byte offsets in the text.
type dateTok struct {
	norm       string
	num        int // the value of a digit run, -1 otherwise
	digits     int // how many digits
	start, end int
}

func (t dateTok) isNum() bool { return t.num >= 0 }

func (t dateTok) isSep(s string) bool { return t.num < 0 && t.norm == s }

// dateTokens splits text into tokens. Spaces separate; apostrophes split
// "dall'8" into "dall" and "8"; ordinal marks ("1°") are dropped; dashes of
// any kind are "-".
func dateTokens(s string) []dateTok {
	var toks []dateTok
	at := func(i int) (rune, int) { return utf8.DecodeRuneInString(s[i:]) }
	for i := 0; i < len(s); {
		r, w := at(i)
		switch {
		case r >= '0' && r <= '9':
			j, n := i, 0
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				if n < 1e6 {
					n = n*10 + int(s[j]-'0')
				}
				j++
			}
			toks = append(toks, dateTok{norm: s[i:j], num: n, digits: j - i, start: i, end: j})
			i = j
		case unicode.IsLetter(r):
			j := i
			for j < len(s) {
				r, w := at(j)
				if !unicode.IsLetter(r) && !unicode.Is(unicode.M, r) {
					break
				}
				j += w
			}
			toks = append(toks, dateTok{norm: Normalize(s[i:j]), num: -1, start: i, end: j})
			i = j
		case unicode.IsSpace(r) || r == '\'' || r == '’' || r == '°' || r == 'º':
			i += w
		default:
			mark := s[i : i+w]
			if r == '–' || r == '—' || r == '‑' {
				mark = "-"
			}
			toks = append(toks, dateTok{norm: mark, num: -1, start: i, end: i + w})
			i += w
		}
	}
	return toks
}

// monthNames maps the names and abbreviations of months, in Italian and
// English, to their number.
var monthNames = func() map[string]int {
	m := map[string]int{}
	for i, names := range [12][]string{
		{"gennaio", "gen", "january", "jan"},
		{"febbraio", "feb", "february"},
		{"marzo", "mar", "march"},
		{"aprile", "apr", "april"},
		{"maggio", "mag", "may"},
		{"giugno", "giu", "june", "jun"},
		{"luglio", "lug", "july", "jul"},
		{"agosto", "ago", "august", "aug"},
		{"settembre", "set", "sett", "september", "sep", "sept"},
		{"ottobre", "ott", "october", "oct"},
		{"novembre", "nov", "november"},
		{"dicembre", "dic", "december", "dec"},
	} {
		for _, n := range names {
			m[n] = i + 1
		}
	}
	return m
}()

// Words around the dates of a closure.
var (
	// closureLead may open a closure: "chiuso", "closed".
	closureLead = wordSet("chiuso", "chiusa", "chiusi", "chiuse", "chiusura", "chiusure", "closed", "closure", "close", "closing")
	// closureBefore may stand right before the first date: "dal", "il",
	// "from", "on"; closureFrom of them say a range follows.
	closureBefore = wordSet("dal", "dall", "da", "dalla", "from", "since", "il", "lo", "l", "la", "on", "the", "tra", "fra", "between", "fino", "al", "all", "a", "until", "till", "through", "thru", "to",
		"tutto", "tutta", "intero", "intera", "whole", "entire", "of", "di", "del", "mese", "month", "per", "for")
	closureFrom = wordSet("dal", "dall", "da", "dalla", "from", "since", "tra", "fra", "between")
	// closureUntil before the only date: closed from today to that day.
	closureUntil = wordSet("fino", "until", "till", "through", "thru")
	// closureTo joins the two dates of a range; closureAnd joins two days,
	// which make a range only when they follow each other or after "tra".
	closureTo  = wordSet("al", "all", "a", "alla", "fino", "to", "till", "until", "through", "thru")
	closureAnd = wordSet("e", "ed", "and")
	// dateFiller may stand between the parts of a date or before the second
	// one: "24th of December", "fino al", "to the".
	dateFiller = wordSet("il", "l", "lo", "the", "of", "di", "del", "st", "nd", "rd", "th", "al", "all")
	ordinals   = wordSet("st", "nd", "rd", "th")
	// wholeWords before a month make it a closure of the whole month;
	// monthFiller may stand between them.
	wholeWords  = wordSet("tutto", "tutta", "intero", "intera", "all", "whole", "entire")
	monthFiller = wordSet("il", "lo", "la", "the", "of", "di", "del", "mese", "month")
	// relativeDays are days named from today.
	relativeDays = map[string]int{"oggi": 0, "today": 0, "domani": 1, "tomorrow": 1, "dopodomani": 2}
)

func wordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// dateParser reads the tokens of one typed closure or date.
type dateParser struct {
	src   string
	toks  []dateTok
	today Date
}

// partDate is a date as typed: a zero month or year is missing.
type partDate struct {
	day, month, year int
	// weekday is a day named by its weekday ("lunedì"), the next one;
	// whole a month named alone ("tutto agosto").
	weekday, whole bool
	// first and last are the tokens it was read from.
	first, last int
}

// date is the day of d once all its parts are known.
func (d partDate) date() Date { return Date{Year: d.year, Month: time.Month(d.month), Day: d.day} }

// plusDays moves a date whose parts are all known.
func (d partDate) plusDays(n int) partDate {
	day := d.date().AddDays(n)
	d.year, d.month, d.day = day.Year, int(day.Month), day.Day
	return d
}

// monthEnd is the last day of a month.
func monthEnd(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 12, 0, 0, 0, time.UTC).Day()
}

func (p *dateParser) word(i int) string {
	if i < 0 || i >= len(p.toks) || p.toks[i].isNum() {
		return ""
	}
	return p.toks[i].norm
}

// span is the text of a date as she typed it, for error messages.
func (p *dateParser) span(d partDate) string {
	return p.src[p.toks[d.first].start:p.toks[d.last].end]
}

// startsDate tells whether a date can start at token i.
func (p *dateParser) startsDate(i int) bool {
	if i >= len(p.toks) {
		return false
	}
	t := p.toks[i]
	if t.isNum() {
		return true
	}
	if _, ok := relativeDays[t.norm]; ok {
		return true
	}
	_, isMonth := monthNames[t.norm]
	_, isDay := dayNames[t.norm]
	number := i+1 < len(p.toks) && p.toks[i+1].isNum()
	return (isMonth || isDay) && number || isMonth && p.wholeMonth(i) || isDay && !p.today.isZero()
}

// wholeMonth tells whether the month at i is named as a whole: "tutto
// agosto", "per tutto il mese di agosto", "all of August".
func (p *dateParser) wholeMonth(i int) bool {
	if i+1 < len(p.toks) && p.toks[i+1].isNum() && p.toks[i+1].digits <= 2 {
		return false
	}
	for j := i - 1; j >= 0; j-- {
		switch w := p.word(j); {
		case wholeWords[w]:
			return true
		case !monthFiller[w]:
			return false
		}
	}
	return false
}

// closure reads the tokens: the words before the first date, the dates
// (one, a range or a list of days) and the reason.
func (p *dateParser) closure() (Closure, error) {
	first := 0
	for first < len(p.toks) && !p.startsDate(first) {
		first++
	}
	if first == len(p.toks) {
		return Closure{}, NewInputError(Clip(strings.TrimSpace(p.src), 40), "parse.closure_no_date")
	}
	// The words before the first date: "chiuso per ferie dal".
	lead, before := 0, first
	for lead < before && closureLead[p.word(lead)] {
		lead++
	}
	var from, until bool
	for before > lead && closureBefore[p.word(before-1)] {
		from = from || closureFrom[p.word(before-1)]
		until = until || closureUntil[p.word(before-1)]
		before--
	}
	a, next, err := p.date(first)
	if err != nil {
		return Closure{}, err
	}
	// The other dates: the end of a range ("al 26", "-26", "to 26") or
	// more days of a list ("24, 25 e 26").
	parts, ranged := []partDate{a}, false
	for !until && !ranged {
		j, and, ok := p.rangeJoin(next)
		if !ok || !and && len(parts) > 1 {
			break
		}
		d, n, err := p.date(j)
		if err != nil {
			return Closure{}, err
		}
		parts, next = append(parts, d), n
		ranged = !and || from // "tra il 24 e il 26" is a range
	}
	b := parts[len(parts)-1]
	if len(parts) == 1 && next == len(p.toks)-1 && p.toks[next].isSep("-") {
		from = true // "24/12/2026-" and nothing after
	}
	if from && len(parts) == 1 && !a.whole {
		return Closure{}, NewInputError(p.span(a), "parse.closure_no_end")
	}
	if b.weekday && a.year != 0 && b.date().Before(a.date()) {
		b = b.plusDays(7) // "da venerdì a lunedì"
	}
	if a.whole && len(parts) == 1 {
		b.day = monthEnd(2001, a.month) // a year without a 29 February; fixed below
	}
	var cl Closure
	if until {
		cl.From = p.today
		cl.To, err = p.resolveOne(b, next)
	} else {
		cl.From, cl.To, err = p.resolve(a, b, next)
	}
	if err != nil {
		return Closure{}, err
	}
	if a.whole && len(parts) == 1 {
		cl.To.Day = monthEnd(cl.To.Year, int(cl.To.Month))
	}
	if len(parts) > 1 && !ranged && !p.consecutive(cl.From, parts) {
		// "24 e 25 dicembre" is a range; "24 e 26" two closures.
		return Closure{}, NewInputError(p.src[p.toks[a.first].start:p.toks[b.last].end], "parse.closure_two_days")
	}
	cl.Reason = p.reason(lead, before, next)
	return cl, nil
}

// consecutive tells whether the days of a list follow each other from from.
func (p *dateParser) consecutive(from Date, parts []partDate) bool {
	for i, d := range parts {
		if from.AddDays(i).Day != d.day {
			return false
		}
	}
	return true
}

// rangeJoin finds what joins two dates at token i: a dash or "al", "to",
// "fino al" (and false), or a comma, "e", "and" (and true). j is where the
// second date starts.
func (p *dateParser) rangeJoin(i int) (j int, joined, ok bool) {
	if i >= len(p.toks) {
		return 0, false, false
	}
	switch {
	case p.toks[i].isSep("-"):
		j = i + 1
	case closureTo[p.word(i)]:
		j = i + 1
	case closureAnd[p.word(i)] || p.toks[i].isSep(","):
		j, joined = i+1, true
	default:
		return 0, false, false
	}
	for j < len(p.toks) && (dateFiller[p.word(j)] || closureTo[p.word(j)]) && !p.startsDate(j) {
		j++
	}
	return j, joined, p.startsDate(j)
}

// reason is her words around the dates: those after the lead words and
// before the first date, and those after the last date.
func (p *dateParser) reason(lead, before, next int) string {
	var parts []string
	if before > lead {
		parts = append(parts, strings.TrimRight(p.src[p.toks[lead].start:p.toks[before-1].end], ":;,-–— "))
	}
	if next < len(p.toks) {
		rest := strings.TrimSpace(p.src[p.toks[next].start:])
		rest = strings.TrimLeft(rest, ",;:-–— ")
		if rest != "" {
			parts = append(parts, rest)
		}
	}
	return strings.TrimSpace(strings.Join(parts, " "))
}

// date reads one date at token i: "24/12", "24/12/2026", "24.12.26",
// "24 dicembre [2026]", "December 24[, 2026]", "2026-12-24", a bare day
// ("24" of "24-26 dicembre"), or "oggi"/"domani"; a weekday before it
// ("lunedì 8 dicembre") is skipped. next is the first token after it.
func (p *dateParser) date(i int) (d partDate, next int, err error) {
	if i >= len(p.toks) {
		return d, i, NewInputError(strings.TrimSpace(p.src), "parse.closure_no_date")
	}
	t := p.toks[i]
	if n, ok := relativeDays[t.norm]; ok && !t.isNum() && !p.today.isZero() {
		day := p.today.AddDays(n)
		return partDate{day: day.Day, month: int(day.Month), year: day.Year, first: i, last: i}, i + 1, nil
	}
	m, isMonth := monthNames[t.norm]
	if wd, isDay := dayNames[t.norm]; isDay && !t.isNum() {
		if i+1 >= len(p.toks) || !p.toks[i+1].isNum() {
			if !p.today.isZero() { // "chiuso lunedì": the next Monday
				day := p.today.AddDays((int(wd) - int(p.today.Weekday()) + 7) % 7)
				return partDate{day: day.Day, month: int(day.Month), year: day.Year, weekday: true, first: i, last: i}, i + 1, nil
			}
		} else if d, next, err := p.date(i + 1); err == nil && (d.month != 0 || !isMonth) {
			// "lunedì 8 dicembre"; but "mar 24" may be March the 24th.
			return d, next, nil
		}
	}
	if isMonth && !t.isNum() && p.wholeMonth(i) {
		return p.year(partDate{day: 1, month: m, whole: true, first: i, last: i}, i+1)
	}
	if isMonth && !t.isNum() {
		return p.monthFirst(i, m)
	}
	if !t.isNum() {
		return d, i, NewInputError(p.src[t.start:t.end], "parse.bad_date")
	}
	if t.digits == 4 {
		return p.iso(i)
	}
	d = partDate{day: t.num, first: i, last: i}
	if t.digits > 2 || t.num < 1 || t.num > 31 {
		return d, i, NewInputError(p.src[t.start:t.end], "parse.bad_date")
	}
	j := i + 1
	for j < len(p.toks) && ordinals[p.word(j)] { // "24th"
		j++
	}
	bare := j
	// "24/12", "24.12.2026", "24-12-2026"; but "24-26 dicembre" is a range.
	if j+1 < len(p.toks) && p.toks[j+1].isNum() && (p.toks[j].isSep("/") || p.toks[j].isSep(".") || p.toks[j].isSep("-")) {
		sep := p.toks[j].norm
		dashYear := j+3 < len(p.toks) && p.toks[j+2].isSep("-") && p.toks[j+3].isNum()
		if sep != "-" || dashYear {
			return p.numeric(d, j)
		}
	}
	for j < len(p.toks) && dateFiller[p.word(j)] {
		j++
	}
	if m, ok := monthNames[p.word(j)]; ok {
		d.month, d.last = m, j
		j = p.skipMark(j + 1)
		return p.year(d, j)
	}
	return d, bare, nil
}

// numeric reads the month and year of "24/12[/2026]" after the day; j is
// the separator after the day.
func (p *dateParser) numeric(d partDate, j int) (partDate, int, error) {
	sep := p.toks[j].norm
	m := p.toks[j+1]
	d.last = j + 1
	if m.digits > 2 || m.num < 1 || m.num > 12 {
		return d, j + 2, NewInputError(p.span(d), "parse.bad_date")
	}
	d.month = m.num
	next := j + 2
	if next+1 < len(p.toks) && p.toks[next].isSep(sep) && p.toks[next+1].isNum() {
		y := p.toks[next+1]
		d.last = next + 1
		switch y.digits {
		case 2:
			d.year = 2000 + y.num
		case 4:
			d.year = y.num
		default:
			return d, next + 2, NewInputError(p.span(d), "parse.bad_date")
		}
		next += 2
	}
	return d, next, nil
}

// monthFirst reads "December 24[, 2026]" or "dicembre 24".
func (p *dateParser) monthFirst(i, month int) (partDate, int, error) {
	j := p.skipMark(i + 1)
	d := partDate{month: month, first: i, last: i}
	if j >= len(p.toks) || !p.toks[j].isNum() || p.toks[j].digits > 2 {
		return d, j, NewInputError(p.src[p.toks[i].start:p.toks[i].end], "parse.bad_date")
	}
	d.day, d.last = p.toks[j].num, j
	j++
	for j < len(p.toks) && dateFiller[p.word(j)] && p.word(j) != "al" && p.word(j) != "all" {
		j++
	}
	if j < len(p.toks) && p.toks[j].isSep(",") {
		if j+1 < len(p.toks) && p.toks[j+1].isNum() && p.toks[j+1].digits == 4 {
			j++
		}
	}
	return p.year(d, j)
}

// year reads an optional four-digit year at j.
func (p *dateParser) year(d partDate, j int) (partDate, int, error) {
	if j < len(p.toks) && p.toks[j].isNum() && p.toks[j].digits == 4 {
		d.year, d.last = p.toks[j].num, j
		j++
	}
	if d.day < 1 || d.day > 31 {
		return d, j, NewInputError(p.span(d), "parse.bad_date")
	}
	return d, j, nil
}

// iso reads "2026-12-24", the form of the directory file.
func (p *dateParser) iso(i int) (partDate, int, error) {
	d := partDate{year: p.toks[i].num, first: i, last: i}
	if i+4 < len(p.toks) && p.toks[i+1].isSep("-") && p.toks[i+2].isNum() && p.toks[i+3].isSep("-") && p.toks[i+4].isNum() &&
		p.toks[i+2].digits <= 2 && p.toks[i+4].digits <= 2 {
		d.month, d.day, d.last = p.toks[i+2].num, p.toks[i+4].num, i+4
		return d, i + 5, nil
	}
	return d, i + 1, NewInputError(p.src[p.toks[i].start:p.toks[i].end], "parse.bad_date")
}

// skipMark skips the dot of an abbreviated month ("dic.", "Dec. 24").
func (p *dateParser) skipMark(j int) int {
	if j < len(p.toks) && p.toks[j].isSep(".") {
		return j + 1
	}
	return j
}

// noMonth explains a day without a month: the word after it when that
// looks like a misspelt month ("dicembr"), else the day itself.
func (p *dateParser) noMonth(d partDate, next int) error {
	if w := p.word(next); len(w) >= 3 {
		for name := range monthNames {
			if len(name) > 3 && strings.HasPrefix(name, w[:3]) {
				return NewInputError(p.src[p.toks[next].start:p.toks[next].end], "parse.unknown_month")
			}
		}
	}
	return NewInputError(p.span(d), "parse.date_no_month")
}

// resolve completes the two ends of a range: a missing month or year is
// taken from the other end, and with no year at all the range is the next
// one that has not ended yet.
func (p *dateParser) resolve(a, b partDate, next int) (Date, Date, error) {
	if b.month == 0 && a.month != 0 { // "December 24-26"
		b.month = a.month
		if b.year == 0 {
			b.year = a.year
		}
	}
	if b.month == 0 {
		return Date{}, Date{}, p.noMonth(b, next)
	}
	if a.month == 0 {
		a.month = b.month
		if a.day > b.day { // "dal 30 al 2 gennaio": from December
			a.month = (b.month+10)%12 + 1
		}
	}
	wraps := a.month > b.month || a.month == b.month && a.day > b.day
	switch {
	case a.year == 0 && b.year == 0:
		b.year = p.nextYear(b)
		a.year = b.year
		if wraps {
			a.year--
		}
	case a.year == 0:
		a.year = b.year
		if wraps {
			a.year--
		}
	case b.year == 0:
		b.year = a.year
		if wraps {
			b.year++
		}
	}
	from, err := p.complete(a)
	if err != nil {
		return Date{}, Date{}, err
	}
	to, err := p.complete(b)
	if err != nil {
		return Date{}, Date{}, err
	}
	if to.Before(from) {
		return Date{}, Date{}, NewInputError(p.src[p.toks[a.first].start:p.toks[b.last].end], "parse.closure_backwards")
	}
	return from, to, nil
}

// resolveOne completes the last day of "fino al 6 gennaio".
func (p *dateParser) resolveOne(b partDate, next int) (Date, error) {
	if b.month == 0 {
		return Date{}, p.noMonth(b, next)
	}
	if b.year == 0 {
		b.year = p.nextYear(b)
	}
	to, err := p.complete(b)
	if err == nil && to.Before(p.today) {
		return Date{}, NewInputError(p.span(b), "parse.closure_backwards")
	}
	return to, err
}

// nextYear is the year of the next day/month d from today on (today
// included); the 29th of February waits for a leap year.
func (p *dateParser) nextYear(d partDate) int {
	y := max(p.today.Year, minYear)
	for k := range 8 {
		c := Date{Year: y + k, Month: time.Month(d.month), Day: d.day}
		if c.Valid() && !c.Before(p.today) {
			return y + k
		}
	}
	return y
}

// complete checks a date whose parts are all known.
func (p *dateParser) complete(d partDate) (Date, error) {
	out := Date{Year: d.year, Month: time.Month(d.month), Day: d.day}
	if d.month < 1 || d.month > 12 || !out.Valid() || out.Year < minYear || out.Year > maxYear {
		return Date{}, NewInputError(p.span(d), "parse.bad_date")
	}
	return out, nil
}

// isZero reports the zero Date, which ParseDate uses for "no today".
func (d Date) isZero() bool { return d == Date{} }
