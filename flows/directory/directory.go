package directory

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Directory is a validated, indexed Data. It never changes after
// New, so one value can serve every chat at once; a new version of
// the directory is a new Directory. The *Centre values it hands out are
// shared: read them, never modify them.
type Directory struct {
	data      Data
	networks  map[string]int       // network id -> index in data.Networks
	centres   map[string]*Centre   // centre id -> centre in data.Centres, drafts too
	byNetwork map[string][]*Centre // network id -> published centres, file order
	all       []*Centre            // every published centre, file order
	towns     []coveredTown        // covered towns, first-seen order
	townIndex map[string]int       // normalized town -> index in towns
	// placeTown maps the comuni of the gazetteer that covered towns name
	// (however the file spells them: "Reggio Emilia") to index in towns;
	// built at the first search, so that a directory is checked and loaded
	// without the gazetteer.
	placeTown func() map[*Place]int
}

// coveredTown is a town some centre serves, with the spelling to show and
// the centres to offer, best first.
type coveredTown struct {
	key     string // Normalize of the name
	name    string // display name, as first written in the file
	handle  string // TownHandle of the name
	centres []*Centre
}

// MaxIDLen is the longest id of a network or centre. Ids are short
// handles, not names: volunteers type them in the file and in commands,
// and the dialogues carry them in the data of buttons, which stays short
// for every door. 40 keeps the longest data ("st.invite:coordinator/" and
// an id) within 64 bytes, the most any door (Telegram) carries.
const MaxIDLen = 40

// MaxNameLen is the longest name of a network or centre, in characters:
// names are button labels and card titles, read on a phone.
const MaxNameLen = 100

var (
	idPattern    = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	phonePattern = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	langPattern  = regexp.MustCompile(`^[a-z]{2}$`)
)

// New checks d and indexes it. A volunteer's typo must not take the
// bot down, so it reports every problem at once (joined with errors.Join,
// one line each, naming the network or centre and the field) and the bot
// keeps serving the previous directory. New(Data{}) is a
// valid empty directory. d is copied: later changes to it do not show. A
// centre whose address is confidential keeps only the position of its
// comune (KeepCoarse).
func New(d Data) (*Directory, error) {
	if err := validate(&d); err != nil {
		return nil, err
	}
	data := copyData(d)
	KeepCoarse(&data)
	dir := &Directory{
		data:      data,
		networks:  make(map[string]int, len(data.Networks)),
		centres:   make(map[string]*Centre, len(data.Centres)),
		byNetwork: make(map[string][]*Centre, len(data.Networks)),
		all:       make([]*Centre, 0, len(data.Centres)),
		townIndex: make(map[string]int),
	}
	for i, n := range data.Networks {
		dir.networks[n.ID] = i
	}
	for i := range data.Centres {
		c := &data.Centres[i]
		dir.centres[c.ID] = c
		if c.Draft {
			continue // staff find it by id; women never do
		}
		dir.all = append(dir.all, c)
		dir.byNetwork[c.Network] = append(dir.byNetwork[c.Network], c)
		for _, name := range append([]string{c.Town}, c.Towns...) {
			key := Normalize(name)
			ti, ok := dir.townIndex[key]
			if !ok {
				ti = len(dir.towns)
				dir.townIndex[key] = ti
				dir.towns = append(dir.towns, coveredTown{key: key, name: strings.TrimSpace(name), handle: townHandle(key)})
			}
			if t := &dir.towns[ti]; !slices.Contains(t.centres, c) {
				t.centres = append(t.centres, c)
			}
		}
	}
	dir.placeTown = sync.OnceValue(func() map[*Place]int {
		places := make(map[*Place]int, len(dir.towns))
		for i, t := range dir.towns {
			if m := Italy().Lookup(t.name, false); len(m.Places) == 1 {
				if _, dup := places[m.Places[0]]; !dup {
					places[m.Places[0]] = i
				}
			}
		}
		return places
	})
	// The centre located in a town comes before those that only cover it:
	// it is the one she can reach.
	for i := range dir.towns {
		t := &dir.towns[i]
		slices.SortStableFunc(t.centres, func(a, b *Centre) int {
			return boolRank(Normalize(a.Town) == t.key) - boolRank(Normalize(b.Town) == t.key)
		})
	}
	return dir, nil
}

