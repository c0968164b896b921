package dirfile

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"frontdoor/flows/directory"
)

// base is a small valid file; the bad files below are edits of it, so that
// the line numbers in the expectations are easy to count.
const base = `sample = false

[[network]]
id = "n1"
name = "Rete uno"
province = "CR"

[[centre]]
id = "c1"
network = "n1"
name = "Centro uno"
town = "Cremona"
lat = 45.1336
lon = 10.0242
phones = ["+39 0000 000101"]
towns = ["Cremona", "Castelverde"]
languages = ["it", "EN"]
services = ["listening", "legal"]

[centre.hours]
mon = ["9:00-13:00", "14:00-18:00"]
fri = ["20:00-2:00"]

[[centre.closure]]
from = "2026-12-24"
to = "2027-01-06"
reason = "chiusura per le feste"
`

// edit returns base with the line that starts with old replaced by new
// (which may be several lines, or nothing).
func edit(t *testing.T, src, old, new string) string {
	t.Helper()
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, old) {
			lines[i] = new
			return strings.Join(lines, "\n")
		}
	}
	t.Fatalf("no line starts with %q", old)
	return ""
}

func decodeString(s string) (directory.Data, error) { return Decode(strings.NewReader(s)) }

func problems(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, e.Error())
		}
		return out
	}
	return []string{err.Error()}
}

func TestDecodeBase(t *testing.T) {
	d, err := decodeString(base)
	if err != nil {
		t.Fatal(err)
	}
	want := directory.Data{
		Networks: []directory.Network{{ID: "n1", Name: "Rete uno", Province: "CR"}},
		Centres: []directory.Centre{{
			ID: "c1", Network: "n1", Name: "Centro uno", Town: "Cremona",
			Lat: 45.1336, Lon: 10.0242,
			Phones:    []string{"+390000000101"},
			Towns:     []string{"Cremona", "Castelverde"},
			Languages: []string{"it", "en"},
			Services:  []string{"listening", "legal"},
			Hours: directory.Week{
				1: {{Open: 9 * 60, Close: 13 * 60}, {Open: 14 * 60, Close: 18 * 60}},
				5: {{Open: 20 * 60, Close: 2 * 60}},
			},
			Closures: []directory.Closure{{
				From:   directory.Date{Year: 2026, Month: 12, Day: 24},
				To:     directory.Date{Year: 2027, Month: 1, Day: 6},
				Reason: "chiusura per le feste",
			}},
		}},
	}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("got  %+v\nwant %+v", d, want)
	}
}

// longID is a well-formed id one character longer than directory.MaxIDLen:
// with it, button data would pass Telegram's 64 bytes.
var longID = "centro-antiviolenza-" + strings.Repeat("x", 21)

