package directory

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func names(m Match) []string {
	var out []string
	for _, p := range m.Places {
		out = append(out, p.Label())
	}
	return out
}

func TestLookup(t *testing.T) {
	g := Italy()
	for _, tc := range []struct {
		q     string
		fuzzy bool
		want  []string // labels, in order; nil for nothing
		how   How
	}{
		{"Crema", false, []string{"Crema (CR)"}, Exact},
		{"  CREMONA!! ", false, []string{"Cremona (CR)"}, Exact},
		{"cinisello balsamo", false, []string{"Cinisello Balsamo (MI)"}, Exact},
		{"Comune di Bresso", false, []string{"Bresso (MI)"}, Exact},
		{"sant angelo lodigiano", false, []string{"Sant'Angelo Lodigiano (LO)"}, Exact},
		{"Crema (CR)", false, []string{"Crema (CR)"}, Exact},
		{"Bozen", false, []string{"Bolzano (BZ)"}, Exact},
		{"Reggio Emilia", false, []string{"Reggio nell'Emilia (RE)"}, Exact},
		{"citta di reggio calabria", false, []string{"Reggio di Calabria (RC)"}, Exact},
		{"Castro", false, []string{"Castro (LE)", "Castro (BG)"}, Exact},
		{"Castro (BG)", false, []string{"Castro (BG)"}, Exact},
		{"26100", false, []string{"Cremona (CR)"}, Postcode},
		{"20092", false, []string{"Cinisello Balsamo (MI)"}, Postcode},
		{"20091", false, []string{"Bresso (MI)"}, Postcode},
		{"99999", true, nil, NotFound},
		// Short names, only when fuzzy.
		{"cinisello", false, nil, NotFound},
		{"Cinisello", true, []string{"Cinisello Balsamo (MI)"}, Short},
		{"sesto (MI)", true, []string{"Sesto San Giovanni (MI)"}, Short},
		{"cinisello b.", true, []string{"Cinisello Balsamo (MI)"}, Short},
		{"Crema", true, []string{"Crema (CR)"}, Exact},
		{"Lodi", true, []string{"Lodi (LO)"}, Exact},
		{"Torino", true, []string{"Torino (TO)"}, Exact},
		{"sesto s. giovanni", false, []string{"Sesto San Giovanni (MI)"}, Exact},
		{"S. Angelo Lodigiano", false, []string{"Sant'Angelo Lodigiano (LO)"}, Exact},
		// One typo, only when fuzzy.
		{"Cremonna", true, []string{"Cremona (CR)"}, Typo},
		{"Cinisello Blasamo", true, []string{"Cinisello Balsamo (MI)"}, Typo},
		{"bresso", true, []string{"Bresso (MI)"}, Exact},
		{"Bersso", true, []string{"Bresso (MI)"}, Typo},
		{"Cremna", true, []string{"Cremona (CR)", "Crema (CR)", "Cremia (CO)"}, Typo},
		{"Cremonna", false, nil, NotFound},
		{"Gotham", true, nil, NotFound},
		{"", true, nil, NotFound},
		{"cr", true, nil, NotFound},
	} {
		m := Italy().Lookup(tc.q, tc.fuzzy)
		if got := names(m); !slices.Equal(got, tc.want) || m.How != tc.how {
			t.Errorf("Lookup(%q, %v) = %v, %v; want %v, %v", tc.q, tc.fuzzy, got, m.How, tc.want, tc.how)
		}
	}
	// "Sesto" is a comune of its own (BZ) and the start of bigger ones:
	// all of them, the most populous first.
	m := g.Lookup("sesto", true)
	if got := names(m); len(got) < 6 || got[0] != "Sesto San Giovanni (MI)" || !slices.Contains(got, "Sesto (BZ)") || !slices.Contains(got, "Sesto ed Uniti (CR)") {
		t.Errorf("Lookup(sesto) = %v", got)
	}
}

func TestNearest(t *testing.T) {
	g := Italy()
	for _, tc := range []struct {
		lat, lon float64
		want     string
	}{
		{45.4642, 9.19, "Milano (MI)"}, // Piazza del Duomo
		{45.364, 9.681, "Crema (CR)"},  // the centre of Crema
		{45.5578, 9.2152, "Cinisello Balsamo (MI)"},
	} {
		if p := g.Nearest(tc.lat, tc.lon); p == nil || p.Label() != tc.want {
			t.Errorf("Nearest(%v, %v) = %v, want %s", tc.lat, tc.lon, p, tc.want)
		}
	}
	if p := g.Nearest(91, 0); p != nil {
		t.Errorf("Nearest off the Earth = %v", p)
	}
}

