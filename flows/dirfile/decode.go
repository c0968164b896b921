package dirfile

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"frontdoor/flows/directory"
)

// MaxSize is the largest directory file Decode accepts. A real directory is
// a few tens of KiB; the limit keeps a wrong or hostile upload (the file can
// come through the bot) from costing the bot its memory.
const MaxSize = 4 << 20

// The raw shape of the file. Leaves are `any` so that a value of the wrong
// type is one reported problem, not the end of decoding; tables are typed so
// that toml.MetaData.Undecoded finds every key we do not know.
type rawFile struct {
	Sample  any          `toml:"sample"`
	Network []rawNetwork `toml:"network"`
	Centre  []rawCentre  `toml:"centre"`
}

type rawNetwork struct {
	ID        any `toml:"id"`
	Name      any `toml:"name"`
	ShortName any `toml:"short_name"`
	Province  any `toml:"province"`
	Phone24h  any `toml:"phone_24h"`
}

type rawCentre struct {
	ID                  any          `toml:"id"`
	Network             any          `toml:"network"`
	Name                any          `toml:"name"`
	ShortName           any          `toml:"short_name"`
	Town                any          `toml:"town"`
	Address             any          `toml:"address"`
	AddressConfidential any          `toml:"address_confidential"`
	Lat                 any          `toml:"lat"`
	Lon                 any          `toml:"lon"`
	Phones              any          `toml:"phones"`
	Towns               any          `toml:"towns"`
	Languages           any          `toml:"languages"`
	Services            any          `toml:"services"`
	OpenOnHolidays      any          `toml:"open_on_holidays"`
	Draft               any          `toml:"draft"`
	Hours               *rawHours    `toml:"hours"`
	Closure             []rawClosure `toml:"closure"`
}

type rawHours struct {
	Mon any `toml:"mon"`
	Tue any `toml:"tue"`
	Wed any `toml:"wed"`
	Thu any `toml:"thu"`
	Fri any `toml:"fri"`
	Sat any `toml:"sat"`
	Sun any `toml:"sun"`
}

type rawClosure struct {
	From   any `toml:"from"`
	To     any `toml:"to"`
	Reason any `toml:"reason"`
}

// Known keys at each level, for unknown-key messages and suggestions.
var (
	topKeys     = []string{"sample", "network", "centre"}
	networkKeys = []string{"id", "name", "short_name", "province", "phone_24h"}
	centreKeys  = directory.FileKeys()
	dayKeys     = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	closureKeys = []string{"from", "to", "reason"}
)

// Words volunteers are likely to write for a key, mapped to the right key.
var aliases = map[string]string{
	"lun": "mon", "mar": "tue", "mer": "wed", "gio": "thu", "ven": "fri", "sab": "sat", "dom": "sun",
	"closures": "closure", "chiusura": "closure", "orari": "hours", "telefono": "phones", "phone": "phones",
	"comuni": "towns", "lingue": "languages", "servizi": "services", "indirizzo": "address",
	"nome": "name", "comune": "town", "rete": "network", "centro": "centre", "center": "centre",
	"networks": "network", "centres": "centre", "centers": "centre", "provincia": "province",
	"dal": "from", "al": "to", "motivo": "reason", "lng": "lon", "long": "lon", "latitude": "lat",
	"longitude": "lon", "bozza": "draft", "reperibilita": "phone_24h",
}

