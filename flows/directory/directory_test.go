package directory_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdoor/flows/directory"
)

// dtWeekdays is 9:00-13:00 from Monday to Friday.
func dtWeekdays(slots ...directory.Slot) directory.Week {
	var w directory.Week
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = slices.Clone(slots)
	}
	return w
}

// dtLombardy is a directory shaped like the two networks frontdoor grew
// from, with their real coordinates and invented phones and hours. Bresso
// comes before Cinisello on purpose: a town's own centre must come first
// whatever the file order.
func dtLombardy() directory.Data {
	morning := directory.Slot{Open: 9 * 60, Close: 13 * 60}
	afternoon := directory.Slot{Open: 14 * 60, Close: 18 * 60}
	return directory.Data{
		Sample: true,
		Networks: []directory.Network{
			{ID: "arca", Name: "ARCA", Province: "CR"},
			{ID: "amaranta", Name: "Amaranta", Province: "MI"},
		},
		Centres: []directory.Centre{
			{
				ID: "cr-cremona", Network: "arca", Name: "Centro antiviolenza Cremona", Town: "Cremona",
				Lat: 45.1333, Lon: 10.0227, Phones: []string{"+390372000001"},
				Towns:     []string{"Cremona", "Persico Dosimo", "Ca' d'Andrea", "Sesto ed Uniti"},
				Languages: []string{"it", "en"}, Services: []string{"listening", "legal", "shelter"},
				Hours: dtWeekdays(morning, afternoon),
			},
			{
				ID: "cr-crema", Network: "arca", Name: "Centro antiviolenza Crema", Town: "Crema",
				Lat: 45.3640, Lon: 9.6813, Phones: []string{"+390373000002"},
				Towns: []string{"Offanengo", "Bagnolo Cremasco"},
				Hours: dtWeekdays(morning),
			},
			{
				ID: "cr-casalmaggiore", Network: "arca", Name: "Sportello Casalmaggiore", Town: "Casalmaggiore",
				Lat: 44.9887, Lon: 10.4180, Phones: []string{"+390375000003"},
				Towns: []string{"San Giovanni in Croce", "Piadena Drizzona"},
				Hours: directory.Week{time.Tuesday: {afternoon}},
			},
			{
				ID: "am-bresso", Network: "amaranta", Name: "Donne Insieme Bresso", Town: "Bresso",
				Lat: 45.5378, Lon: 9.1884, Phones: []string{"+390200000004"},
				Towns: []string{"Cinisello Balsamo", "Cormano"},
				Hours: directory.Week{time.Monday: {afternoon}, time.Wednesday: {afternoon}, time.Friday: {afternoon}},
			},
			{
				ID: "am-cinisello", Network: "amaranta", Name: "Donne Insieme Cinisello", Town: "Cinisello Balsamo",
				Lat: 45.5560, Lon: 9.2150, Phones: []string{"+390200000005"},
				Towns: []string{"Cusano Milanino", "Cormano", "Sesto San Giovanni"},
				Hours: directory.Week{time.Tuesday: {morning}, time.Thursday: {morning}, time.Saturday: {morning}},
			},
		},
	}
}

func dtDirectory(t testing.TB) *directory.Directory {
	t.Helper()
	d, err := directory.New(dtLombardy())
	if err != nil {
		t.Fatalf("NewDirectory(dtLombardy()): %v", err)
	}
	return d
}