func boolRank(located bool) int {
	if located {
		return 0
	}
	return 1
}

// validate returns every problem of d, or nil: Problems joined
// with errors.Join, in the order of d.
func validate(d *Data) error {
	var errs []error
	seenNet := make(map[string]int)
	for i, n := range d.Networks {
		bad := entryChecks(&errs, "network", i, n.ID, seenNet)
		checkName(bad, n.Name)
		if n.Phone24h != "" && !phonePattern.MatchString(n.Phone24h) {
			bad("phone_24h", n.Phone24h, Msg("parse.bad_phone"))
		}
		shortNameCheck(bad, n.ShortName)
	}
	seenCentre := make(map[string]int)
	for i := range d.Centres {
		c := &d.Centres[i]
		bad := entryChecks(&errs, "centre", i, c.ID, seenCentre)
		if _, ok := seenNet[c.Network]; !ok {
			bad("network", c.Network, Msg("dir.no_network"))
		}
		checkName(bad, c.Name)
		shortNameCheck(bad, c.ShortName)
		if Normalize(c.Town) == "" {
			bad("town", "", Msg("dir.empty"))
		}
		for j, t := range c.Towns {
			if Normalize(t) == "" {
				bad(fmt.Sprintf("towns[%d]", j+1), t, Msg("dir.empty"))
			}
		}
		if math.IsNaN(c.Lat) || c.Lat < -90 || c.Lat > 90 {
			bad("lat", fmt.Sprint(c.Lat), Msg("dir.out_of_range", "Min", -90, "Max", 90))
		}
		if math.IsNaN(c.Lon) || c.Lon < -180 || c.Lon > 180 {
			bad("lon", fmt.Sprint(c.Lon), Msg("dir.out_of_range", "Min", -180, "Max", 180))
		}
		if c.Lat == 0 && c.Lon == 0 {
			bad("lat", "", Msg("dir.no_location"))
		}
		for _, p := range c.Phones {
			if !phonePattern.MatchString(p) {
				bad("phones", p, Msg("parse.bad_phone"))
			}
		}
		for wd, slots := range c.Hours {
			for _, s := range slots {
				switch {
				case s.Open < 0 || s.Open > 1440 || s.Close < 0 || s.Close > 1440:
					bad(hoursKey(wd), fmt.Sprintf("%d-%d", s.Open, s.Close), Msg("dir.slot_range"))
				case s.Open == s.Close:
					bad(hoursKey(wd), slotText(s), Msg("parse.slot_empty"))
				}
			}
		}
		for j, cl := range c.Closures {
			field := fmt.Sprintf("closure %d", j+1)
			switch {
			case !cl.From.Valid():
				bad(field+": from", cl.From.String(), Msg("parse.bad_date"))
			case !cl.To.Valid():
				bad(field+": to", cl.To.String(), Msg("parse.bad_date"))
			case cl.To.Before(cl.From):
				bad(field, cl.From.String()+".."+cl.To.String(), Msg("parse.closure_backwards"))
			}
		}
		for _, s := range c.Services {
			if !slices.Contains(ServiceKeys, s) {
				bad("services", s, Msg("dir.unknown_service", "Known", strings.Join(ServiceKeys, " ")))
			}
		}
		for _, l := range c.Languages {
			if !IsLanguageCode(l) {
				bad("languages", l, Msg("parse.unknown_language"))
			}
		}
	}
	return errors.Join(errs...)
}

// maxShortName is the longest short name, in characters: it must fit on a
// button of a phone's screen.
const maxShortName = 32

func shortNameCheck(bad func(field, value string, why Message), name string) {
	if utf8.RuneCountInString(name) > maxShortName {
		bad("short_name", name, Msg("parse.too_long", "Max", maxShortName))
	}
}

// hoursKey is the key of a weekday's hours in the directory file:
// "hours.mon".
func hoursKey(wd int) string {
	if wd < 0 || wd > 6 {
		return "hours"
	}
	return "hours." + strings.ToLower(time.Weekday(wd).String()[:3])
}