// Decode reads a directory file. It is strict, because a typo in a file that
// volunteers edit by hand must not silently drop a centre's hours: unknown
// keys and values of the wrong type or form are errors. Values are read in
// the forms the bot reads them: phones as people write them ("0373
// 123456"), languages by code or name, slots and days as in the bot. All
// problems are reported at once, in the order of the file, each a
// *directory.Problem joined with errors.Join that names its line, its network
// or centre and its field, with a message id for the volunteer's language;
// the checks of directory.New run on every file and their problems
// get a line too. A file with a TOML syntax error reports only that
// error, since nothing after it can be read.
//
// Empty lists decode as nil slices.
func Decode(r io.Reader) (directory.Data, error) {
	src, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return directory.Data{}, fmt.Errorf("reading the directory file: %w", err)
	}
	if len(src) > MaxSize {
		return directory.Data{}, &directory.Problem{Why: directory.Msg("dir.too_large", "Max", MaxSize>>20)}
	}
	var raw rawFile
	md, err := toml.Decode(string(src), &raw)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) && pe.Position.Line > 0 {
			return directory.Data{}, &directory.Problem{Line: pe.Position.Line, Why: directory.Msg("dir.syntax", "Detail", pe.Message)}
		}
		// A table where a list of tables belongs and the like: the library
		// names the line in its message.
		return directory.Data{}, &directory.Problem{Why: directory.Msg("dir.shape", "Detail", strings.TrimPrefix(err.Error(), "toml: "))}
	}
	d := &decoder{idx: indexLines(string(src)), failed: map[string]bool{}}
	data := d.convert(&raw)
	d.unknownKeys(md.Undecoded())
	if _, err := directory.New(data); err != nil {
		d.annotate(err)
	}
	if len(d.errs) > 0 {
		// In the order of the file, as a volunteer fixes them.
		slices.SortStableFunc(d.errs, func(a, b *directory.Problem) int { return cmpLine(a.Line, b.Line) })
		errs := make([]error, len(d.errs))
		for i, e := range d.errs {
			errs[i] = e
		}
		return directory.Data{}, errors.Join(errs...)
	}
	return data, nil
}

// cmpLine orders lines, unknown ones last.
func cmpLine(a, b int) int {
	switch {
	case a == b:
		return 0
	case a == 0:
		return 1
	case b == 0:
		return -1
	}
	return a - b
}

// decoder collects the problems of one file.
type decoder struct {
	idx  *lineIndex
	errs []*directory.Problem
	// failed holds the values that could not be read (entry|field), so
	// that the zero value put in their place is not reported again by
	// directory.New.
	failed map[string]bool
	// The ids of the networks and centres, in file order, to name them.
	netIDs, centreIDs []string
}

// where is a place of the file: a line, the network or centre (kind,
// index, id; kind "" for the top of the file) and the key of the value
// ("hours.mon", "closure 2: from"), which says what failed.
type where struct {
	line  int
	kind  string
	index int
	id    string
	key   string
}

// entry names the network or centre of w in the failed set.
func (w where) entry() string { return fmt.Sprintf("%s#%d", w.kind, w.index) }

// problem reports what is wrong with the value at w (field is how the
// message names it, value the value as written).
func (d *decoder) problem(w where, field, value string, why directory.Message) {
	d.failed[w.entry()+"|"+w.key] = true
	d.errs = append(d.errs, &directory.Problem{Line: w.line, Kind: w.kind, Index: w.index, Entry: w.id, Field: field, Value: value, Why: why})
}

func (d *decoder) centreBlock(i int) *block {
	if c := d.idx.centre(i); c != nil {
		return &c.block
	}
	return nil
}

// annotate adds the problems directory.New found, each with the line of the
// value it names (or of its table), skipping values already reported.
func (d *decoder) annotate(err error) {
	for _, p := range directory.Problems(err) {
		w := where{kind: p.Kind, index: p.Index, key: fieldKey(p.Field)}
		if d.failed[w.entry()+"|"+w.key] || d.failedUnder(w) {
			continue
		}
		p.Line = d.lineOf(p)
		d.errs = append(d.errs, p)
	}
}

