package dirfile

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"frontdoor/flows"
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
	networkKeys = []string{"id", "name", "short_name", "province"}
	centreKeys  = []string{"id", "network", "name", "short_name", "town", "address", "address_confidential",
		"lat", "lon", "phones", "towns", "languages", "services", "open_on_holidays", "hours", "closure"}
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
	"longitude": "lon",
}

// Decode reads a directory file. It is strict, because a typo in a file that
// volunteers edit by hand must not silently drop a centre's hours: unknown
// keys and values of the wrong type or form are errors. All problems are
// reported at once, in the order of the file, joined with errors.Join, each
// naming its line, its network or centre and its field; the checks of
// flows.NewDirectory run on every file and their problems get a line too. A file with a TOML syntax
// error reports only that error, since nothing after it can be read.
//
// Empty lists decode as nil slices.
func Decode(r io.Reader) (flows.DirectoryData, error) {
	src, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return flows.DirectoryData{}, fmt.Errorf("reading the directory file: %w", err)
	}
	if len(src) > MaxSize {
		return flows.DirectoryData{}, fmt.Errorf("the directory file is larger than %d MiB: is it the right file?", MaxSize>>20)
	}
	var raw rawFile
	md, err := toml.Decode(string(src), &raw)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) && pe.Position.Line > 0 {
			return flows.DirectoryData{}, fmt.Errorf("line %d: %s", pe.Position.Line, pe.Message)
		}
		// A table where a list of tables belongs and the like: the library
		// names the line in its message.
		return flows.DirectoryData{}, fmt.Errorf("the directory file has the wrong shape: %s",
			strings.TrimPrefix(err.Error(), "toml: "))
	}
	d := &decoder{idx: indexLines(string(src)), failed: map[string]bool{}}
	data := d.convert(&raw)
	d.unknownKeys(md.Undecoded())
	if _, err := flows.NewDirectory(data); err != nil {
		d.annotate(&data, err)
	}
	if len(d.errs) > 0 {
		// In the order of the file, as a volunteer fixes them.
		slices.SortStableFunc(d.errs, func(a, b lineError) int { return cmpLine(a.line, b.line) })
		errs := make([]error, len(d.errs))
		for i, e := range d.errs {
			errs[i] = e.err
		}
		return flows.DirectoryData{}, errors.Join(errs...)
	}
	return data, nil
}

// lineError is a problem and the line it is on (0 when unknown).
type lineError struct {
	line int
	err  error
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
	errs []lineError
	// Scopes name the networks and centres in messages: `centre "arca-crema"`,
	// or `centre #3` when the id is missing.
	netScopes, centreScopes []string
	// failed holds scope|key of values that could not be read, so that the
	// zero value put in their place is not reported again by NewDirectory.
	failed map[string]bool
}

// where is a place of the file: a line, a scope and the key of the value
// (for example "hours.mon" or "closure.0"), which says what failed.
type where struct {
	line  int
	scope string
	key   string
}

func (w where) prefix() string {
	var b strings.Builder
	if w.line > 0 {
		fmt.Fprintf(&b, "line %d: ", w.line)
	}
	if w.scope != "" {
		b.WriteString(w.scope)
		b.WriteString(": ")
	}
	return b.String()
}

// errorf reports a problem of the value at w; field is how the message names
// it ("hours.mon \"9-25\"").
func (d *decoder) errorf(w where, field string, format string, args ...any) {
	d.failed[w.scope+"|"+w.key] = true
	msg := fmt.Sprintf(format, args...)
	if field != "" {
		msg = field + ": " + msg
	}
	d.errs = append(d.errs, lineError{w.line, errors.New(w.prefix() + msg)})
}

func (d *decoder) centreBlock(i int) *block {
	if c := d.idx.centre(i); c != nil {
		return &c.block
	}
	return nil
}

func scopeName(kind string, i int, id string) string {
	if id == "" {
		return fmt.Sprintf("%s #%d", kind, i+1)
	}
	return fmt.Sprintf("%s %q", kind, id)
}

