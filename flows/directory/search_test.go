package directory_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"frontdoor/flows/directory"
)

func TestNormalizeTown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Cremona", "cremona"},
		{"  CREMA ", "crema"},
		{"Sant'Angelo Lodigiano", "sant angelo lodigiano"},
		{"Sant’Angelo Lodigiano", "sant angelo lodigiano"}, // phone keyboards type ’
		{"Cinisello-Balsamo", "cinisello balsamo"},
		{"Cinisello – Balsamo", "cinisello balsamo"},
		{"S. Donato M.se", "s donato m se"},
		{"Città di Castello", "citta di castello"},
		{"CANTÙ", "cantu"},
		{"Ca' d'Andrea", "ca d andrea"},
		{"Crema (CR)", "crema cr"},
		{"ＣＲＥＭＡ", "crema"},       // full-width letters
		{"Cre\u0301ma", "crema"}, // combining accent
		{"crema\t\ncremasco", "crema cremasco"},
		{"Crema\x00", "crema"},
		{"\xffCrema\xfe", "crema"},
		{"", ""},
		{" '-. ", ""},
	}
	for _, tt := range tests {
		if got := directory.Normalize(tt.in); got != tt.want {
			t.Errorf("directory.Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFindTown(t *testing.T) {
	d := dtDirectory(t)
	tests := []struct {
		q       string
		town    string
		centres []string
	}{
		{"Cremona", "Cremona", []string{"cr-cremona"}},
		{"CREMONA", "Cremona", []string{"cr-cremona"}},
		{"  crémona ", "Cremona", []string{"cr-cremona"}},
		{"Comune di Crema", "Crema", []string{"cr-crema"}},
		{"comune di Crema", "Crema", []string{"cr-crema"}},
		{"Città di Crema", "Crema", []string{"cr-crema"}},
		{"Crema (CR)", "Crema", []string{"cr-crema"}},
		{"bagnolo-cremasco", "Bagnolo Cremasco", []string{"cr-crema"}},
		{"ca d'andrea", "Ca' d'Andrea", []string{"cr-cremona"}},
		{"Ca’ d’Andrea", "Ca' d'Andrea", []string{"cr-cremona"}},
		// Bresso comes first in the file and covers Cinisello too, but the
		// centre in Cinisello is the one to offer first.
		{"Cinisello-Balsamo", "Cinisello Balsamo", []string{"am-cinisello", "am-bresso"}},
		{"cinisello balsamo", "Cinisello Balsamo", []string{"am-cinisello", "am-bresso"}},
		// Covered by both, located in neither: file order.
		{"Cormano", "Cormano", []string{"am-bresso", "am-cinisello"}},
		{"Milano", "", nil},
		{"Cinisello", "", nil},
		{"comune di", "", nil},
		{"", "", nil},
		{"   ", "", nil},
	}
	for _, tt := range tests {
		town, centres := d.FindTown(tt.q)
		if town != tt.town || !slices.Equal(dtIDs(centres), tt.centres) {
			t.Errorf("FindTown(%q) = %q, %v; want %q, %v", tt.q, town, dtIDs(centres), tt.town, tt.centres)
		}
	}
}

// TestTownHandle: every covered town is found again by its handle, which
// is short and the same however its name is written; an unknown handle
// finds none.
func TestTownHandle(t *testing.T) {
	d := dtDirectory(t)
	for _, tt := range []struct {
		name    string
		town    string
		centres []string
	}{
		{"Cremona", "Cremona", []string{"cr-cremona"}},
		{"Ca' d'Andrea", "Ca' d'Andrea", []string{"cr-cremona"}},
		{"CINISELLO-BALSAMO", "Cinisello Balsamo", []string{"am-cinisello", "am-bresso"}},
		{"Cormano", "Cormano", []string{"am-bresso", "am-cinisello"}},
		{"Milano", "", nil},
	} {
		h := directory.TownHandle(tt.name)
		if len(h) != 16 {
			t.Errorf("TownHandle(%q) = %q, want 16 characters", tt.name, h)
		}
		town, centres := d.TownByHandle(h)
		if town != tt.town || !slices.Equal(dtIDs(centres), tt.centres) {
			t.Errorf("TownByHandle(TownHandle(%q)) = %q, %v; want %q, %v", tt.name, town, dtIDs(centres), tt.town, tt.centres)
		}
	}
	if directory.TownHandle("Crema") == directory.TownHandle("Cremona") {
		t.Error("two towns share a handle")
	}
	for _, h := range []string{"", "Cremona", "0123456789abcdef"} {
		if town, _ := d.TownByHandle(h); town != "" {
			t.Errorf("TownByHandle(%q) = %q, want none", h, town)
		}
	}
}

func TestSuggest(t *testing.T) {
	d := dtDirectory(t)
	tests := []struct {
		q    string
		n    int
		want []string
	}{
		{"Cremna", 3, []string{"Cremona", "Crema"}}, // one typo from both: the longer first
		{"Cremonna", 3, []string{"Cremona"}},
		{"Crmeona", 3, []string{"Cremona"}},        // two letters swapped
		{"Crena", 3, []string{"Crema", "Cremona"}}, // one typo from Crema, two from Cremona
		{"Cinisello", 3, []string{"Cinisello Balsamo"}},
		{"cinisel", 3, []string{"Cinisello Balsamo"}},
		{"Balsamo", 3, []string{"Cinisello Balsamo"}},
		{"Crem", 2, []string{"Cremona", "Crema"}},
		{"Crem", 5, []string{"Cremona", "Crema", "Bagnolo Cremasco"}},
		{"Sesto", 5, []string{"Sesto San Giovanni", "Sesto ed Uniti"}},
		{"Breso", 3, []string{"Bresso"}},
		{"Bersso", 3, []string{"Bresso"}},
		{"comune di Cremna", 1, []string{"Cremona"}},
		{"Cremona", 3, []string{"Cremona"}},
		{"Crema", 3, []string{"Crema", "Bagnolo Cremasco", "Cremona"}},
		{"Brx", 3, nil},
		{"Cre", 3, nil},
		{"Milano", 3, nil},
		{"Cremna", 0, nil},
		{"", 3, nil},
		{strings.Repeat("cremona ", 1000), 3, nil},
	}
	for _, tt := range tests {
		got := d.Suggest(tt.q, tt.n)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Suggest(%.20q, %d) = %q, want %q", tt.q, tt.n, got, tt.want)
		}
		for _, s := range got {
			if town, _ := d.FindTown(s); town != s {
				t.Errorf("Suggest(%q) offered %q, which FindTown does not find", tt.q, s)
			}
		}
	}
}

func TestNearest(t *testing.T) {
	d := dtDirectory(t)
	type want struct {
		id     string
		metres int
	}
	// Expected distances from an independent haversine (R = 6371008.8 m).
	tests := []struct {
		name     string
		lat, lon float64
		n        int
		want     []want
	}{
		{"from Cremona", 45.1333, 10.0227, 5, []want{
			{"cr-cremona", 0}, {"cr-casalmaggiore", 34964}, {"cr-crema", 37045}, {"am-cinisello", 78700}, {"am-bresso", 79219}}},
		{"from Milan cathedral", 45.4642, 9.1900, 3, []want{
			{"am-bresso", 8185}, {"am-cinisello", 10392}, {"cr-crema", 39935}}},
		{"from Crema, more than there are", 45.3640, 9.6813, 10, []want{
			{"cr-crema", 0}, {"cr-cremona", 37045}, {"am-cinisello", 42171}, {"am-bresso", 43033}, {"cr-casalmaggiore", 71246}}},
		{"none asked", 45.1333, 10.0227, 0, nil},
		{"NaN", math.NaN(), 10, 3, nil},
		{"not on Earth", 91, 10, 3, nil},
		{"infinite", 45, math.Inf(1), 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []want
			for _, r := range d.Nearest(tt.lat, tt.lon, tt.n) {
				got = append(got, want{r.Centre.ID, r.Metres})
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Nearest = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i].id != tt.want[i].id || math.Abs(float64(got[i].metres-tt.want[i].metres)) > 2 {
					t.Errorf("Nearest = %v, want %v", got, tt.want)
					break
				}
			}
		})
	}
	t.Run("ties in file order", func(t *testing.T) {
		data := dtLombardy()
		data.Centres[3].Lat, data.Centres[3].Lon = data.Centres[4].Lat, data.Centres[4].Lon
		d, err := directory.New(data)
		if err != nil {
			t.Fatal(err)
		}
		got := d.Nearest(45.5, 9.2, 2)
		if ids := []string{got[0].Centre.ID, got[1].Centre.ID}; !slices.Equal(ids, []string{"am-bresso", "am-cinisello"}) || got[0].Metres != got[1].Metres {
			t.Errorf("Nearest with a tie = %v", got)
		}
	})
}