// failedUnder tells whether a value inside w (a closure's date) was
// reported already.
func (d *decoder) failedUnder(w where) bool {
	prefix := w.entry() + "|" + w.key + ":"
	for k := range d.failed {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// lineOf finds the line of the value a problem of directory.New names.
func (d *decoder) lineOf(p *directory.Problem) int {
	key := fieldKey(p.Field)
	switch p.Kind {
	case "network":
		return d.idx.network(p.Index).lookup(key)
	case "centre":
		var j int
		if n, err := fmt.Sscanf(key, "closure %d", &j); n == 1 && err == nil {
			_, sub, _ := strings.Cut(key, ": ")
			if b := d.idx.closure(p.Index, j-1); b != nil {
				return b.lookup(sub)
			}
			return d.centreBlock(p.Index).lookup("closure")
		}
		return d.centreBlock(p.Index).lookup(key)
	}
	return 0
}

// fieldKey is the key of the file a field of a problem names: "towns[3]"
// is in "towns".
func fieldKey(field string) string {
	key, _, _ := strings.Cut(field, "[")
	return key
}

// unknownKeys reports the keys of the file that decoded into nothing.
func (d *decoder) unknownKeys(keys []toml.Key) {
	reported := map[string]bool{}
	for _, k := range keys {
		if len(k) == 0 {
			continue
		}
		// Report a table once, not each key inside it, and not the keys
		// inside a value that should not have been a table (that value gets
		// its own type error).
		parent := toml.Key(k[:len(k)-1]).String()
		if reported[parent] || isLeaf(k[:len(k)-1]) {
			reported[k.String()] = true
			continue
		}
		reported[k.String()] = true
		d.unknownKey(k)
	}
}

// isLeaf reports whether k names a value of the format that is not a table.
func isLeaf(k []string) bool {
	switch {
	case len(k) == 1:
		return k[0] == "sample"
	case len(k) == 2 && k[0] == "network":
		return true
	case len(k) == 2 && k[0] == "centre":
		return k[1] != "hours" && k[1] != "closure"
	case len(k) == 3 && k[0] == "centre":
		return true
	}
	return false
}

func (d *decoder) unknownKey(k toml.Key) {
	name := k[len(k)-1]
	var known []string
	var places []where
	centres := func(key string) {
		for i := range d.idx.centres {
			if l, ok := d.idx.centres[i].keys[key]; ok {
				places = append(places, d.centreAt(i, l))
			}
		}
	}
	switch {
	case len(k) == 1:
		known = topKeys
		places = []where{{line: d.idx.top.lookup(name)}}
	case len(k) == 2 && k[0] == "network":
		known = networkKeys
		for i := range d.idx.networks {
			if l, ok := d.idx.networks[i].keys[name]; ok {
				places = append(places, d.networkAt(i, l))
			}
		}
	case len(k) == 2 && k[0] == "centre":
		known = centreKeys
		centres(name)
	case len(k) == 3 && k[0] == "centre" && k[1] == "hours":
		known = dayKeys
		name = "hours." + name
		centres(name)
	case len(k) == 3 && k[0] == "centre" && k[1] == "closure":
		known = closureKeys
		for i := range d.idx.centres {
			for j := range d.idx.centres[i].closures {
				if l, ok := d.idx.centres[i].closures[j].keys[name]; ok {
					w := d.centreAt(i, l)
					w.key = fmt.Sprintf("closure %d: %s", j+1, name)
					places = append(places, w)
				}
			}
		}
		name = "closure." + name
	}
	if len(places) == 0 {
		// Not where the index looks (an inline table, say): name the key in full.
		places = []where{{}}
		name = k.String()
	}
	why := directory.Msg("dir.unknown_key")
	if s := suggest(k[len(k)-1], known); s != "" {
		why = directory.Msg("dir.unknown_key_hint", "Hint", s)
	}
	for _, w := range places {
		if w.key == "" {
			w.key = name
		}
		d.problem(w, w.key, "", why)
	}
}

// networkAt and centreAt are places in the i-th network or centre.
func (d *decoder) networkAt(i, line int) where {
	w := where{line: line, kind: "network", index: i}
	if i < len(d.netIDs) {
		w.id = d.netIDs[i]
	}
	return w
}

func (d *decoder) centreAt(i, line int) where {
	w := where{line: line, kind: "centre", index: i}
	if i < len(d.centreIDs) {
		w.id = d.centreIDs[i]
	}
	return w
}

// suggest returns the known key closest to an unknown one, if any is close.
func suggest(k string, known []string) string {
	if a, ok := aliases[strings.ToLower(k)]; ok && slices.Contains(known, a) {
		return a
	}
	// One slip in any key, two in a longer one: closer than that, a
	// suggestion is noise.
	limit := 1
	if len(k) >= 5 {
		limit = 2
	}
	best, bestD := "", limit+1
	for _, c := range known {
		if dist := editDistance(strings.ToLower(k), c); dist < bestD {
			best, bestD = c, dist
		}
	}
	return best
}

// editDistance is the Levenshtein distance of two short strings.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// convert turns the raw file into directory data, reporting values of the
// wrong type or form; each is replaced by its zero value.
func (d *decoder) convert(raw *rawFile) directory.Data {
	var data directory.Data
	data.Sample = d.boolean(where{line: d.idx.top.lookup("sample"), key: "sample"}, "sample", raw.Sample)
	for i, rn := range raw.Network {
		b := d.idx.network(i)
		at := func(key string) where { w := d.networkAt(i, b.lookup(key)); w.key = key; return w }
		id := d.str(at("id"), "id", rn.ID)
		d.netIDs = append(d.netIDs, id)
		data.Networks = append(data.Networks, directory.Network{
			ID:        id,
			Name:      d.str(at("name"), "name", rn.Name),
			ShortName: d.str(at("short_name"), "short_name", rn.ShortName),
			Province:  d.str(at("province"), "province", rn.Province),
			Phone24h:  d.phone(at("phone_24h"), "phone_24h", rn.Phone24h),
		})
	}
	for i := range raw.Centre {
		data.Centres = append(data.Centres, d.centre(i, &raw.Centre[i]))
	}
	return data
}

func (d *decoder) centre(i int, rc *rawCentre) directory.Centre {
	b := d.centreBlock(i)
	at := func(key string) where { w := d.centreAt(i, b.lookup(key)); w.key = key; return w }
	id := d.str(at("id"), "id", rc.ID)
	d.centreIDs = append(d.centreIDs, id)
	c := directory.Centre{
		ID:                  id,
		Network:             d.str(at("network"), "network", rc.Network),
		Name:                d.str(at("name"), "name", rc.Name),
		ShortName:           d.str(at("short_name"), "short_name", rc.ShortName),
		Town:                d.str(at("town"), "town", rc.Town),
		Address:             d.str(at("address"), "address", rc.Address),
		AddressConfidential: d.boolean(at("address_confidential"), "address_confidential", rc.AddressConfidential),
		Lat:                 d.coord(at("lat"), "lat", rc.Lat),
		Lon:                 d.coord(at("lon"), "lon", rc.Lon),
		Phones:              d.phones(at("phones"), "phones", rc.Phones),
		Towns:               d.strs(at("towns"), "towns", rc.Towns),
		Languages:           d.languages(at("languages"), "languages", rc.Languages),
		Services:            d.strs(at("services"), "services", rc.Services),
		OpenOnHolidays:      d.boolean(at("open_on_holidays"), "open_on_holidays", rc.OpenOnHolidays),
		Draft:               d.boolean(at("draft"), "draft", rc.Draft),
	}
	if h := rc.Hours; h != nil {
		days := [7]any{h.Sun, h.Mon, h.Tue, h.Wed, h.Thu, h.Fri, h.Sat}
		for wd, v := range days {
			key := "hours." + dayKeys[(wd+6)%7]
			c.Hours[wd] = d.slots(at(key), key, v)
		}
	}
	for j, rcl := range rc.Closure {
		cb := d.idx.closure(i, j)
		field := func(f string) string { return fmt.Sprintf("closure %d: %s", j+1, f) }
		at := func(f string) where { w := d.centreAt(i, cb.lookup(f)); w.key = field(f); return w }
		if cb == nil { // placed by the index only if written as [[centre.closure]]
			at = func(f string) where { w := d.centreAt(i, b.lookup("closure")); w.key = field(f); return w }
		}
		c.Closures = append(c.Closures, directory.Closure{
			From:   d.date(at("from"), field("from"), rcl.From),
			To:     d.date(at("to"), field("to"), rcl.To),
			Reason: d.str(at("reason"), field("reason"), rcl.Reason),
		})
	}
	return c
}

// typeName says what a TOML value is, in words a volunteer knows: a
// message, or the Go name of a kind of value TOML does not have.
func typeName(v any) any {
	kind := fmt.Sprintf("%T", v)
	switch v.(type) {
	case string:
		kind = "text"
	case int64:
		kind = "integer"
	case float64:
		kind = "number"
	case bool:
		kind = "bool"
	case time.Time:
		kind = "datetime"
	case []any:
		kind = "list"
	case map[string]any, []map[string]any:
		kind = "table"
	default:
		return kind
	}
	return directory.Msg("dir.type_" + kind)
}

func (d *decoder) str(w where, field string, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(v)
	}
	d.problem(w, field, "", directory.Msg("dir.want_text", "Got", typeName(v)))
	return ""
}

func (d *decoder) boolean(w where, field string, v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	}
	d.problem(w, field, "", directory.Msg("dir.want_bool", "Got", typeName(v)))
	return false
}