func TestNewDirectoryReportsEachProblem(t *testing.T) {
	tests := []struct {
		name   string
		change func(d *directory.Data)
		want   string
	}{
		{"network id empty", func(d *directory.Data) { d.Networks[1].ID = ""; d.Centres = d.Centres[:3] },
			`network #2: id: dir.empty`},
		{"network id upper case", func(d *directory.Data) { d.Networks = append(d.Networks, directory.Network{ID: "ARCA", Name: "x"}) },
			`network "ARCA": id: dir.id_form`},
		{"network id duplicate", func(d *directory.Data) { d.Networks = append(d.Networks, directory.Network{ID: "arca", Name: "x"}) },
			`network "arca": id: dir.id_duplicate map[N:1]`},
		{"network name empty", func(d *directory.Data) { d.Networks[0].Name = " " },
			`network "arca": name: dir.empty`},
		{"centre id empty", func(d *directory.Data) { d.Centres[2].ID = "" },
			`centre #3: id: dir.empty`},
		{"centre id with space", func(d *directory.Data) { d.Centres[0].ID = "cr cremona" },
			`centre "cr cremona": id: dir.id_form`},
		{"centre id trailing hyphen", func(d *directory.Data) { d.Centres[0].ID = "cr-" },
			`centre "cr-": id: dir.id_form`},
		{"centre id duplicate", func(d *directory.Data) { d.Centres[1].ID = "cr-cremona" },
			`centre "cr-cremona": id: dir.id_duplicate map[N:1]`},
		{"unknown network", func(d *directory.Data) { d.Centres[0].Network = "arka" },
			`centre "cr-cremona": network "arka": dir.no_network`},
		{"name empty", func(d *directory.Data) { d.Centres[0].Name = "" },
			`centre "cr-cremona": name: dir.empty`},
		{"town blank", func(d *directory.Data) { d.Centres[0].Town = " - " },
			`centre "cr-cremona": town: dir.empty`},
		{"covered town blank", func(d *directory.Data) { d.Centres[0].Towns[1] = "" },
			`centre "cr-cremona": towns[2]: dir.empty`},
		{"lat out of range", func(d *directory.Data) { d.Centres[0].Lat = 95 },
			`centre "cr-cremona": lat "95": dir.out_of_range map[Max:90 Min:-90]`},
		{"lat NaN", func(d *directory.Data) { d.Centres[0].Lat = math.NaN() },
			`centre "cr-cremona": lat "NaN": dir.out_of_range map[Max:90 Min:-90]`},
		{"lon out of range", func(d *directory.Data) { d.Centres[0].Lon = -200 },
			`centre "cr-cremona": lon "-200": dir.out_of_range map[Max:180 Min:-180]`},
		{"position missing", func(d *directory.Data) { d.Centres[0].Lat, d.Centres[0].Lon = 0, 0 },
			`centre "cr-cremona": lat: dir.no_location`},
		{"phone national form", func(d *directory.Data) { d.Centres[0].Phones = []string{"0372 123"} },
			`centre "cr-cremona": phones "0372 123": parse.bad_phone`},
		{"phone with spaces", func(d *directory.Data) { d.Centres[0].Phones = []string{"+39 0372 000001"} },
			`centre "cr-cremona": phones "+39 0372 000001": parse.bad_phone`},
		{"phone too short", func(d *directory.Data) { d.Centres[0].Phones = []string{"+391522"} },
			`centre "cr-cremona": phones "+391522": parse.bad_phone`},
		{"slot after midnight", func(d *directory.Data) { d.Centres[1].Hours[time.Monday] = []directory.Slot{{Open: 540, Close: 1500}} },
			`centre "cr-crema": hours.mon "540-1500": dir.slot_range`},
		{"slot negative", func(d *directory.Data) { d.Centres[1].Hours[time.Sunday] = []directory.Slot{{Open: -60, Close: 600}} },
			`centre "cr-crema": hours.sun "-60-600": dir.slot_range`},
		{"slot empty", func(d *directory.Data) {
			d.Centres[1].Hours[time.Friday] = append(d.Centres[1].Hours[time.Friday], directory.Slot{Open: 900, Close: 900})
		}, `centre "cr-crema": hours.fri "15:00-15:00": parse.slot_empty`},
		{"closure backwards", func(d *directory.Data) {
			d.Centres[1].Closures = []directory.Closure{{From: directory.Date{Year: 2027, Month: 8, Day: 20}, To: directory.Date{Year: 2027, Month: 8, Day: 2}}}
		}, `centre "cr-crema": closure 1 "2027-08-20..2027-08-02": parse.closure_backwards`},
		{"closure impossible date", func(d *directory.Data) {
			d.Centres[1].Closures = []directory.Closure{{From: directory.Date{Year: 2027, Month: 2, Day: 1}, To: directory.Date{Year: 2027, Month: 2, Day: 30}}}
		}, `centre "cr-crema": closure 1: to "2027-02-30": parse.bad_date`},
		{"unknown service", func(d *directory.Data) { d.Centres[0].Services = []string{"legal", "Legal"} },
			`centre "cr-cremona": services "Legal": dir.unknown_service map[Known:listening psychological legal shelter work children groups]`},
		{"language three letters", func(d *directory.Data) { d.Centres[0].Languages = []string{"ita"} },
			`centre "cr-cremona": languages "ita": parse.unknown_language`},
		{"language upper case", func(d *directory.Data) { d.Centres[0].Languages = []string{"it", "EN"} },
			`centre "cr-cremona": languages "EN": parse.unknown_language`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := dtLombardy()
			tt.change(&data)
			d, err := directory.New(data)
			if err == nil {
				t.Fatalf("NewDirectory accepted it (%v); want error %q", d != nil, tt.want)
			}
			if d != nil {
				t.Errorf("NewDirectory returned a directory with the error")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

func TestNewDirectoryReportsAllProblems(t *testing.T) {
	data := dtLombardy()
	data.Networks[1].Name = ""
	data.Centres[0].Phones = []string{"0372 123", "+390372000001"}
	data.Centres[0].Lat = 100
	data.Centres[0].Lon = 200
	data.Centres[2].Network = "nope"
	data.Centres[2].Hours[time.Tuesday] = []directory.Slot{{Open: 600, Close: 600}}
	data.Centres[4].Languages = []string{"IT"}
	_, err := directory.New(data)
	if err == nil {
		t.Fatal("NewDirectory accepted a directory with 7 problems")
	}
	want := []string{
		`network "amaranta": name: dir.empty`,
		`centre "cr-cremona": lat "100": dir.out_of_range map[Max:90 Min:-90]`,
		`centre "cr-cremona": lon "200": dir.out_of_range map[Max:180 Min:-180]`,
		`centre "cr-cremona": phones "0372 123": parse.bad_phone`,
		`centre "cr-casalmaggiore": network "nope": dir.no_network`,
		`centre "cr-casalmaggiore": hours.tue "10:00-10:00": parse.slot_empty`,
		`centre "am-cinisello": languages "IT": parse.unknown_language`,
	}
	if got := strings.Split(err.Error(), "\n"); !slices.Equal(got, want) {
		t.Errorf("errors\n got: %q\nwant: %q", got, want)
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != len(want) {
		t.Errorf("error is not a join of %d errors: %#v", len(want), err)
	}
}

func TestNewDirectoryAcceptsEdgeValues(t *testing.T) {
	data := dtLombardy()
	c := &data.Centres[0]
	c.Hours[time.Saturday] = []directory.Slot{{Open: 0, Close: 1440}}
	c.Hours[time.Sunday] = []directory.Slot{{Open: 20 * 60, Close: 0}, {Open: 1440, Close: 60}}
	c.Closures = []directory.Closure{{From: directory.Date{Year: 2028, Month: 2, Day: 29}, To: directory.Date{Year: 2028, Month: 2, Day: 29}}}
	c.Phones = []string{"+39037212345", "+41441234567"}
	c.Services = slices.Clone(directory.ServiceKeys)
	if _, err := directory.New(data); err != nil {
		t.Errorf("NewDirectory: %v", err)
	}
	if _, err := directory.New(directory.Data{}); err != nil {
		t.Errorf("empty directory: %v", err)
	}
}

func TestDirectoryLookups(t *testing.T) {
	d := dtDirectory(t)
	if !d.Sample() {
		t.Error("Sample() = false for sample data")
	}
	var netIDs []string
	for _, n := range d.Networks() {
		netIDs = append(netIDs, n.ID)
	}
	if want := []string{"arca", "amaranta"}; !slices.Equal(netIDs, want) {
		t.Errorf("Networks() = %v, want file order %v", netIDs, want)
	}
	if n, ok := d.Network("amaranta"); !ok || n.Name != "Amaranta" {
		t.Errorf(`Network("amaranta") = %+v, %v`, n, ok)
	}
	if _, ok := d.Network("ARCA"); ok {
		t.Error(`Network("ARCA") found: ids are exact`)
	}
	if c, ok := d.Centre("cr-crema"); !ok || c.Town != "Crema" {
		t.Errorf(`Centre("cr-crema") = %+v, %v`, c, ok)
	}
	if c, ok := d.Centre("nope"); ok || c != nil {
		t.Errorf(`Centre("nope") = %v, %v`, c, ok)
	}
	for _, tt := range []struct {
		network string
		want    []string
	}{
		{"", []string{"cr-cremona", "cr-crema", "cr-casalmaggiore", "am-bresso", "am-cinisello"}},
		{"arca", []string{"cr-cremona", "cr-crema", "cr-casalmaggiore"}},
		{"amaranta", []string{"am-bresso", "am-cinisello"}},
		{"nope", nil},
	} {
		if got := dtIDs(d.Centres(tt.network)); !slices.Equal(got, tt.want) {
			t.Errorf("Centres(%q) = %v, want %v", tt.network, got, tt.want)
		}
	}
}

func dtIDs(cs []*directory.Centre) []string {
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestDirectoryIsACopy(t *testing.T) {
	data := dtLombardy()
	d, err := directory.New(data)
	if err != nil {
		t.Fatal(err)
	}
	// Changing the input afterwards does not change the directory.
	data.Centres[0].Phones[0] = "+390000000000"
	data.Centres[0].Hours[time.Monday][0].Open = 0
	data.Networks[0].Name = "changed"
	c, _ := d.Centre("cr-cremona")
	if c.Phones[0] != "+390372000001" || c.Hours[time.Monday][0].Open != 540 {
		t.Errorf("directory shares slices with its input: %v %v", c.Phones, c.Hours[time.Monday])
	}
	if n, _ := d.Network("arca"); n.Name != "ARCA" {
		t.Errorf("network name = %q after changing the input", n.Name)
	}
	// Changing what Data returns does not change it either.
	out := d.Data()
	out.Centres[0].Towns[0] = "Milano"
	out.Centres[0].Closures = append(out.Centres[0].Closures, directory.Closure{})
	out.Centres[1].Hours[time.Monday][0].Close = 1440
	out.Networks[0].ID = "x"
	again := d.Data()
	if again.Centres[0].Towns[0] != "Cremona" || again.Centres[1].Hours[time.Monday][0].Close != 780 ||
		again.Networks[0].ID != "arca" || len(again.Centres[0].Closures) != 0 {
		t.Errorf("Data() is not a deep copy: %+v", again.Centres[0])
	}
	// Changing the slice Centres returns does not reorder the directory.
	all := d.Centres("")
	all[0], all[1] = all[1], all[0]
	if got := dtIDs(d.Centres(""))[0]; got != "cr-cremona" {
		t.Errorf("Centres() shares its slice: first is %s", got)
	}
}

func TestDirectoryConcurrentUse(t *testing.T) {
	d := dtDirectory(t)
	at := time.Date(2027, 3, 2, 10, 0, 0, 0, directory.Rome)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				d.FindTown("Cremona")
				d.Suggest("Cremna", 3)
				d.Nearest(45.46, 9.19, 3)
				d.OpenAt("", at.Add(time.Duration(i*j)*time.Minute))
				d.NextOpening("arca", at)
				d.Data()
			}
		})
	}
	wg.Wait()
}
