package flows

import (
	"errors"
	"frontdoor/flows/directory"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Why typed times could not become windows; each is told to her with the
// question again.
var (
	errTimesUnread = errors.New("no time in the text")
	errTimesHours  = errors.New("outside the hours calls can be asked for")
	errTimesFar    = errors.New("a day after tomorrow")
	errTimesPast   = errors.New("already past")
)

// maxTypedWindows bounds the windows one message can give.
const maxTypedWindows = 6

// ParseTimes reads the times she types where the callback request asks when
// it is safe to call, in Italian or English, as windows seen at now:
// "stasera dopo le 20", "domani mattina", "tra le 15 e le 17", "dalle 18",
// "oggi pomeriggio o domani mattina", "tomorrow morning", "after 6pm",
// "subito", "appena potete". Hours without a part of the day or am/pm read
// as people mean them ("dopo le 6" is 18:00); spans are kept within the
// hours calls can be asked for. Words it does not know are skipped, so
// what it read must be shown to her for confirmation. The error says why
// nothing could be read: no time at all, hours outside the calling day, a
// day after tomorrow, or a time already past.
func ParseTimes(s string, now time.Time) ([]Window, error) {
	now = now.In(directory.Rome)
	p := timeParser{now: now, toks: timeTokens(s)}
	var out []Window
	for _, c := range p.clauses() {
		w, err := c.window(now)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(out, func(o Window) bool { return o.Start.Equal(w.Start) && o.End.Equal(w.End) }) {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return nil, errTimesUnread
	}
	slices.SortStableFunc(out, func(a, b Window) int { return a.Start.Compare(b.Start) })
	return out[:min(len(out), maxTypedWindows)], nil
}

// tokKind is what a token of typed times is.
type tokKind int

const (
	tokWord tokKind = iota
	tokNum          // a time of day or a count: "18", "20:30", "18.15"
	tokDash         // "-", "–": a span
	tokSep          // ",", ";", "/": another time follows
)

type timeToken struct {
	kind tokKind
	word string
	n    int // hours, or minutes for "20:30" (as 1230)
	mins bool
}

// timeTokens splits text into lower-case words without accents, numbers,
// dashes and separators; anything else separates words.
func timeTokens(s string) []timeToken {
	var (
		toks []timeToken
		word []rune
		num  []byte // digits, with one ':' between hours and minutes
	)
	flush := func() {
		if len(word) > 0 {
			toks = append(toks, timeToken{kind: tokWord, word: string(word)})
			word = word[:0]
		}
		if len(num) > 0 {
			toks = append(toks, numToken(string(num)))
			num = num[:0]
		}
	}
	rs := []rune(norm.NFKD.String(strings.ToLower(s)))
	for i, r := range rs {
		switch {
		case r >= '٠' && r <= '٩': // Arabic-Indic digits
			r = '0' + r - '٠'
		case r >= '۰' && r <= '۹': // Persian digits
			r = '0' + r - '۰'
		}
		switch {
		case unicode.Is(unicode.M, r):
		case r >= '0' && r <= '9':
			if len(word) > 0 {
				flush()
			}
			num = append(num, byte(r))
		case (r == ':' || r == '.') && len(num) > 0 && !strings.Contains(string(num), ":") && i+1 < len(rs) && unicode.IsDigit(rs[i+1]):
			num = append(num, ':')
		case unicode.IsLetter(r):
			if len(num) > 0 {
				flush()
			}
			word = append(word, r)
		case r == '-' || r == '–' || r == '—' || r == '~':
			flush()
			toks = append(toks, timeToken{kind: tokDash})
		case r == ',' || r == ';' || r == '/' || r == '+' || r == '&' || r == '\n':
			flush()
			toks = append(toks, timeToken{kind: tokSep})
		default:
			flush()
		}
	}
	flush()
	return toks
}

// numToken reads "18", "20:30"; anything longer (a phone number, a year)
// becomes a word that means nothing here.
func numToken(s string) timeToken {
	h, m, hasMin := strings.Cut(s, ":")
	hh, ok := directory.ParseDigits(h, 1, 2)
	if !ok {
		return timeToken{kind: tokWord, word: "#"}
	}
	if !hasMin {
		return timeToken{kind: tokNum, n: hh * 60}
	}
	mm, ok := directory.ParseDigits(m, 2, 2)
	if !ok || mm > 59 {
		return timeToken{kind: tokWord, word: "#"}
	}
	return timeToken{kind: tokNum, n: hh*60 + mm, mins: true}
}

// Words of typed times, Italian and English, without accents.
var (
	numberWords = map[string]int{
		"un": 1, "uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8,
		"nove": 9, "dieci": 10, "undici": 11, "dodici": 12,
		"one": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
		"ten": 10, "eleven": 11, "twelve": 12,
	}
	// noonWords are hours that need no am/pm.
	noonWords = map[string]int{"mezzogiorno": 12, "noon": 12, "midday": 12, "mezzanotte": 0, "midnight": 0}
	// dayWords are days (0 today, 1 tomorrow, 2 later), some with a part
	// of the day.
	dayWords = map[string]dayWord{
		"oggi": {0, ""}, "today": {0, ""}, "stamattina": {0, "morning"}, "stamani": {0, "morning"}, "stamane": {0, "morning"},
		"stasera": {0, "evening"}, "tonight": {0, "evening"}, "tonite": {0, "evening"}, "stanotte": {0, "night"},
		"domani": {1, ""}, "doman": {1, ""}, "tomorrow": {1, ""}, "tomorow": {1, ""}, "tommorow": {1, ""}, "tommorrow": {1, ""},
		"tmrw": {1, ""}, "domattina": {1, "morning"},
		"dopodomani": {2, ""}, "settimana": {2, ""}, "settimane": {2, ""}, "week": {2, ""}, "weeks": {2, ""}, "weekend": {2, ""},
		"giorni": {2, ""}, "days": {2, ""}, "mese": {2, ""}, "month": {2, ""},
		// Today and tomorrow in the bot's other languages, so that the
		// example every language shows ("mañana 15-17") reads right.
		"hoy": {0, ""}, "manana": {1, ""}, "aujourd": {0, ""}, "demain": {1, ""}, "hoje": {0, ""}, "amanha": {1, ""},
		"azi": {0, ""}, "astazi": {0, ""}, "maine": {1, ""}, "dzis": {0, ""}, "dzisiaj": {0, ""}, "jutro": {1, ""},
		"сегодня": {0, ""}, "завтра": {1, ""}, "сьогодні": {0, ""}, "sot": {0, ""}, "neser": {1, ""},
		"اليوم": {0, ""}, "غدا": {1, ""}, "بكرة": {1, ""}, "امروز": {0, ""}, "فردا": {1, ""}, "今天": {0, ""}, "明天": {1, ""},
	}
	partWords = map[string]string{
		"mattina": "morning", "mattino": "morning", "mattinata": "morning", "morning": "morning", "mornings": "morning",
		"pomeriggio": "afternoon", "pome": "afternoon", "afternoon": "afternoon",
		"sera": "evening", "serata": "evening", "cena": "evening", "evening": "evening", "dinner": "evening",
		"notte": "night", "nottata": "night", "night": "night",
		"pranzo": "lunch", "lunch": "lunch", "lunchtime": "lunch",
	}
	// partSpans are the parts of the day that are not offered as buttons.
	partSpans    = map[string][2]int{"lunch": {12, 14}}
	weekdayWords = map[string]time.Weekday{
		"domenica": time.Sunday, "lunedi": time.Monday, "martedi": time.Tuesday, "mercoledi": time.Wednesday,
		"giovedi": time.Thursday, "venerdi": time.Friday, "sabato": time.Saturday,
		"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
		"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
	}
	asapWords = []string{"subito", "adesso", "ora", "now", "asap", "immediately", "immediatamente", "appena", "soon",
		"possibile", "possible", "qualsiasi", "qualunque", "anytime", "whenever", "sempre"}
	// whenWords after "quando" mean "whenever you can".
	whenWords    = []string{"volete", "potete", "vuoi", "puoi", "preferite", "possibile", "vi", "ti"}
	fromWords    = []string{"dopo", "dalle", "dalla", "dal", "da", "dall", "after", "from", "since"}
	toWords      = []string{"prima", "entro", "fino", "before", "until", "till", "til", "by"}
	atWords      = []string{"alle", "all", "al", "a", "at", "ore", "h", "to"}
	spanToWords  = []string{"alle", "all", "al", "a", "to"} // after an hour: the end of a span
	aroundWords  = []string{"verso", "circa", "intorno", "around", "about", "approximately", "tipo"}
	betweenWords = []string{"tra", "fra", "between", "in"}
	andWords     = []string{"e", "ed", "and"}
	orWords      = []string{"o", "od", "oppure", "or", "poi", "then", "anche", "also", "altrimenti", "otherwise"}
	notWords     = []string{"non", "no", "not", "mai", "never"}
	thisWords    = []string{"questa", "questo", "sta", "this"}
	hourUnits    = []string{"ore", "ora", "hours", "hour", "hrs", "hr", "h"}
	minuteUnits  = []string{"minuti", "minuto", "min", "minutes", "minute", "mins"}
)

type dayWord struct {
	day  int
	part string
}

// timeMode is what the next number means.
type timeMode int

const (
	modeAt      timeMode = iota // "alle 17", or a bare number
	modeFrom                    // "dopo le 18", "dalle 18"
	modeTo                      // "prima delle 12", "fino alle 12"
	modeAround                  // "verso le 17"
	modeBetween                 // "tra le 15 ...": a span, or "tra 2 ore"
	modeAnd                     // "tra le 15 e ...": the end of the span
)

// hourVal is an hour she wrote; explicit when no reading of am/pm is left
// to guess ("18", "6pm", "mezzogiorno").
type hourVal struct {
	set, explicit bool
	c             directory.Clock
}

// timeClause is one time she gave: "domani mattina", "dopo le 18".
type timeClause struct {
	day                  int  // -1 not said, 0 today, 1 tomorrow, 2 later
	said                 bool // the day was said in this clause, not carried over
	part                 string
	from, to, at, around hourVal
	in                   time.Duration // "tra 2 ore": from now
	asap                 bool
}

// hours says whether the clause has hours of the day.
func (c *timeClause) hours() bool { return c.from.set || c.to.set || c.at.set || c.around.set }

// empty says whether nothing of a time was read into the clause.
func (c *timeClause) empty() bool {
	return !c.said && c.part == "" && !c.hours() && c.in == 0 && !c.asap
}

// timeParser reads tokens into clauses.
type timeParser struct {
	now  time.Time
	toks []timeToken
	i    int

	out  []timeClause
	cur  timeClause
	mode timeMode
	last *hourVal // the hour just read, for "pm" and "e mezza"
	neg  bool     // "non", "not" just read
	// soft is set by a comma, "e" or "o": another time may follow, or
	// more of this one ("sera, dopo le 20").
	soft bool
}

func (p *timeParser) word(k int) string {
	if j := p.i + k; j >= 0 && j < len(p.toks) && p.toks[j].kind == tokWord {
		return p.toks[j].word
	}
	return ""
}

// next ends the current time; a time without a day takes the day of the
// one before ("domani mattina o pomeriggio").
func (p *timeParser) next() {
	if !p.cur.empty() {
		p.out = append(p.out, p.cur)
	}
	day := -1
	if len(p.out) > 0 {
		day = p.out[len(p.out)-1].day
	}
	p.cur, p.mode, p.last, p.neg, p.soft = timeClause{day: day}, modeAt, nil, false, false
}

// another ends the current time if a separator came before a word that
// starts a new one.
func (p *timeParser) another() {
	if p.soft {
		mode := p.mode
		p.next()
		p.mode = mode
	}
}

// clauses reads the tokens into the times she gave, in order.
func (p *timeParser) clauses() []timeClause {
	p.cur = timeClause{day: -1}
	for ; p.i < len(p.toks); p.i++ {
		switch t := p.toks[p.i]; t.kind {
		case tokSep:
			p.soft = true
		case tokDash:
			p.spanEnd()
		case tokNum:
			p.number(directory.Clock(t.n), t.mins)
		default:
			p.readWord(t.word)
		}
	}
	p.next()
	return p.out
}

// spanEnd makes the hour just read the start of a span: "15-17", "3 to 5".
func (p *timeParser) spanEnd() {
	c := &p.cur
	switch p.last {
	case &c.at:
		c.from, c.at = c.at, hourVal{}
		p.last = &c.from
		p.mode = modeTo
	case &c.from:
		p.mode = modeTo
	}
}

func (p *timeParser) readWord(w string) {
	c := &p.cur
	if n, ok := numberWords[w]; ok && (p.mode != modeAt || slices.Contains(atWords, p.word(-1)) || p.unitAhead()) {
		// "alle cinque", "tra un'ora"; a lone "una" is no hour.
		p.number(directory.Clock(n*60), false)
		return
	}
	if n, ok := noonWords[w]; ok {
		p.number(directory.Clock(n*60), false)
		if p.last != nil {
			p.last.explicit = true
		}
		return
	}
	if d, ok := dayWords[w]; ok {
		p.another()
		if !c.empty() && c.day >= 0 && c.day != d.day {
			p.next()
		}
		c.day, c.said = d.day, true
		if d.part != "" {
			c.part = d.part
		}
		return
	}
	if wd, ok := weekdayWords[w]; ok {
		p.another()
		switch wd {
		case p.now.Weekday():
			c.day = 0
		case (p.now.Weekday() + 1) % 7:
			c.day = 1
		default:
			c.day = 2
		}
		c.said = true
		return
	}
	if part, ok := partWords[w]; ok {
		p.another()
		if c.part != "" && c.part != part {
			p.next()
		}
		c.part = part
		if slices.Contains(thisWords, p.word(-1)) && c.day < 0 {
			c.day, c.said = 0, true
		}
		return
	}
	switch {
	case w == "pm" || w == "p" && p.word(1) == "m":
		p.pm()
	case w == "am" || w == "a" && p.word(1) == "m":
		if p.last != nil {
			if p.last.c >= 12*60 && p.last.c < 13*60 {
				p.last.c -= 12 * 60
			}
			p.last.explicit = true
		}
	case slices.Contains(andWords, w):
		switch {
		case p.word(1) == "mezza" || p.word(1) == "mezzo":
			if p.last != nil && p.last.c%60 == 0 {
				p.last.c += 30 // "alle 5 e mezza"
			}
			p.i++
		case p.mode == modeAnd:
			p.mode = modeTo
		default:
			p.soft = true
		}
	case slices.Contains(orWords, w):
		p.soft = true
	case slices.Contains(notWords, w):
		switch {
		case slices.Contains(toWords, p.word(1)):
			p.mode = modeFrom // "non prima delle 18"
			p.i++
		case slices.Contains(fromWords, p.word(1)):
			p.mode = modeTo // "not after 6"
			p.i++
		case c.asap:
			c.asap = false // "adesso no"
		default:
			p.neg = true
		}
	case w == "quando" && slices.Contains(whenWords, p.word(1)),
		w == "any" && (p.word(1) == "time" || p.word(1) == "moment"),
		slices.Contains(asapWords, w):
		p.another()
		c.asap = c.asap || !p.neg
		p.neg = false
	case slices.Contains(fromWords, w):
		p.mode = modeFrom
	case slices.Contains(toWords, w):
		if !(w == "prima" && p.word(1) == "possibile") {
			p.mode = modeTo
		}
	case slices.Contains(aroundWords, w):
		p.mode = modeAround
	case slices.Contains(betweenWords, w):
		p.mode = modeBetween
	case slices.Contains(spanToWords, w) && p.mode == modeAt && (p.last == &c.at || p.last == &c.from):
		p.spanEnd() // "dalle 15 alle 17", "3 to 5"
	}
}

// pm moves the hour just read to the afternoon, and the start of its span
// with it ("3-5pm").
func (p *timeParser) pm() {
	h, c := p.last, &p.cur
	if h == nil {
		return
	}
	if h.c < 12*60 {
		h.c += 12 * 60
	}
	h.explicit = true
	if h == &c.to && c.from.set && !c.from.explicit && c.from.c < 12*60 && c.from.c+12*60 < h.c {
		c.from.c += 12 * 60
		c.from.explicit = true
	}
}

// unitAhead says whether the next word is a unit of time: "tra un'ora".
func (p *timeParser) unitAhead() bool {
	w := p.word(1)
	return slices.Contains(hourUnits, w) || slices.Contains(minuteUnits, w)
}

// number places an hour (or, before a unit, a duration) in the current
// time as the words before it say.
func (p *timeParser) number(v directory.Clock, mins bool) {
	c := &p.cur
	if p.soft && (c.hours() || c.in > 0) {
		p.another() // "dalle 15 alle 17 o dopo le 19"
		c = &p.cur
	}
	unit := p.word(1)
	hours := slices.Contains(hourUnits, unit) && (p.mode == modeBetween || unit != "h" && unit != "ore")
	if !mins && (hours || slices.Contains(minuteUnits, unit)) {
		// "tra 2 ore", "in 30 minuti": a time from now. "18h" and "alle
		// 17 ore" are hours of the day.
		d := time.Duration(v/60) * time.Hour
		if !hours {
			d = time.Duration(v/60) * time.Minute
		}
		c.in += d
		p.i++
		p.mode, p.last = modeAt, nil
		return
	}
	h := hourVal{set: true, c: v, explicit: v >= 13*60 || v == 0}
	between := p.mode == modeBetween
	dst := &c.at
	switch p.mode {
	case modeFrom:
		dst = &c.from
	case modeTo, modeAnd:
		dst = &c.to
	case modeAround:
		dst = &c.around
	case modeBetween:
		dst = &c.from
	}
	*dst = h
	p.last = dst
	p.mode = modeAt
	if between {
		p.mode = modeAnd
	}
}

// readings are the hours an hour she wrote may mean: as written, and
// twelve hours later when she gave no am/pm ("alle 5").
func readings(h hourVal) []directory.Clock {
	if h.explicit || h.c >= 12*60 {
		return []directory.Clock{h.c}
	}
	return []directory.Clock{h.c, h.c + 12*60}
}

// overlap is how much of from–to lies within lo–hi.
func overlap(from, to, lo, hi directory.Clock) directory.Clock {
	return max(0, min(to, hi)-max(from, lo))
}

// pick reads an hour as the time around it (before..after) that best fits
// lo–hi, the part of the day she named or the calling day; as written when
// both fit as well.
func pick(h hourVal, before, after, lo, hi directory.Clock) directory.Clock {
	best, fit := h.c, directory.Clock(-1)
	for _, c := range readings(h) {
		if f := overlap(c+before, c+after, lo, hi); f > fit {
			best, fit = c, f
		}
	}
	return best
}

// pickSpan reads a span the same way, both ends in the same half of the
// day unless the end comes before the start as written ("dalle 9 alle 5").
func pickSpan(from, to hourVal, lo, hi directory.Clock) (directory.Clock, directory.Clock) {
	f, t := readings(from), readings(to)
	cands := [][2]directory.Clock{{f[0], t[0]}, {f[len(f)-1], t[len(t)-1]}}
	if from.c >= to.c {
		cands = append(cands, [2]directory.Clock{f[0], t[len(t)-1]})
	}
	best, fit := cands[0], directory.Clock(-1)
	for _, c := range cands {
		if c[0] >= c[1] {
			continue
		}
		if o := overlap(c[0], c[1], lo, hi); o > fit {
			best, fit = c, o
		}
	}
	return best[0], best[1]
}

// window turns a clause into a window as seen at now.
func (c *timeClause) window(now time.Time) (Window, error) {
	if c.day == 2 {
		return Window{}, errTimesFar
	}
	if c.part == "night" {
		return Window{}, errTimesHours
	}
	if c.asap && !c.hours() && c.part == "" && c.day <= 0 && c.in == 0 {
		return Window{Start: now, End: now.Add(asapSpan), Key: asapKey}, nil
	}
	today := directory.DateOf(now)
	if c.in > 0 {
		start := now.Add(c.in)
		if directory.DateOf(start) != today || c.day == 1 {
			return Window{}, errTimesFar
		}
		from := clockIn(today, start)
		return clipWindow(today, from, from+60)
	}
	lo, hi := callDayStart, callDayEnd
	for _, p := range dayParts {
		if p.key == c.part {
			lo, hi = directory.Clock(p.start*60), directory.Clock(p.stop*60)
		}
	}
	if s, ok := partSpans[c.part]; ok {
		lo, hi = directory.Clock(s[0]*60), directory.Clock(s[1]*60)
	}
	from, to := lo, hi
	switch {
	case c.at.set:
		from = pick(c.at, 0, 60, lo, hi)
		to = from + 60
	case c.around.set:
		a := pick(c.around, -30, 30, lo, hi)
		from, to = a-30, a+30
	case c.from.set && c.to.set:
		if from, to = pickSpan(c.from, c.to, lo, hi); to <= from {
			return Window{}, errTimesUnread
		}
	case c.from.set:
		from = pick(c.from, 0, 60, lo, hi)
		if from >= hi {
			hi = callDayEnd // "mattina dopo le 14": the rest of the day
		}
		to = hi
	case c.to.set:
		to = pick(c.to, -60, 0, lo, hi)
	}
	day := today
	if c.day == 1 || c.day < 0 && !today.Time(min(to, callDayEnd)).After(now) {
		day = today.AddDays(1)
	}
	w, err := clipWindow(day, from, to)
	if err != nil {
		return w, err
	}
	if !w.End.After(now) {
		return Window{}, errTimesPast
	}
	return w, nil
}

// clipWindow keeps from–to on day within the hours calls can be asked for;
// what is left must be long enough for a call to be arranged.
func clipWindow(day directory.Date, from, to directory.Clock) (Window, error) {
	from, to = max(from, callDayStart), min(to, callDayEnd)
	if to-from < directory.Clock(minCallTime/time.Minute) {
		return Window{}, errTimesHours
	}
	return Window{Start: day.Time(from), End: day.Time(to)}, nil
}
