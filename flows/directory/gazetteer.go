package directory

import (
	"cmp"
	_ "embed"
	"fmt"
	"iter"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// comuni is the gazetteer of every Italian comune, made by gen.go from the
// shared comuni.csv: name, other-language name, province, latitude,
// longitude, postcodes (space-separated), population and ISTAT code,
// tab-separated, in ISTAT order.
//
//go:embed comuni.tsv
var comuni string

// Place is one comune of the gazetteer.
type Place struct {
	// Name is the official Italian name (ISTAT), with accents and
	// apostrophes: "Sant'Angelo Lodigiano".
	Name string
	// AltName is the official name in the other language of a bilingual
	// comune ("Bozen"), or "".
	AltName string
	// Province is the two-letter car-plate code of the province ("CR").
	Province string
	// Lat and Lon are one point of the comune (town centre or town hall),
	// in WGS84 degrees: good enough to rank centres by distance.
	Lat, Lon float64
	// Population is approximate; it only ranks homonyms.
	Population int
	// Code is the ISTAT code, six digits ("019036"): a short handle that
	// stays the comune's across editions of the list, for button data.
	Code string
}

// Label is the name with its province, "Castro (BG)", which tells homonyms
// apart and which Lookup reads back.
func (p *Place) Label() string { return p.Name + " (" + p.Province + ")" }

// How says how Lookup recognised a name.
type How int

// The ways a query names comuni.
const (
	NotFound How = iota
	Exact        // the name, in any case, accents or punctuation
	Short        // the first words of longer names ("Cinisello", "Sesto")
	Typo         // one letter off (missing, extra, wrong or swapped)
	Postcode     // a CAP
)

// Match is what Lookup found: one place when it is sure, several when the
// query is ambiguous (homonyms, a short name, a shared postcode), the most
// populous first.
type Match struct {
	Places []*Place
	How    How
}

// Gazetteer looks comuni up by name, by the names people use and by
// postcode. It never changes after it is built: one value serves every chat.
type Gazetteer struct {
	places []Place
	// keys are the distinct normalized names (official, other-language and
	// everyday), each with its places; byKey finds them, sorted lists them
	// in order for the short names.
	keys   []key
	byKey  map[string]int32
	sorted []int32
	// typoHash and typoKey are the one-deletion neighbourhood of every key
	// (the key and the key less any one letter), hashed and sorted by hash:
	// two strings one typo apart share a member.
	typoHash []uint64
	typoKey  []int32
	caps     map[string][]int32
	// provinces are the province codes, to read "Crema (CR)".
	provinces map[string]bool
	maxWords  int
	// maxLen is the longest key in bytes: a longer query (a pasted page)
	// names no comune, even with a typo, and costs nothing more.
	maxLen int
}

type key struct {
	text   string
	places []int32
}

// aliases are the everyday names of comuni whose official name differs
// (see the gazetteer's README), normalized, with the official name.
var aliases = map[string]string{
	"reggio calabria": "Reggio di Calabria",
	"reggio emilia":   "Reggio nell'Emilia",
	"ionadi":          "Jonadi",
	"aoste":           "Aosta",
	"bolzano bozen":   "Bolzano",
	"forli cesena":    "Forlì",
	"pesaro urbino":   "Pesaro",
	"massa carrara":   "Massa",
	"monza brianza":   "Monza",
}

// istatCode is the form of an ISTAT code of a comune.
var istatCode = regexp.MustCompile(`^[0-9]{6}$`)

// Italy is the embedded gazetteer of the 7,896 comuni of January 2025,
// built at its first use.
var Italy = sync.OnceValue(func() *Gazetteer {
	g, err := parse(comuni)
	if err != nil {
		panic(fmt.Sprintf("directory: the embedded gazetteer: %v", err))
	}
	return g
})

// parse builds a gazetteer from the lines of comuni.tsv.
func parse(data string) (*Gazetteer, error) {
	g := &Gazetteer{byKey: map[string]int32{}, caps: map[string][]int32{}, provinces: map[string]bool{}}
	var capsOf [][]string
	for n, line := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 8 {
			return nil, fmt.Errorf("line %d: %d fields, want 8", n+1, len(f))
		}
		lat, err1 := strconv.ParseFloat(f[3], 64)
		lon, err2 := strconv.ParseFloat(f[4], 64)
		if err1 != nil || err2 != nil || f[0] == "" || len(f[2]) != 2 || !istatCode.MatchString(f[7]) {
			return nil, fmt.Errorf("line %d: malformed", n+1)
		}
		if last := len(g.places) - 1; last >= 0 && f[7] <= g.places[last].Code {
			return nil, fmt.Errorf("line %d: ISTAT code %s out of order", n+1, f[7])
		}
		pop, _ := strconv.Atoi(f[6]) // one comune has none
		g.places = append(g.places, Place{Name: f[0], AltName: f[1], Province: f[2], Lat: lat, Lon: lon, Population: pop, Code: f[7]})
		capsOf = append(capsOf, strings.Fields(f[5]))
	}
	for i := range g.places {
		p := &g.places[i]
		g.add(Normalize(p.Name), int32(i))
		if p.AltName != "" {
			g.add(Normalize(p.AltName), int32(i))
		}
		g.provinces[strings.ToLower(p.Province)] = true
		for _, c := range capsOf[i] {
			g.caps[c] = append(g.caps[c], int32(i))
		}
	}
	for alias, name := range aliases {
		k, ok := g.byKey[Normalize(name)]
		if !ok {
			return nil, fmt.Errorf("alias %q: no comune %q", alias, name)
		}
		for _, p := range g.keys[k].places {
			g.add(alias, p)
		}
	}
	g.sorted = make([]int32, len(g.keys))
	for i := range g.sorted {
		g.sorted[i] = int32(i)
	}
	slices.SortFunc(g.sorted, func(a, b int32) int { return strings.Compare(g.keys[a].text, g.keys[b].text) })
	g.indexTypos()
	return g, nil
}