func TestDecodeBadFiles(t *testing.T) {
	second := base + `
[[centre]]
id = "c1"
network = "n1"
name = "Centro due"
town = "Crema"
lat = 45.36
lon = 9.68
`
	tests := []struct {
		name string
		src  string
		want string // one problem, containing this
	}{
		{"unknown key", edit(t, base, "town =", "town = \"Cremona\"\ncolour = \"red\""),
			`line 13: centre "c1": colour: dir.unknown_key`},
		{"unknown key with a hint", edit(t, base, "mon =", `lun = ["9:00-13:00"]`),
			`line 21: centre "c1": hours.lun: dir.unknown_key_hint map[Hint:mon]`},
		{"unknown key in a closure", edit(t, base, "reason =", `motivo = "ferie"`),
			`line 27: centre "c1": closure 1: motivo: dir.unknown_key_hint map[Hint:reason]`},
		{"unknown top-level key", edit(t, base, "sample =", "sample = false\nversion = 2"),
			`line 2: version: dir.unknown_key`},
		{"unknown table", base + "\n[centre.extra]\nx = 1\n",
			`line 29: centre "c1": extra: dir.unknown_key`},
		{"bad slot", edit(t, base, "mon =", `mon = ["9-25"]`),
			`line 21: centre "c1": hours.mon "9-25": parse.bad_time map[Time:25]`},
		{"slot without a dash", edit(t, base, "mon =", `mon = ["9:00 13:00"]`),
			`line 21: centre "c1": hours.mon "9:00 13:00": parse.slot_no_dash`},
		{"slot that is not text", edit(t, base, "mon =", `mon = [9]`),
			`line 21: centre "c1": hours.mon[1]: dir.want_text map[Got:{dir.type_integer map[]}]`},
		{"empty slot", edit(t, base, "mon =", `mon = ["9:00-9:00"]`),
			`line 21: centre "c1": hours.mon "9:00-9:00": parse.slot_empty`},
		{"closure from after to", edit(t, base, "from =", `from = "2027-01-07"`),
			`line 24: centre "c1": closure 1 "2027-01-07..2027-01-06": parse.closure_backwards`},
		{"closure date not a day", edit(t, base, "to =", `to = "2027-02-30"`),
			`line 26: centre "c1": closure 1: to "2027-02-30": parse.bad_date`},
		{"closure without to", edit(t, base, "to =", ""),
			`line 24: centre "c1": closure 1: to: dir.no_date`},
		{"duplicate centre id", second,
			`line 30: centre "c1": id: dir.id_duplicate map[N:1]`},
		{"duplicate network id", edit(t, base, "province =", "province = \"CR\"\n\n[[network]]\nid = \"n1\"\nname = \"Rete due\""),
			`line 9: network "n1": id: dir.id_duplicate map[N:1]`},
		{"missing network", edit(t, base, "network =", ""),
			`line 8: centre "c1": network: dir.no_network`},
		{"unknown network", edit(t, base, "network =", `network = "n2"`),
			`line 10: centre "c1": network "n2": dir.no_network`},
		{"not a phone", edit(t, base, "phones =", `phones = ["0372 123456", "telefono"]`),
			`line 15: centre "c1": phones "telefono": parse.bad_phone`},
		{"bad id", edit(t, base, `id = "c1"`, `id = "Centro 1"`),
			`line 9: centre "Centro 1": id: dir.id_form`},
		{"unknown service", edit(t, base, "services =", `services = ["legal", "lawyer"]`),
			`line 18: centre "c1": services "lawyer": dir.unknown_service map[Known:listening psychological legal shelter work children groups]`},
		{"bad language", edit(t, base, "languages =", `languages = ["ita"]`),
			`line 17: centre "c1": languages "ita": parse.unknown_language`},
		{"lat as text", edit(t, base, "lat =", `lat = "45.1"`),
			`line 13: centre "c1": lat: dir.want_number map[Got:{dir.type_text map[]}]`},
		{"lat missing", edit(t, base, "lat =", ""),
			`line 8: centre "c1": lat: dir.no_coordinate`},
		{"bool as text", edit(t, base, "sample =", `sample = "no"`),
			`line 1: sample: dir.want_bool map[Got:{dir.type_text map[]}]`},
		{"list as text", edit(t, base, "towns =", `towns = "Cremona"`),
			`line 16: centre "c1": towns: dir.want_list map[Got:{dir.type_text map[]}]`},
		{"name missing", edit(t, base, `name = "Centro uno"`, ""),
			`line 8: centre "c1": name: dir.empty`},
		{"centre id too long for a button", edit(t, base, `id = "c1"`, `id = "`+longID+`"`),
			`line 9: centre "` + longID + `": id: dir.id_too_long map[Max:40]`},
		{"network id too long for a button", strings.ReplaceAll(base, `"n1"`, `"`+longID+`"`),
			`line 4: network "` + longID + `": id: dir.id_too_long map[Max:40]`},
		{"centre name too long", edit(t, base, `name = "Centro uno"`, `name = "`+strings.Repeat("Centro ", 20)+`"`),
			`line 11: centre "c1": name: dir.name_too_long map[Max:100]`},
		{"network name too long", edit(t, base, `name = "Rete uno"`, `name = "`+strings.Repeat("Rete ", 30)+`"`),
			`line 5: network "n1": name: dir.name_too_long map[Max:100]`},
		{"centre without id", edit(t, base, `id = "c1"`, ""),
			`line 8: centre #1: id: dir.empty`},
		{"syntax error", edit(t, base, "town =", `town = "Cremona`),
			`line 12: `},
		{"network as a table", strings.Replace(base, "[[network]]", "[network]", 1),
			`dir.shape`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeString(tt.src)
			got := problems(err)
			if len(got) != 1 || !strings.Contains(got[0], tt.want) {
				t.Errorf("problems:\n  %s\nwant one containing\n  %s", strings.Join(got, "\n  "), tt.want)
			}
		})
	}
}