// stripAccents is the name as typed on a keyboard without accents.
func stripAccents(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// neighbours of a letter on a QWERTY keyboard, for the typos of the test.
var neighbours = map[rune]rune{'a': 's', 'b': 'n', 'c': 'v', 'd': 'f', 'e': 'r', 'f': 'g', 'g': 'h', 'h': 'j', 'i': 'o',
	'j': 'k', 'k': 'l', 'l': 'k', 'm': 'n', 'n': 'm', 'o': 'p', 'p': 'o', 'q': 'w', 'r': 't', 's': 'd', 't': 'y',
	'u': 'i', 'v': 'b', 'w': 'e', 'x': 'c', 'y': 'u', 'z': 'x'}

// oneTypo makes one typo in the name, of the kind n picks (a wrong key, a
// missing letter, a doubled letter, two letters swapped), near the middle of
// its longest word, where typos are as likely as anywhere and the short
// names' first letters stay.
func oneTypo(name string, n int) string {
	rs := []rune(strings.ToLower(stripAccents(name)))
	// The middle of the longest run of letters.
	bestStart, bestLen, start := 0, 0, 0
	for i := 0; i <= len(rs); i++ {
		if i == len(rs) || !unicode.IsLetter(rs[i]) {
			if i-start > bestLen {
				bestStart, bestLen = start, i-start
			}
			start = i + 1
		}
	}
	if bestLen < 2 {
		return string(rs) + "x"
	}
	i := bestStart + bestLen/2
	switch n % 4 {
	case 0:
		if k, ok := neighbours[rs[i]]; ok {
			rs[i] = k
			return string(rs)
		}
		fallthrough
	case 1:
		return string(slices.Delete(rs, i, i+1))
	case 2:
		return string(slices.Insert(rs, i, rs[i]))
	}
	rs[i-1], rs[i] = rs[i], rs[i-1]
	return string(rs)
}

// forms are the ways the test types every name, with whether the lookup
// must find it.
var forms = []struct {
	name string
	of   func(name string, n int) string
}{
	{"exact", func(s string, _ int) string { return s }},
	{"lower case", func(s string, _ int) string { return strings.ToLower(s) }},
	{"without accents", func(s string, _ int) string { return strings.ToLower(stripAccents(s)) }},
	{"one typo", oneTypo},
}

// TestEveryComune types the name of every comune exactly, in lower case,
// without accents and with one typo: the lookup must offer that comune
// (alone, or among homonyms or names that start alike), and the test logs
// how often, and how often alone.
func TestEveryComune(t *testing.T) {
	g := Italy()
	for _, f := range forms {
		total, offered, alone := 0, 0, 0
		var missed []string
		n := 0
		for p := range g.All() {
			n++
			q := f.of(p.Name, n)
			m := g.Lookup(q, true)
			total++
			if slices.Contains(m.Places, p) {
				offered++
				if len(m.Places) == 1 {
					alone++
				}
			} else if len(missed) < 20 {
				missed = append(missed, fmt.Sprintf("%q for %s -> %v", q, p.Label(), names(m)))
			}
		}
		t.Logf("%-16s %d comuni: offered %d (%.2f%%), alone %d (%.2f%%)", f.name, total, offered, 100*float64(offered)/float64(total), alone, 100*float64(alone)/float64(total))
		// The exact forms must always be found; a typo may land nearer
		// another name (in "Ro" or "Vo" every letter is a name).
		want := total
		if f.name == "one typo" {
			want = total * 97 / 100
		}
		if offered < want {
			t.Errorf("%s: offered %d of %d, want at least %d; some misses: %s", f.name, offered, total, want, strings.Join(missed, "; "))
		}
	}
}

// TestByCode: every comune is found again by its ISTAT code, which is
// short enough for any button; anything else finds none.
func TestByCode(t *testing.T) {
	g := Italy()
	n := 0
	for p := range g.All() {
		n++
		if got := g.ByCode(p.Code); got != p {
			t.Fatalf("ByCode(%q) = %v, want %s", p.Code, got, p.Label())
		}
	}
	if n != 7896 {
		t.Errorf("%d comuni", n)
	}
	if p := g.ByCode("019036"); p == nil || p.Name != "Cremona" {
		t.Errorf("019036 is %v, want Cremona", p)
	}
	for _, code := range []string{"", "000000", "19036", "0190360", "Cremona", "999999"} {
		if p := g.ByCode(code); p != nil {
			t.Errorf("ByCode(%q) = %s, want none", code, p.Label())
		}
	}
}

// BenchmarkLookup looks up every comune in the four forms of
// TestEveryComune in turn, and reports the 50th and 99th percentile of one
// lookup besides the mean.
func BenchmarkLookup(b *testing.B) {
	g := Italy()
	var qs []string
	n := 0
	for p := range g.All() {
		for _, f := range forms {
			n++
			qs = append(qs, f.of(p.Name, n))
		}
	}
	durs := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		g.Lookup(qs[i%len(qs)], true)
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durs)
	pct := func(p float64) float64 {
		return float64(durs[min(len(durs)-1, int(p*float64(len(durs))))].Nanoseconds())
	}
	b.ReportMetric(pct(0.50), "p50-ns")
	b.ReportMetric(pct(0.99), "p99-ns")
	b.ReportMetric(pct(0.999), "p99.9-ns")
}