func (g *Gazetteer) add(k string, place int32) {
	i, ok := g.byKey[k]
	if !ok {
		i = int32(len(g.keys))
		g.byKey[k] = i
		g.keys = append(g.keys, key{text: k})
		g.maxWords = max(g.maxWords, strings.Count(k, " ")+1)
		g.maxLen = max(g.maxLen, len(k))
	}
	if !slices.Contains(g.keys[i].places, place) {
		g.keys[i].places = append(g.keys[i].places, place)
	}
}

// minTypoRunes is the shortest query read with a typo: shorter ones are one
// letter from too many names ("Ro", "Re", "Ne" and "Vo" are all comuni).
const minTypoRunes = 4

func (g *Gazetteer) indexTypos() {
	type entry struct {
		h uint64
		k int32
	}
	var es []entry
	for i, k := range g.keys {
		for h := range deletions(k.text) {
			es = append(es, entry{h, int32(i)})
		}
	}
	slices.SortFunc(es, func(a, b entry) int { return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.k, b.k)) })
	es = slices.Compact(es)
	g.typoHash = make([]uint64, len(es))
	g.typoKey = make([]int32, len(es))
	for i, e := range es {
		g.typoHash[i], g.typoKey[i] = e.h, e.k
	}
}

// deletions yields the FNV-1a hashes of s and of s less each one rune.
func deletions(s string) iter.Seq[uint64] {
	return func(yield func(uint64) bool) {
		if !yield(fnv(fnvOffset, s)) {
			return
		}
		h := uint64(fnvOffset)
		for i, r := range s {
			if !yield(fnv(h, s[i+utf8.RuneLen(r):])) {
				return
			}
			h = fnv(h, s[i:i+utf8.RuneLen(r)])
		}
	}
}

const fnvOffset = 14695981039346656037