// annotate adds the problems NewDirectory found, each with the line of the
// value it names (or of its table), skipping values already reported.
func (d *decoder) annotate(data *flows.DirectoryData, err error) {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	// NewDirectory reports networks, then centres, in file order: the
	// cursors tell two tables with the same id apart.
	nextNet, nextCentre := 0, 0
	for _, e := range errs {
		msg := e.Error()
		w, ok := d.place(data, msg, &nextNet, &nextCentre)
		if !ok {
			d.errs = append(d.errs, lineError{0, e})
			continue
		}
		if d.failed[w.scope+"|"+w.key] {
			continue
		}
		if w.line > 0 {
			msg = fmt.Sprintf("line %d: %s", w.line, msg)
		}
		d.errs = append(d.errs, lineError{w.line, errors.New(msg)})
	}
}

// place finds the table and key a message of NewDirectory is about, from its
// `centre "id": field ...` form.
func (d *decoder) place(data *flows.DirectoryData, msg string, nextNet, nextCentre *int) (where, bool) {
	kind, tail, ok := strings.Cut(msg, " ")
	if !ok || (kind != "network" && kind != "centre") {
		return where{}, false
	}
	ids := make([]string, len(data.Networks))
	for i, n := range data.Networks {
		ids[i] = n.ID
	}
	next := nextNet
	if kind == "centre" {
		ids = make([]string, len(data.Centres))
		for i, c := range data.Centres {
			ids[i] = c.ID
		}
		next = nextCentre
	}
	idx := -1
	var rest string
	if strings.HasPrefix(tail, "#") {
		num, r, _ := strings.Cut(tail[1:], ":")
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || n > len(ids) {
			return where{}, false
		}
		idx, rest = n-1, r
	} else {
		q, err := strconv.QuotedPrefix(tail)
		if err != nil {
			return where{}, false
		}
		id, _ := strconv.Unquote(q)
		rest = tail[len(q):]
		start := *next
		// "id: duplicate of centre #1" is about a later table with that id.
		var first int
		if _, err := fmt.Sscanf(rest, ": id: duplicate of "+kind+" #%d", &first); err == nil {
			start = max(start, first)
			if *next >= first && *next < len(ids) && ids[*next] == id {
				start = *next + 1
			}
		}
		for i := max(start, 0); i < len(ids) && idx < 0; i++ {
			if ids[i] == id {
				idx = i
			}
		}
		for i := 0; i < len(ids) && idx < 0; i++ {
			if ids[i] == id {
				idx = i
			}
		}
		if idx < 0 {
			return where{}, false
		}
	}
	*next = idx
	rest = strings.TrimPrefix(rest, ":")
	rest = strings.TrimPrefix(rest, " ")
	key := fieldKey(rest)
	w := where{scope: scopeName(kind, idx, ids[idx]), key: key}
	if kind == "network" {
		w.line = d.idx.network(idx).lookup(key)
		return w, true
	}
	if n, ok := strings.CutPrefix(key, "closure."); ok {
		j, _ := strconv.Atoi(n)
		if b := d.idx.closure(idx, j); b != nil {
			w.line = b.line
			return w, true
		}
		w.line = d.centreBlock(idx).lookup("closure")
		return w, true
	}
	w.line = d.centreBlock(idx).lookup(key)
	return w, true
}

// fieldKey maps the field a message of NewDirectory names ("phone", "hours
// Monday slot 1", "closures[0] ...") to the key of the file.
func fieldKey(rest string) string {
	word := rest
	if i := strings.IndexAny(rest, " :[,"); i >= 0 {
		word = rest[:i]
	}
	switch word {
	case "phone":
		return "phones"
	case "service":
		return "services"
	case "language":
		return "languages"
	case "hours":
		day, _, _ := strings.Cut(strings.TrimPrefix(rest, "hours "), " ")
		for wd := time.Sunday; wd <= time.Saturday; wd++ {
			if strings.EqualFold(day, wd.String()) {
				return "hours." + dayKeys[(int(wd)+6)%7]
			}
		}
		return "hours"
	case "closures":
		n, _, _ := strings.Cut(strings.TrimPrefix(rest, "closures["), "]")
		if j, err := strconv.Atoi(n); err == nil {
			return "closure." + strconv.Itoa(j)
		}
		return "closure"
	}
	return word
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
				places = append(places, where{line: l, scope: d.centreScope(i)})
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
				places = append(places, where{line: l, scope: d.netScope(i)})
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
					places = append(places, where{line: l, scope: fmt.Sprintf("%s: closure %d", d.centreScope(i), j+1)})
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
	hint := ""
	if s := suggest(k[len(k)-1], known); s != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", s)
	}
	for _, w := range places {
		d.errorf(w, "", "unknown key %q%s", name, hint)
	}
}

