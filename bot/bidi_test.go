package bot_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/bidi"

	"frontdoor/bot"
	"frontdoor/flows"
	"frontdoor/locales"
)

// inOrder are what must read left to right in any language: URLs,
// /commands, phone numbers (and the "3xx xxx xxxx" example), numbers with
// punctuation (times, ranges of hours, dates, coordinates, "<5").
var inOrder = []*regexp.Regexp{
	regexp.MustCompile(`(?:https?://)?(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?:/[A-Za-z0-9_?=&./-]*)?`),
	regexp.MustCompile(`/[a-z_]+\b`),
	regexp.MustCompile(`\+?[0-9][0-9x]+(?: [0-9x]{2,})+|\+[0-9]{6,}`),
	regexp.MustCompile(`[0-9]+(?:[:./–-][0-9]+)+`),
	regexp.MustCompile(`<[0-9]+`),
}

// TestRightToLeftReadsInOrder renders every message of the right-to-left
// files with realistic values, as Telegram receives it, lays out each line
// with the Unicode bidirectional algorithm (golang.org/x/text/unicode/bidi)
// and checks what she sees: every URL, command and number reads left to
// right as written, and a line with words of her language is a
// right-to-left paragraph. Without the isolates of the renderer "1522.eu"
// shows as "eu.1522", "/start" as "start/", "18–21" as "21–18", and a line
// that begins with "/forget" turns left to right.
func TestRightToLeftReadsInOrder(t *testing.T) {
	r := bot.NewRenderer(catalog(t))
	checked := 0
	for _, lang := range []string{"ar", "fa"} {
		if !locales.RightToLeft(lang) {
			t.Fatalf("%s is not right to left", lang)
		}
		msgs, err := locales.Messages(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			for _, text := range sampleTexts(m) {
				rendered := r.Render(lang, flows.Reply{Texts: []flows.Text{text}}).Text
				for line := range strings.SplitSeq(bot.PlainText(rendered), "\n") {
					checked += checkLine(t, lang, m.ID, line)
				}
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d URLs, commands and numbers checked", checked)
	}
}

// checkLine lays out one line as she sees it and checks it; it returns how
// many tokens it checked.
func checkLine(t *testing.T, lang, id, line string) int {
	t.Helper()
	rtl, hasRTL := paragraphDirection(line)
	if hasRTL && !rtl {
		t.Errorf("%s %s: the line %q is laid out left to right", lang, id, visible(line))
	}
	seen := display(line, rtl)
	logical := strings.NewReplacer(lri, "", fsi, "", pdi, "", "\u2067", "").Replace(line)
	n := 0
	for _, re := range inOrder {
		for _, tok := range re.FindAllString(logical, -1) {
			n++
			if !strings.Contains(seen, tok) {
				t.Errorf("%s %s: %q does not read in order; she sees %q (the line is %q)", lang, id, tok, seen, visible(line))
			}
		}
	}
	return n
}

// paragraphDirection applies rules P2 and P3 of the bidirectional
// algorithm: the first strong letter outside isolates decides. hasRTL
// tells whether the line has right-to-left letters outside isolates.
func paragraphDirection(line string) (rtl, hasRTL bool) {
	depth, decided := 0, false
	for _, c := range line {
		switch string(c) {
		case lri, fsi, "\u2067":
			depth++
			continue
		case pdi:
			depth = max(depth-1, 0)
			continue
		}
		if depth > 0 {
			continue
		}
		p, _ := bidi.LookupRune(c)
		switch p.Class() {
		case bidi.R, bidi.AL:
			hasRTL = true
			if !decided {
				rtl, decided = true, true
			}
		case bidi.L:
			decided = true
		}
	}
	return rtl, hasRTL
}

// display returns a line in the order she sees it, left to right, with
// the isolate marks (which show nothing) left out. x/text/unicode/bidi
// gives the runs in logical order with their direction; laying them out is
// rule L2 for a line whose levels are those of the paragraph and one above
// it, which is all these texts have: an LRI isolate holds left-to-right
// text only, and the renderer's FSI values sit directly in the paragraph.
func display(line string, rtl bool) string {
	var p bidi.Paragraph
	var opts []bidi.Option
	if rtl {
		opts = append(opts, bidi.DefaultDirection(bidi.RightToLeft))
	}
	if _, err := p.SetString(line, opts...); err != nil {
		return line
	}
	o, err := p.Order()
	if err != nil || o.NumRuns() == 0 {
		return line
	}
	runs := make([]string, o.NumRuns())
	for i := range runs {
		run := o.Run(i)
		runs[i] = run.String()
		if run.Direction() == bidi.RightToLeft {
			runs[i] = bidi.ReverseString(runs[i])
		}
	}
	if rtl {
		slices.Reverse(runs)
	}
	return strings.NewReplacer(lri, "", fsi, "", pdi, "", "\u2067", "").Replace(strings.Join(runs, ""))
}

// sampleTexts are a message with realistic values for every placeholder,
// as flows fills them in; a plural message once per count that selects a
// different form in some language.
func sampleTexts(m locales.Message) []flows.Text {
	var kv []any
	for _, k := range m.Values() {
		v, ok := sampleValues[k]
		if !ok {
			v = "Xyz"
		}
		kv = append(kv, k, v)
	}
	if !m.Plural {
		return []flows.Text{flows.T(m.ID, kv...)}
	}
	var out []flows.Text
	for _, n := range []int{0, 1, 2, 3, 11, 100} {
		out = append(out, flows.TN(m.ID, n, kv...))
	}
	return out
}

// sampleValues are realistic values by placeholder, as flows gives them:
// names, phones and times as strings, words of her language as Texts.
var sampleValues = map[string]any{
	"Town":      "Crema",
	"Network":   "ARCA – Cremona",
	"N":         2,
	"Name":      "Centro ARCA – Crema",
	"Distance":  flows.T("distance.km", "Km", 1.2),
	"Status":    flows.T("status.opens", "When", flows.T("when.weekday", "Day", flows.T("weekday.Monday"), "Time", "9:00")),
	"Metres":    350,
	"Km":        12.5,
	"Until":     "18:00",
	"When":      flows.T("when.date", "Date", flows.T("date.day_month", "Day", 6, "Month", flows.T("month.January")), "Time", "9:00"),
	"Address":   "Via Giuseppe Mazzini 31",
	"Phones":    "+390000000111 · +390000000112",
	"Phone":     "+393470000000",
	"Reason":    "chiusura estiva",
	"Hours":     "9:00–13:00, 14:00–18:00",
	"Languages": "Italiano, English, العربية",
	"Services":  []flows.Text{flows.T("service.listening"), flows.T("service.legal")},
	"Time":      "9:00",
	"From":      "18:00",
	"To":        "21:00",
	"Day":       flows.T("weekday.Friday"),
	"Date":      flows.T("date.day_month", "Day", 24, "Month", flows.T("month.December")),
	"Month":     flows.T("month.March"),
	"Centre":    flows.T("cb.target.centre", "Name", "Centro ARCA – Crema", "Town", "Crema"),
	"Windows":   []flows.Text{flows.T("cb.win.today.evening"), flows.T("cb.win.asap")},
	"Label":     flows.T("cb.win.tomorrow.morning"),
	"Messages":  flows.T("cb.msg.vm"),
	"Say":       flows.T("cb.say.wrong"),
	"Lang":      "English",
	"Max":       200,
	"Words":     "Sono Anna della palestra",
	"Ticket":    "K7M2QX",
	"Attempts":  2,
	"TTL":       flows.TN("duration.hours", 24, "N", 24),
	"Delay":     flows.TN("duration.minutes", 30, "N", 30),
	"Link":      "https://t.me/frontdoor_bot?start=inv_K7M2QX",
	"Pseudonym": "volpe-42",
	"Who":       "volpe-42",
	"Roles":     []flows.Text{flows.T("role.admin")},
	"Role":      flows.T("role.name_operator"),
	"Where":     "ARCA – Cremona",
	"Part":      "vex",
	"Why":       flows.T("parse.unknown_day"),
	"Field":     flows.T("field.phones"),
	"Fields":    "phones, hours",
	"Subject":   "Centro ARCA – Crema",
	"Before":    "9:00–13:00",
	"After":     "9:00–12:00",
	"Errors":    "line 12: phones: +39 0372",
	"Service":   flows.T("service.legal"),
	"Mark":      "✓ ",
	"Table":     "2027-01  12  <5",
}

// FuzzRenderRightToLeft renders her own words, as typed, inside Arabic
// texts (a town's name as she wrote it, the words the caller says): whatever she types, the isolates stay balanced and properly
// nested, none falls inside an HTML tag, and her words are all there.
func FuzzRenderRightToLeft(f *testing.F) {
	for _, s := range []string{"Cremna", "via Roma 1/b", "1522.eu", "/start", "\u2069x\u2066", "<b>", "18–21", "&lt;5", "ص 3"} {
		f.Add(s)
	}
	cat, err := locales.New()
	if err != nil {
		f.Fatal(err)
	}
	r := bot.NewRenderer(cat)
	f.Fuzz(func(t *testing.T, query string) {
		if !utf8.ValidString(query) {
			return
		}
		for _, text := range []flows.Text{
			flows.T("list.town", "Town", query),
			flows.T("cb.say.quoted", "Words", query),
			flows.Raw(query),
		} {
			got := r.Render("ar", flows.Reply{Texts: []flows.Text{text}, Buttons: [][]flows.Button{{{Label: text, Data: "x"}}}})
			for _, s := range []string{got.Text, got.Buttons[0][0].Label} {
				depth, inTag := 0, false
				for _, c := range s {
					switch {
					case strings.ContainsRune(lri+fsi+"\u2067", c):
						depth++
					case string(c) == pdi:
						depth--
					case s == got.Text && c == '<':
						inTag = true
					case c == '>':
						inTag = false
					}
					if depth < 0 || inTag && strings.ContainsRune(lri+fsi+pdi, c) {
						t.Fatalf("isolates out of place in %q", visible(s))
					}
				}
				if depth != 0 {
					t.Fatalf("unbalanced isolates in %q", visible(s))
				}
			}
			plain := strings.NewReplacer(lri, "", fsi, "", pdi, "", "\u2067", "").Replace(bot.PlainText(got.Text))
			if want := strings.NewReplacer("\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "", lri, "", fsi, "", pdi, "", "\u2067", "").Replace(query); !strings.Contains(plain, want) {
				t.Fatalf("her words %q are not in %q", want, plain)
			}
		}
	})
}

// BenchmarkRender renders a list of centres and the numbers, in Italian
// and in Arabic, where every left-to-right run is isolated as well.
func BenchmarkRender(b *testing.B) {
	cat, err := locales.New()
	if err != nil {
		b.Fatal(err)
	}
	r := bot.NewRenderer(cat)
	when := flows.T("when.weekday", "Day", flows.T("weekday.Monday"), "Time", "9:00")
	rep := flows.Reply{Texts: []flows.Text{
		flows.T("list.town", "Town", "Cremona"),
		flows.T("list.item", "N", 1, "Name", "Centro Esempio A", "Town", "Cremona", "Status", flows.T("status.open_until", "Until", "18:00")),
		flows.T("list.item", "N", 2, "Name", "Centro Esempio B", "Town", "Crema", "Status", flows.T("status.opens", "When", when)),
		flows.T("emergency.title"), flows.T("emergency.112"), flows.T("emergency.1522"), flows.T("emergency.114"),
	}, Buttons: [][]flows.Button{{{Label: flows.Raw("Centro Esempio A"), Data: "c:a"}}, {{Label: flows.T("button.exit"), Data: "exit"}}}}
	for _, lang := range []string{"it", "ar"} {
		b.Run(lang, func(b *testing.B) {
			for b.Loop() {
				r.Render(lang, rep)
			}
		})
	}
}