// coord reads a latitude or longitude; it is required, because without it
// the centre can never be the nearest one.
func (d *decoder) coord(w where, field string, v any) float64 {
	switch v := v.(type) {
	case nil:
		d.problem(w, field, "", directory.Msg("dir.no_coordinate"))
		return 0
	case float64:
		return v
	case int64:
		return float64(v)
	}
	d.problem(w, field, "", directory.Msg("dir.want_number", "Got", typeName(v)))
	return 0
}

func (d *decoder) strs(w where, field string, v any) []string {
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		d.problem(w, field, "", directory.Msg("dir.want_list", "Got", typeName(v)))
		return nil
	}
	var out []string
	for k, e := range list {
		s, ok := e.(string)
		if !ok {
			d.problem(w, fmt.Sprintf("%s[%d]", field, k+1), "", directory.Msg("dir.want_text", "Got", typeName(e)))
			continue
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// inputProblem reports a value the bot's parsers refused, with their
// explanation.
func (d *decoder) inputProblem(w where, field, value string, err error) {
	why := directory.Msg("parse.bad_input")
	var ie *directory.InputError
	if errors.As(err, &ie) {
		why = directory.Message{ID: ie.ID, Data: ie.Data}
	}
	d.problem(w, field, value, why)
}

// phones reads numbers as the bot does: "0373 123456", "+39 333 1234567".
func (d *decoder) phones(w where, field string, v any) []string {
	var out []string
	for _, s := range d.strs(w, field, v) {
		p, err := directory.ParsePhones(s)
		if err != nil || len(p) != 1 {
			d.inputProblem(w, field, s, err)
			continue
		}
		out = append(out, p[0])
	}
	return out
}

// phone reads one number, or none.
func (d *decoder) phone(w where, field string, v any) string {
	s := d.str(w, field, v)
	if s == "" {
		return ""
	}
	p, err := directory.ParsePhones(s)
	if err != nil || len(p) != 1 {
		d.inputProblem(w, field, s, err)
		return ""
	}
	return p[0]
}

// languages reads codes or names, as the bot does: "it", "inglese".
func (d *decoder) languages(w where, field string, v any) []string {
	var out []string
	for _, s := range d.strs(w, field, v) {
		codes, err := directory.ParseLanguages(s)
		if err != nil {
			d.inputProblem(w, field, s, err)
			continue
		}
		out = append(out, codes...)
	}
	return out
}

// slots reads the slots of a day, as the bot reads them ("9-13", "9:00 –
// 13:00", "2pm-6pm"); a day may also be one text ("9-13, 15-18").
func (d *decoder) slots(w where, field string, v any) []directory.Slot {
	if s, ok := v.(string); ok {
		v = splitSlots(s)
	}
	var out []directory.Slot
	for _, s := range d.strs(w, field, v) {
		slot, err := directory.ParseSlot(strings.ToLower(s))
		if err != nil {
			d.inputProblem(w, field, s, err)
			continue
		}
		out = append(out, slot)
	}
	return out
}

// splitSlots reads "9-13, 15-18" as a list.
func splitSlots(s string) []any {
	var out []any
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func (d *decoder) date(w where, field string, v any) directory.Date {
	switch v := v.(type) {
	case nil:
		d.problem(w, field, "", directory.Msg("dir.no_date"))
		return directory.Date{}
	case string:
		day, err := directory.ParseDate(strings.TrimSpace(v))
		if err != nil {
			d.inputProblem(w, field, v, err)
			return directory.Date{}
		}
		return day
	case time.Time:
		// A bare TOML date (from = 2026-12-24) is fine too.
		if h, m, s := v.Clock(); h == 0 && m == 0 && s == 0 && v.Nanosecond() == 0 {
			return directory.Date{Year: v.Year(), Month: v.Month(), Day: v.Day()}
		}
	}
	d.problem(w, field, "", directory.Msg("dir.want_date", "Got", typeName(v)))
	return directory.Date{}
}