func TestDirectoryOpenAtAndNextOpening(t *testing.T) {
	d := dtDirectory(t)
	tests := []struct {
		name    string
		network string
		at      time.Time
		open    []string
		next    string
		nextAt  time.Time
	}{
		// Tuesday 2 March 2027, 10:00: Cremona, Crema and Cinisello are in
		// their morning; Casalmaggiore opens at 14:00, Cremona reopens then too.
		{"tuesday morning, all", "", rome(2027, 3, 2, 10, 0), []string{"cr-cremona", "cr-crema", "am-cinisello"}, "cr-cremona", rome(2027, 3, 2, 14, 0)},
		{"tuesday morning, amaranta", "amaranta", rome(2027, 3, 2, 10, 0), []string{"am-cinisello"}, "am-bresso", rome(2027, 3, 3, 14, 0)},
		{"sunday, arca", "arca", rome(2027, 3, 7, 10, 0), nil, "cr-cremona", rome(2027, 3, 8, 9, 0)},
		{"saturday, amaranta", "amaranta", rome(2027, 3, 6, 12, 0), []string{"am-cinisello"}, "am-bresso", rome(2027, 3, 8, 14, 0)},
		// Cremona, Crema and Cinisello all open on Tuesday at 9: file order.
		{"easter monday, all", "", rome(2027, 3, 29, 10, 0), nil, "cr-cremona", rome(2027, 3, 30, 9, 0)},
		{"unknown network", "nope", rome(2027, 3, 2, 10, 0), nil, "", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dtIDs(d.OpenAt(tt.network, tt.at)); !slices.Equal(got, tt.open) {
				t.Errorf("OpenAt(%q) = %v, want %v", tt.network, got, tt.open)
			}
			c, at, ok := d.NextOpening(tt.network, tt.at)
			id := ""
			if c != nil {
				id = c.ID
			}
			if id != tt.next || !at.Equal(tt.nextAt) || ok != (tt.next != "") {
				t.Errorf("NextOpening(%q) = %s, %s, %v; want %s, %s", tt.network, id, dtShow(at), ok, tt.next, dtShow(tt.nextAt))
			}
		})
	}
}