// BenchmarkItaly is the cost of building the gazetteer, paid once, at the
// first lookup.
func BenchmarkItaly(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		if _, err := parse(comuni); err != nil {
			b.Fatal(err)
		}
	}
}

func TestTypoDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"cremona", "cremona", 0}, {"cremna", "cremona", 1}, {"crmeona", "cremona", 1},
		{"bersso", "bresso", 1}, {"xyz", "cremona", 3}, {"città", "citta", 1},
	} {
		if got := TypoDistance(tc.a, tc.b, 2); got != min(tc.want, 3) {
			t.Errorf("TypoDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	if utf8.RuneCountInString("città") != 5 {
		t.Fatal("runes")
	}
}

// FuzzLookup: whatever she types, a lookup ends, finds places that exist,
// and reads the same after normalization.
func FuzzLookup(f *testing.F) {
	for _, s := range []string{"Crema", "sesto s. giovanni", "26100", "Castro (BG)", "città di castello", "ł", "\xff", strings.Repeat("a ", 300)} {
		f.Add(s)
	}
	g := Italy()
	f.Fuzz(func(t *testing.T, q string) {
		for _, fuzzy := range []bool{false, true} {
			m := g.Lookup(q, fuzzy)
			if (m.How == NotFound) != (len(m.Places) == 0) {
				t.Fatalf("Lookup(%q) = %v, %v", q, names(m), m.How)
			}
			if again := g.Lookup(Normalize(q), fuzzy); !slices.Equal(names(again), names(m)) {
				t.Fatalf("Lookup(%q) = %v but of its normal form %v", q, names(m), names(again))
			}
		}
		if n := Normalize(q); Normalize(n) != n || !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q is not normal", q, n)
		}
	})
}

func TestLocate(t *testing.T) {
	g := Italy()
	for _, tc := range []struct {
		town     string
		lat, lon float64
		want     string
	}{
		{"Casalmaggiore", 44.9886, 10.4192, "Casalmaggiore (CR)"},
		{"casalmaggiore", 0, 0, "Casalmaggiore (CR)"}, // the name is enough
		{"Crema (CR)", 45.36, 9.68, "Crema (CR)"},
		// Of homonyms, the one nearest the point given.
		{"Castro", 45.80, 10.07, "Castro (BG)"},
		{"Castro", 40.00, 18.42, "Castro (LE)"},
		// Not a comune: the comune nearest the point.
		{"Sportello di Casalmaggiore", 44.9886, 10.4192, "Casalmaggiore (CR)"},
	} {
		if p := g.Locate(tc.town, tc.lat, tc.lon); p == nil || p.Label() != tc.want {
			t.Errorf("Locate(%q, %v, %v) = %v, want %s", tc.town, tc.lat, tc.lon, p, tc.want)
		}
	}
	if p := g.Locate("nowhere at all", 91, 0); p != nil {
		t.Errorf("Locate of no comune off the Earth = %v", p)
	}
}