func fnv(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// townPrefixes are words people put before a town's name that are not part
// of it ("Comune di Crema"), normalized, longest first.
var townPrefixes = []string{"comune di ", "citta di ", "comune ", "citta "}

// Lookup reads q as the name of a comune. It finds the official name and
// the other-language one in any case, with or without accents and
// punctuation, after "comune di" and before a province code ("Crema (CR)",
// which also picks one of homonyms), and the everyday names ("Reggio
// Emilia"); a CAP of five digits. With fuzzy, also the first words of longer
// names ("Cinisello" for Cinisello Balsamo; "Sesto" is also the start of
// several others, and all are returned) and, when nothing else matched, a
// name one typo away. Without fuzzy, for words found inside a sentence,
// only exact names and postcodes count.
func (g *Gazetteer) Lookup(q string, fuzzy bool) Match {
	k := Normalize(q)
	// "Comune di Crema", "Crema CR"; but "Città di Castello" and "Arena
	// Po" (Po is also Prato's code) are names.
	province := ""
	if _, name := g.byKey[k]; !name {
		for _, p := range townPrefixes {
			if rest, ok := strings.CutPrefix(k, p); ok {
				k = rest
				break
			}
		}
		if i := strings.LastIndexByte(k, ' '); i > 0 && len(k)-i-1 == 2 && g.provinces[k[i+1:]] {
			k, province = k[:i], strings.ToUpper(k[i+1:])
		}
	}
	if k == "" || len(k) > g.maxLen+utf8.UTFMax {
		return Match{}
	}
	if len(k) == 5 && strings.Trim(k, "0123456789") == "" {
		return g.match(g.caps[k], Postcode, province)
	}
	exact := g.exact(k)
	if m := g.match(exact, Exact, province); !fuzzy || len(m.Places) > 0 && !g.biggerStart(exact, k) {
		return m
	}
	if m := g.match(append(slices.Clone(exact), g.starting(k)...), Short, province); len(m.Places) > 0 {
		if len(m.Places) == 1 && slices.ContainsFunc(exact, func(i int32) bool { return &g.places[i] == m.Places[0] }) {
			m.How = Exact
		}
		return m
	}
	if utf8.RuneCountInString(k) < minTypoRunes {
		return Match{}
	}
	return g.match(g.typos(k), Typo, province)
}

// exact is the places named k; "s" abbreviates San, Santo, Santa or Sant'
// ("Sesto S. Giovanni").
func (g *Gazetteer) exact(k string) []int32 {
	if i, ok := g.byKey[k]; ok {
		return g.keys[i].places
	}
	words := strings.Fields(k)
	if !slices.Contains(words, "s") {
		return nil
	}
	for _, saint := range []string{"san", "santo", "santa", "sant"} {
		w := slices.Clone(words)
		for j := range w {
			if w[j] == "s" {
				w[j] = saint
			}
		}
		if i, ok := g.byKey[strings.Join(w, " ")]; ok {
			return g.keys[i].places
		}
	}
	return nil
}

// biggerStart reports whether k is also the first word or words of a
// longer name at least as populous as the places named k: "Sesto" (BZ,
// 1,800 people) is more likely Sesto San Giovanni (79,000), but "Lodi" is
// Lodi and not Lodi Vecchio.
func (g *Gazetteer) biggerStart(exact []int32, k string) bool {
	most := 0
	for _, i := range exact {
		most = max(most, g.places[i].Population)
	}
	for _, i := range g.starting(k) {
		if g.places[i].Population >= most {
			return true
		}
	}
	return false
}

// starting is the places whose name starts with the whole words k, or,
// when the last of several words is short, with them and that abbreviated
// ("cinisello b" for Cinisello Balsamo).
func (g *Gazetteer) starting(k string) []int32 {
	if utf8.RuneCountInString(k) < minTypoRunes {
		return nil
	}
	prefix := k + " "
	if i := strings.LastIndexByte(k, ' '); i > 0 && utf8.RuneCountInString(k[i+1:]) <= 2 {
		prefix = k
	}
	i, _ := slices.BinarySearchFunc(g.sorted, prefix, func(e int32, t string) int { return strings.Compare(g.keys[e].text, t) })
	var out []int32
	for ; i < len(g.sorted) && strings.HasPrefix(g.keys[g.sorted[i]].text, prefix); i++ {
		out = append(out, g.keys[g.sorted[i]].places...)
	}
	return out
}

// typos is the places with a name one typo from k.
func (g *Gazetteer) typos(k string) []int32 {
	var out []int32
	var seen []int32
	for h := range deletions(k) {
		i, _ := slices.BinarySearch(g.typoHash, h)
		for ; i < len(g.typoHash) && g.typoHash[i] == h; i++ {
			ki := g.typoKey[i]
			if slices.Contains(seen, ki) {
				continue
			}
			seen = append(seen, ki)
			if TypoDistance(k, g.keys[ki].text, 1) <= 1 {
				out = append(out, g.keys[ki].places...)
			}
		}
	}
	return out
}

// match is the places of ids in province ("" for any), without repeats,
// the most populous first.
func (g *Gazetteer) match(ids []int32, how How, province string) Match {
	var ps []*Place
	for _, id := range ids {
		p := &g.places[id]
		if (province == "" || p.Province == province) && !slices.Contains(ps, p) {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return Match{}
	}
	slices.SortStableFunc(ps, func(a, b *Place) int {
		return cmp.Or(cmp.Compare(b.Population, a.Population), strings.Compare(a.Name, b.Name))
	})
	return Match{Places: ps, How: how}
}

// ByCode is the comune of an ISTAT code, or nil. The list is in code
// order, so it takes a binary search and no index.
func (g *Gazetteer) ByCode(code string) *Place {
	i, found := slices.BinarySearchFunc(g.places, code, func(p Place, code string) int { return strings.Compare(p.Code, code) })
	if !found {
		return nil
	}
	return &g.places[i]
}

// MaxWords is the most words in a name, the longest phrase of a sentence
// worth looking up.
func (g *Gazetteer) MaxWords() int { return g.maxWords }

// Nearest is the comune whose point is closest to lat, lon: where a shared
// location most likely is. It is nil for a position that is not on Earth.
func (g *Gazetteer) Nearest(lat, lon float64) *Place {
	if !onEarth(lat, lon) || len(g.places) == 0 {
		return nil
	}
	// An equirectangular distance ranks points a few km apart as the
	// great circle does, at a fraction of the cost.
	scale := math.Cos(lat * math.Pi / 180)
	best, bestD := 0, math.Inf(1)
	for i := range g.places {
		p := &g.places[i]
		dy, dx := p.Lat-lat, (p.Lon-lon)*scale
		if d := dy*dy + dx*dx; d < bestD {
			best, bestD = i, d
		}
	}
	return &g.places[best]
}

// Locate is the comune a place called town is in: the comune of that name
// (of homonyms, the one nearest lat, lon), or, when town names no comune,
// the one whose point is nearest lat, lon. Either way a point of the
// gazetteer, as coarse as a comune: what is kept of a centre whose address
// is confidential. It is nil only when town names no comune and lat, lon
// is not on Earth.
func (g *Gazetteer) Locate(town string, lat, lon float64) *Place {
	ps := g.Lookup(town, false).Places
	if len(ps) == 0 {
		return g.Nearest(lat, lon)
	}
	best := ps[0]
	if onEarth(lat, lon) {
		for _, p := range ps[1:] {
			if squaredDegrees(p, lat, lon) < squaredDegrees(best, lat, lon) {
				best = p
			}
		}
	}
	return best
}

func onEarth(lat, lon float64) bool {
	return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}

// squaredDegrees is an equirectangular distance, squared, in degrees: it
// ranks points a few km apart as the great circle does, at a fraction of
// the cost.
func squaredDegrees(p *Place, lat, lon float64) float64 {
	dy, dx := p.Lat-lat, (p.Lon-lon)*math.Cos(lat*math.Pi/180)
	return dy*dy + dx*dx
}

// All is every comune, in ISTAT order.
func (g *Gazetteer) All() iter.Seq[*Place] {
	return func(yield func(*Place) bool) {
		for i := range g.places {
			if !yield(&g.places[i]) {
				return
			}
		}
	}
}