func BenchmarkFindTown(b *testing.B) {
	d := dtDirectory(b)
	queries := []string{"Cremona", "Cinisello-Balsamo", "comune di Crema", "Milano"}
	b.Run("found", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			d.FindTown(queries[i%len(queries)])
		}
	})
	b.Run("suggest", func(b *testing.B) {
		for b.Loop() {
			d.Suggest("Cremna", 3)
		}
	})
}

// dtFuzzSeeds are inputs a woman, a broken client or a fuzzer may send.
var dtFuzzSeeds = []string{
	"Cremona", "  CREMA ", "Sant'Angelo", "Cinisello-Balsamo", "Ca’ d’Andrea", "comune di Crema",
	"Crema (CR)", "ＣＲＥＭＡ", "Cre\u0301ma", "İstanbul", "ℌ", "ǅ", "ß", "\xff\xfe", "\x00",
	"comune di ", "a", "'", strings.Repeat("é", 300), "🙂 crema 🙂", "\u0301", "ﬁ",
}

func FuzzNormalizeTown(f *testing.F) {
	for _, s := range dtFuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := directory.Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("directory.Normalize(%q) = %q: not UTF-8", s, n)
		}
		if strings.TrimSpace(n) != n || strings.Contains(n, "  ") {
			t.Fatalf("directory.Normalize(%q) = %q: stray spaces", s, n)
		}
		if again := directory.Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q", s, n, again)
		}
	})
}

func FuzzFindTown(f *testing.F) {
	for _, s := range dtFuzzSeeds {
		f.Add(s)
	}
	d := dtDirectory(f)
	f.Fuzz(func(t *testing.T, q string) {
		town, centres := d.FindTown(q)
		if (town == "") != (len(centres) == 0) {
			t.Fatalf("FindTown(%q) = %q with %d centres", q, town, len(centres))
		}
		if town != "" {
			if again, _ := d.FindTown(town); again != town {
				t.Fatalf("FindTown(%q) = %q, but FindTown(%q) = %q", q, town, town, again)
			}
		}
		got := d.Suggest(q, 3)
		if len(got) > 3 {
			t.Fatalf("Suggest(%q, 3) = %d towns", q, len(got))
		}
		for _, s := range got {
			if again, _ := d.FindTown(s); again != s {
				t.Fatalf("Suggest(%q) offered %q, not found by FindTown", q, s)
			}
		}
	})
}

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"9", "9:00", "09.30", "24:00", "24:01", "", "-1", "9:5", "１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := directory.ParseClock(s)
		if err != nil {
			return
		}
		if c < 0 || c > 1440 {
			t.Fatalf("ParseClock(%q) = %d: out of range", s, c)
		}
		if back, err := directory.ParseClock(c.String()); err != nil || back != c {
			t.Fatalf("ParseClock(%q) = %d, but ParseClock(%q) = %d, %v", s, c, c.String(), back, err)
		}
	})
}
