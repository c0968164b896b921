package directory

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// maxTownQuery is the longest normalized query, in bytes, that Suggest
// compares with every town. No Italian town name comes near it; the cap
// keeps a pasted page of text from costing more than a short query.
const maxTownQuery = 128

// townQueries is the normalized forms under which q may name a covered town:
// as typed, without a leading "comune di", without a trailing province code
// ("Crema (CR)").
func townQueries(q string) []string {
	k := Normalize(q)
	if k == "" {
		return nil
	}
	keys := []string{k}
	for _, p := range townPrefixes {
		if rest, ok := strings.CutPrefix(k, p); ok {
			keys = append(keys, rest)
			break
		}
	}
	for _, key := range keys {
		if i := strings.LastIndexByte(key, ' '); i > 0 && len(key)-i-1 == 2 && isASCIILetters(key[i+1:]) {
			keys = append(keys, key[:i])
		}
	}
	return keys
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// TownHandle is a short handle of a covered town, for button data: a hash
// of its name as Normalize writes it. It is as short for "San Giovanni in
// Croce" as for "Ro", and stays the town's while the town keeps its name,
// whatever else of the directory changes; TownByHandle reads it back.
func TownHandle(name string) string { return townHandle(Normalize(name)) }

// townHandle is TownHandle of a normalized name: 64 bits of its SHA-256,
// in hex. Two of a few thousand towns share one with a chance of about
// one in 10¹², and then a button opens the first of them.
func townHandle(key string) string {
	sum := sha256.Sum256([]byte("frontdoor town\x00" + key))
	return hex.EncodeToString(sum[:8])
}

// TownByHandle is the covered town of a TownHandle, with its display name
// and centres as FindTown gives them; empty when no covered town has it
// (the directory changed since the button was made).
func (d *Directory) TownByHandle(h string) (town string, centres []*Centre) {
	for _, t := range d.towns {
		if t.handle == h {
			return t.name, slices.Clone(t.centres)
		}
	}
	return "", nil
}

// FindTown is the covered town that q names, with its display name and the
// centres that serve it: the centres located in the town first, then those
// that cover it, each group in file order. It is empty when no covered town
// matches; Suggest then offers the near misses.
func (d *Directory) FindTown(q string) (town string, centres []*Centre) {
	for _, key := range townQueries(q) {
		if i, ok := d.townIndex[key]; ok {
			t := d.towns[i]
			return t.name, slices.Clone(t.centres)
		}
	}
	return "", nil
}

// Suggest is up to n covered towns close to q, for "did you mean": the ones
// within a typo or two (one for names of up to 5 letters, two for longer),
// and those that q begins with at least 4 letters ("Cinisello" for
// Cinisello Balsamo, also at the start of a later word: "Balsamo"). Best
// first; among equals the longer name first, as a typo is likelier in a
// longer word, then alphabetical, so the answer is the same every time.
func (d *Directory) Suggest(q string, n int) []string {
	if n <= 0 {
		return nil
	}
	type hit struct {
		score int
		town  *coveredTown
	}
	var hits []hit
	keys := townQueries(q)
	if len(keys) == 0 || len(keys[0]) > maxTownQuery {
		return nil
	}
	for i := range d.towns {
		t := &d.towns[i]
		best := -1
		for _, k := range keys {
			if s := townScore(k, t.key); s >= 0 && (best < 0 || s < best) {
				best = s
			}
		}
		if best >= 0 {
			hits = append(hits, hit{best, t})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.score, b.score),
			cmp.Compare(utf8.RuneCountInString(b.town.key), utf8.RuneCountInString(a.town.key)),
			strings.Compare(a.town.key, b.town.key), strings.Compare(a.town.name, b.town.name))
	})
	out := make([]string, 0, min(n, len(hits)))
	for _, h := range hits[:min(n, len(hits))] {
		out = append(out, h.town.name)
	}
	return out
}

// townScore rates query q against the normalized town name, lower is
// closer: 0 the same name, 2 a prefix of the whole name or one typo, 3 a
// prefix of a later word, 4 two typos; -1 not close enough to suggest.
func townScore(q, town string) int {
	if q == town {
		return 0
	}
	best := -1
	better := func(s int) {
		if best < 0 || s < best {
			best = s
		}
	}
	if utf8.RuneCountInString(q) >= 4 {
		if strings.HasPrefix(town, q) {
			better(2)
		} else if strings.Contains(town, " "+q) {
			better(3)
		}
	}
	limit := 2
	if utf8.RuneCountInString(town) <= 5 {
		limit = 1
	}
	if dist := TypoDistance(q, town, limit); dist <= limit {
		better(2 * dist)
	}
	return best
}

// Ranked is a centre with its distance from where she is.
type Ranked struct {
	Centre *Centre
	// Metres is the great-circle distance, rounded to the metre.
	Metres int
}

// Nearest is the n centres closest to lat, lon (as the crow flies), nearest
// first, equal distances in file order. It is empty for a position that is
// not on Earth (NaN, out of range), as a broken client may send.
func (d *Directory) Nearest(lat, lon float64, n int) []Ranked {
	if n <= 0 || !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
		return nil
	}
	out := make([]Ranked, len(d.all))
	for i, c := range d.all {
		out[i] = Ranked{Centre: c, Metres: int(math.Round(haversineMetres(lat, lon, c.Lat, c.Lon)))}
	}
	slices.SortStableFunc(out, func(a, b Ranked) int { return cmp.Compare(a.Metres, b.Metres) })
	return out[:min(n, len(out))]
}

// earthRadiusMetres is the mean radius of the Earth (IUGG).
const earthRadiusMetres = 6371008.8

// haversineMetres is the great-circle distance between two points given in
// degrees.
func haversineMetres(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusMetres * math.Asin(math.Sqrt(min(1, h)))
}

// OpenAt is the centres of network ("" for all) that are open at t, in file
// order: the ones she can call right now.
func (d *Directory) OpenAt(network string, t time.Time) []*Centre {
	var out []*Centre
	for _, c := range d.centresOf(network) {
		if open, _ := c.OpenAt(t); open {
			out = append(out, c)
		}
	}
	return out
}

// NextOpening is the centre of network ("" for all) that opens first after
// t, and when (see Centre.NextOpening); ties go to the centre first in the file. false when
// none opens within 60 days, and the bot offers the 24/7 numbers instead.
func (d *Directory) NextOpening(network string, t time.Time) (*Centre, time.Time, bool) {
	var (
		best *Centre
		at   time.Time
	)
	for _, c := range d.centresOf(network) {
		if o, ok := c.NextOpening(t); ok && (best == nil || o.Before(at)) {
			best, at = c, o
		}
	}
	return best, at, best != nil
}