func (d *decoder) netScope(i int) string {
	if i < len(d.netScopes) {
		return d.netScopes[i]
	}
	return scopeName("network", i, "")
}

func (d *decoder) centreScope(i int) string {
	if i < len(d.centreScopes) {
		return d.centreScopes[i]
	}
	return scopeName("centre", i, "")
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
func (d *decoder) convert(raw *rawFile) flows.DirectoryData {
	var data flows.DirectoryData
	data.Sample = d.boolean(where{line: d.idx.top.lookup("sample"), key: "sample"}, "sample", raw.Sample)
	for i, rn := range raw.Network {
		b := d.idx.network(i)
		scope := scopeName("network", i, "")
		at := func(key string) where { return where{b.lookup(key), scope, key} }
		id := d.str(at("id"), "id", rn.ID)
		scope = scopeName("network", i, id)
		d.netScopes = append(d.netScopes, scope)
		data.Networks = append(data.Networks, flows.Network{
			ID:        id,
			Name:      d.str(at("name"), "name", rn.Name),
			ShortName: d.str(at("short_name"), "short_name", rn.ShortName),
			Province:  d.str(at("province"), "province", rn.Province),
		})
	}
	for i := range raw.Centre {
		data.Centres = append(data.Centres, d.centre(i, &raw.Centre[i]))
	}
	return data
}

func (d *decoder) centre(i int, rc *rawCentre) flows.Centre {
	b := d.centreBlock(i)
	scope := scopeName("centre", i, "")
	at := func(key string) where { return where{b.lookup(key), scope, key} }
	id := d.str(at("id"), "id", rc.ID)
	scope = scopeName("centre", i, id)
	d.centreScopes = append(d.centreScopes, scope)
	c := flows.Centre{
		ID:                  id,
		Network:             d.str(at("network"), "network", rc.Network),
		Name:                d.str(at("name"), "name", rc.Name),
		ShortName:           d.str(at("short_name"), "short_name", rc.ShortName),
		Town:                d.str(at("town"), "town", rc.Town),
		Address:             d.str(at("address"), "address", rc.Address),
		AddressConfidential: d.boolean(at("address_confidential"), "address_confidential", rc.AddressConfidential),
		Lat:                 d.coord(at("lat"), "lat", rc.Lat),
		Lon:                 d.coord(at("lon"), "lon", rc.Lon),
		Phones:              d.strs(at("phones"), "phones", rc.Phones),
		Towns:               d.strs(at("towns"), "towns", rc.Towns),
		Languages:           d.strs(at("languages"), "languages", rc.Languages),
		Services:            d.strs(at("services"), "services", rc.Services),
		OpenOnHolidays:      d.boolean(at("open_on_holidays"), "open_on_holidays", rc.OpenOnHolidays),
	}
	// Phones may be written with spaces ("+39 0372 000101"); languages in
	// any case. Both are stored in the one form the bot shows.
	for k, p := range c.Phones {
		c.Phones[k] = strings.Join(strings.Fields(p), "")
	}
	for k, l := range c.Languages {
		c.Languages[k] = strings.ToLower(l)
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
		key := "closure." + strconv.Itoa(j)
		at := func(field string) where { return where{cb.lookup(field), scope, key} }
		if cb == nil { // placed by the index only if written as [[centre.closure]]
			at = func(string) where { return where{b.lookup("closure"), scope, key} }
		}
		field := func(f string) string { return fmt.Sprintf("closure %d: %s", j+1, f) }
		c.Closures = append(c.Closures, flows.Closure{
			From:   d.date(at("from"), field("from"), rcl.From),
			To:     d.date(at("to"), field("to"), rcl.To),
			Reason: d.str(at("reason"), field("reason"), rcl.Reason),
		})
	}
	return c
}

// typeName says what a TOML value is, in words a volunteer knows.
func typeName(v any) string {
	switch v.(type) {
	case string:
		return "text"
	case int64:
		return "a whole number"
	case float64:
		return "a number"
	case bool:
		return "true/false"
	case time.Time:
		return "a date or time"
	case []any:
		return "a list"
	case map[string]any, []map[string]any:
		return "a table"
	}
	return fmt.Sprintf("%T", v)
}

func (d *decoder) str(w where, field string, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(v)
	}
	d.errorf(w, field, "want text in quotes, got %s", typeName(v))
	return ""
}