func TestDecodeReportsEveryProblem(t *testing.T) {
	src := base
	src = edit(t, src, "mon =", `mon = ["9:00-13:00", "14-26"]`)       // line 21
	src = edit(t, src, "phones =", `phones = ["0372-12345x"]`)         // line 15
	src = edit(t, src, "from =", `from = "2027-12-24"`)                // line 24
	src = edit(t, src, "lon =", "lon = 10.0242\ncolor = \"red\"")      // line 15, shifting the rest
	src = edit(t, src, "languages =", `languages = ["it", "klingon"]`) // line 18
	got := problems(mustFail(t, src))
	want := []string{
		`line 15: centre "c1": color: dir.unknown_key`,
		`line 22: centre "c1": hours.mon "14-26": parse.bad_time`,
		`line 16: centre "c1": phones "0372-12345x": parse.bad_phone`,
		`line 18: centre "c1": languages "klingon": parse.unknown_language`,
		`line 25: centre "c1": closure 1 "2027-12-24..2027-01-06": parse.closure_backwards`,
	}
	if len(got) != len(want) {
		t.Errorf("%d problems, want %d:\n  %s", len(got), len(want), strings.Join(got, "\n  "))
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || strings.Contains(g, w)
		}
		if !found {
			t.Errorf("no problem contains %q in\n  %s", w, strings.Join(got, "\n  "))
		}
	}
}

func mustFail(t *testing.T, src string) error {
	t.Helper()
	_, err := decodeString(src)
	if err == nil {
		t.Fatal("decoded without error")
	}
	return err
}