// entryChecks checks the id of entry i of kind ("network", "centre"):
// present, well formed and not already in seen, where it records it.
// It returns the reporter that adds the entry's further problems to errs.
func entryChecks(errs *[]error, kind string, i int, id string, seen map[string]int) func(field, value string, why Message) {
	bad := func(field, value string, why Message) {
		*errs = append(*errs, &Problem{Kind: kind, Index: i, Entry: id, Field: field, Value: value, Why: why})
	}
	switch {
	case id == "":
		bad("id", "", Msg("dir.empty"))
	case !idPattern.MatchString(id):
		bad("id", "", Msg("dir.id_form"))
	case len(id) > MaxIDLen:
		bad("id", "", Msg("dir.id_too_long", "Max", MaxIDLen))
	}
	if j, dup := seen[id]; dup && id != "" {
		bad("id", "", Msg("dir.id_duplicate", "N", j+1))
	} else {
		seen[id] = i
	}
	return bad
}

// checkName reports an empty or overlong name of a network or centre.
func checkName(bad func(field, value string, why Message), name string) {
	switch {
	case strings.TrimSpace(name) == "":
		bad("name", "", Msg("dir.empty"))
	case utf8.RuneCountInString(name) > MaxNameLen:
		bad("name", "", Msg("dir.name_too_long", "Max", MaxNameLen))
	}
}

// copyData is a deep copy: no slice of the result is shared with d.
func copyData(d Data) Data {
	out := Data{
		Sample:   d.Sample,
		Networks: slices.Clone(d.Networks),
		Centres:  make([]Centre, len(d.Centres)),
	}
	for i, c := range d.Centres {
		c.Phones = slices.Clone(c.Phones)
		c.Towns = slices.Clone(c.Towns)
		c.Languages = slices.Clone(c.Languages)
		c.Services = slices.Clone(c.Services)
		c.Closures = slices.Clone(c.Closures)
		for wd := range c.Hours {
			c.Hours[wd] = slices.Clone(c.Hours[wd])
		}
		out.Centres[i] = c
	}
	return out
}

// Data is a deep copy of the directory, for export or for editing into a
// new version.
func (d *Directory) Data() Data { return copyData(d.data) }

// Sample reports whether the directory is invented data; every card built
// from it must say so.
func (d *Directory) Sample() bool { return d.data.Sample }

// Networks is the networks in file order, the order volunteers chose.
func (d *Directory) Networks() []Network { return slices.Clone(d.data.Networks) }

// Network looks up a network by id.
func (d *Directory) Network(id string) (Network, bool) {
	i, ok := d.networks[id]
	if !ok {
		return Network{}, false
	}
	return d.data.Networks[i], true
}

// Centre looks up a centre by id, drafts too. The centre is shared: do not
// modify it.
func (d *Directory) Centre(id string) (*Centre, bool) {
	c, ok := d.centres[id]
	return c, ok
}

// Published looks up a centre women may see: not a draft.
func (d *Directory) Published(id string) (*Centre, bool) {
	c, ok := d.centres[id]
	if !ok || c.Draft {
		return nil, false
	}
	return c, true
}

// StaffCentres is the centres of a network in file order, drafts too: the
// ones staff keep.
func (d *Directory) StaffCentres(network string) []*Centre {
	var out []*Centre
	for i := range d.data.Centres {
		if c := &d.data.Centres[i]; c.Network == network {
			out = append(out, c)
		}
	}
	return out
}

// Centres is the published centres of a network in file order, or of all
// networks when network is "". The slice is the caller's; the centres are
// shared.
func (d *Directory) Centres(network string) []*Centre {
	if network == "" {
		return slices.Clone(d.all)
	}
	return slices.Clone(d.byNetwork[network])
}

// centresOf is Centres without the copy, for read-only use inside flows.
func (d *Directory) centresOf(network string) []*Centre {
	if network == "" {
		return d.all
	}
	return d.byNetwork[network]
}

// CoveredPlace is the covered town that a comune of the gazetteer is, with
// its display name and centres as FindTown gives them; empty when no
// centre covers it.
func (d *Directory) CoveredPlace(p *Place) (town string, centres []*Centre) {
	if i, ok := d.placeTown()[p]; ok {
		t := d.towns[i]
		return t.name, slices.Clone(t.centres)
	}
	return d.FindTown(p.Name)
}