func (d *decoder) boolean(w where, field string, v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	}
	d.errorf(w, field, "want true or false (without quotes), got %s", typeName(v))
	return false
}

// coord reads a latitude or longitude; it is required, because without it
// the centre can never be the nearest one.
func (d *decoder) coord(w where, field string, v any) float64 {
	switch v := v.(type) {
	case nil:
		d.errorf(w, field, "missing: the bot needs it to find the nearest centre")
		return 0
	case float64:
		return v
	case int64:
		return float64(v)
	}
	d.errorf(w, field, "want a number such as 45.1333 (without quotes), got %s", typeName(v))
	return 0
}

func (d *decoder) strs(w where, field string, v any) []string {
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		d.errorf(w, field, `want a list such as ["a", "b"], got %s`, typeName(v))
		return nil
	}
	var out []string
	for k, e := range list {
		s, ok := e.(string)
		if !ok {
			d.errorf(w, fmt.Sprintf("%s[%d]", field, k+1), "want text in quotes, got %s", typeName(e))
			continue
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

func (d *decoder) slots(w where, field string, v any) []flows.Slot {
	var out []flows.Slot
	for _, s := range d.strs(w, field, v) {
		slot, err := parseSlot(s)
		if err != nil {
			d.errorf(w, fmt.Sprintf("%s %q", field, s), "%v", err)
			continue
		}
		out = append(out, slot)
	}
	return out
}

// parseSlot reads "9:00-13:00". An en dash, as word processors write it,
// is taken for the hyphen.
func parseSlot(s string) (flows.Slot, error) {
	t := strings.ReplaceAll(s, "–", "-")
	open, close, ok := strings.Cut(t, "-")
	if !ok || strings.Contains(close, "-") {
		return flows.Slot{}, errors.New(`want opening and closing time such as "9:00-13:00"`)
	}
	o, err := flows.ParseClock(strings.TrimSpace(open))
	if err != nil {
		return flows.Slot{}, fmt.Errorf("opening time: %w", err)
	}
	c, err := flows.ParseClock(strings.TrimSpace(close))
	if err != nil {
		return flows.Slot{}, fmt.Errorf("closing time: %w", err)
	}
	return flows.Slot{Open: o, Close: c}, nil
}

func (d *decoder) date(w where, field string, v any) flows.Date {
	switch v := v.(type) {
	case nil:
		d.errorf(w, field, `missing: write the day as "2026-12-24" (year-month-day)`)
		return flows.Date{}
	case string:
		t, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
		if err != nil {
			d.errorf(w, fmt.Sprintf("%s %q", field, v), `not a day: write it as "2026-12-24" (year-month-day)`)
			return flows.Date{}
		}
		return flows.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	case time.Time:
		// A bare TOML date (from = 2026-12-24) is fine too.
		if h, m, s := v.Clock(); h == 0 && m == 0 && s == 0 && v.Nanosecond() == 0 {
			return flows.Date{Year: v.Year(), Month: v.Month(), Day: v.Day()}
		}
	}
	d.errorf(w, field, `want a day such as "2026-12-24", got %s`, typeName(v))
	return flows.Date{}
}

// Codec is Decode and Encode as a value, for the dialogues that exchange
// the directory file with staff (flows.DirectoryCodec).
type Codec struct{}

// Decode reads a directory file; see the package function.
func (Codec) Decode(r io.Reader) (flows.DirectoryData, error) { return Decode(r) }

// Encode writes a directory file; see the package function.
func (Codec) Encode(w io.Writer, d flows.DirectoryData) error { return Encode(w, d) }