func TestDecodeThreeCopies(t *testing.T) {
	dup := "\n[[centre]]\nid = \"c1\"\nnetwork = \"n1\"\nname = \"Copia\"\ntown = \"Crema\"\nlat = 45.36\nlon = 9.68\n"
	got := problems(mustFail(t, base+dup+dup))
	want := []string{
		`line 30: centre "c1": id: dir.id_duplicate map[N:1]`,
		`line 38: centre "c1": id: dir.id_duplicate map[N:1]`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// A value of the wrong type is reported once, not again as the empty value
// NewDirectory would see in its place.
func TestDecodeNoEchoOfBadValues(t *testing.T) {
	src := edit(t, base, `name = "Centro uno"`, `name = 12`)
	src = edit(t, src, "from =", `from = "24/13/2026"`)
	got := problems(mustFail(t, src))
	if len(got) != 2 {
		t.Errorf("want 2 problems, got:\n  %s", strings.Join(got, "\n  "))
	}
}

// TestDecodeAcceptsFriendlyForms: the file reads values in the forms the
// bot reads them.
func TestDecodeAcceptsFriendlyForms(t *testing.T) {
	src := edit(t, base, "mon =", `mon = [" 9.00 – 13 ", "2PM-6pm"]`)
	src = edit(t, src, "fri =", `fri = "9-12, 15-18"`)
	src = edit(t, src, "from =", `from = 2026-12-24`)
	src = edit(t, src, "to =", `to = "6/1/2027"`)
	src = edit(t, src, "phones =", `phones = ["0373 123456", "+39 333 123 4567"]`)
	src = edit(t, src, "languages =", `languages = ["italiano", "English", "ar"]`)
	src = edit(t, src, "province =", "province = \"CR\"\nphone_24h = \"335 123 4567\"")
	d, err := decodeString(src)
	if err != nil {
		t.Fatal(err)
	}
	c := d.Centres[0]
	if want := []directory.Slot{{Open: 540, Close: 780}, {Open: 840, Close: 1080}}; !reflect.DeepEqual(c.Hours[1], want) {
		t.Errorf("mon = %v, want %v", c.Hours[1], want)
	}
	if want := []directory.Slot{{Open: 540, Close: 720}, {Open: 900, Close: 1080}}; !reflect.DeepEqual(c.Hours[5], want) {
		t.Errorf("fri = %v, want %v", c.Hours[5], want)
	}
	if want := (directory.Closure{From: directory.Date{Year: 2026, Month: 12, Day: 24}, To: directory.Date{Year: 2027, Month: 1, Day: 6}, Reason: "chiusura per le feste"}); c.Closures[0] != want {
		t.Errorf("closure = %v, want %v", c.Closures[0], want)
	}
	if want := []string{"+390373123456", "+393331234567"}; !reflect.DeepEqual(c.Phones, want) {
		t.Errorf("phones = %v, want %v", c.Phones, want)
	}
	if want := []string{"it", "en", "ar"}; !reflect.DeepEqual(c.Languages, want) {
		t.Errorf("languages = %v, want %v", c.Languages, want)
	}
	if d.Networks[0].Phone24h != "+393351234567" {
		t.Errorf("phone_24h = %q", d.Networks[0].Phone24h)
	}
}

func TestDecodeEmpty(t *testing.T) {
	d, err := decodeString("")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d, directory.Data{}) {
		t.Errorf("got %+v", d)
	}
}

func TestDecodeTooLarge(t *testing.T) {
	big := strings.NewReader(base + "\n#" + strings.Repeat("x", MaxSize))
	if _, err := Decode(big); err == nil || !strings.Contains(err.Error(), "dir.too_large") {
		t.Errorf("err = %v", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestDecodeReadError(t *testing.T) {
	if _, err := Decode(failingReader{}); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("err = %v", err)
	}
}

func TestIndexLinesSkipsStrings(t *testing.T) {
	src := "a = \"\"\"\nb = 1\n\"\"\"\nc = [\n  \"d = 2\",\n]\n[[centre]]\ne = 'x # ['\nf = 3 # ]\n"
	x := indexLines(src)
	if got := x.top.keys; len(got) != 2 || got["a"] != 1 || got["c"] != 4 {
		t.Errorf("top keys %v", got)
	}
	if len(x.centres) != 1 || x.centres[0].line != 7 || x.centres[0].keys["e"] != 8 || x.centres[0].keys["f"] != 9 {
		t.Errorf("centres %+v", x.centres)
	}
}

func TestSuggest(t *testing.T) {
	for k, want := range map[string]string{
		"lun": "mon", "Closures": "closure", "phone": "phones", "adress": "address",
		"x": "", "colour": "", "latitude": "lat", "open_on_holiday": "open_on_holidays",
	} {
		if got := suggest(k, centreKeys); k != "lun" && got != want {
			t.Errorf("suggest(%q) = %q, want %q", k, got, want)
		}
	}
	if got := suggest("lun", dayKeys); got != "mon" {
		t.Errorf("suggest(lun) = %q", got)
	}
}

// TestCentreKeysAreTheTable: the file reads a centre's keys under the
// names of the one table of fields (directory.Fields), in its order.
func TestCentreKeysAreTheTable(t *testing.T) {
	var tags []string
	rt := reflect.TypeOf(rawCentre{})
	for i := range rt.NumField() {
		tags = append(tags, rt.Field(i).Tag.Get("toml"))
	}
	if want := directory.FileKeys(); !slices.Equal(tags, want) {
		t.Errorf("the decoder reads %v, the table has %v", tags, want)
	}
}
