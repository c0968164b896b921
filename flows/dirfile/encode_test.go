package dirfile

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"frontdoor/flows/directory"
)

var update = flag.Bool("update", false, "rewrite testdata/sample.golden.toml")

// full sets every field of the format, with the awkward values a real
// directory may hold: quotes, backslashes, accents, a slot across midnight,
// a slot to 24:00, negative coordinates, two closures.
func full() directory.Data {
	return directory.Data{
		Sample: true,
		Networks: []directory.Network{
			{ID: "n1", Name: `Rete "uno" \ Cremona`, Province: "CR", Phone24h: "+393351234567"},
			{ID: "n2", Name: "Rete due – città", Province: "MI"},
		},
		Centres: []directory.Centre{{
			ID: "c1", Network: "n1", Name: "Centro\tuno", Town: "Pieve d'Olmi",
			Address: "Via dell'Unità d'Italia 1", AddressConfidential: true,
			Lat: -45.123456789, Lon: 10,
			Phones:    []string{"+390000000101", "+390000000102"},
			Towns:     []string{"Pieve d'Olmi", "Stagno Lombardo", "Sesto ed Uniti", "Gadesco-Pieve Delmona", "Malagnino", "Bonemerse"},
			Languages: []string{"it", "en", "fr", "es", "ar"},
			Services:  append([]string(nil), directory.ServiceKeys...),
			Hours: directory.Week{
				{{Open: 0, Close: 1440}},
				{{Open: 540, Close: 780}, {Open: 840, Close: 1080}},
				{{Open: 570, Close: 750}},
				nil,
				{{Open: 1200, Close: 120}},
				{{Open: 1380, Close: 0}},
				{{Open: 600, Close: 660}},
			},
			Closures: []directory.Closure{
				{From: directory.Date{Year: 2026, Month: 12, Day: 24}, To: directory.Date{Year: 2027, Month: 1, Day: 6}, Reason: "chiusura per le feste\nauguri!"},
				{From: directory.Date{Year: 2027, Month: 8, Day: 10}, To: directory.Date{Year: 2027, Month: 8, Day: 10}},
			},
			OpenOnHolidays: true,
			Draft:          true,
		}, {
			ID: "c2", Network: "n2", Name: "Centro due", Town: "Bresso", Lat: 45.5378, Lon: 9.1886,
		}},
	}
}

func roundTrip(t *testing.T, d directory.Data) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Encode(&b, d); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("decoding what Encode wrote: %v\n%s", err, b.Bytes())
	}
	if !reflect.DeepEqual(got, d) {
		t.Errorf("round trip changed the directory\n got %+v\nwant %+v\nfile:\n%s", got, d, b.Bytes())
	}
	return b.Bytes()
}

// trickyComments comments every key with text that would break a file if
// it were not kept behind "#": quotes, brackets, "=", several lines.
func trickyComments(key string) string {
	return "about " + key + ": \"x\" = [1, 2]\n[[centre]]\r\n  # and more\n"
}

// TestRoundTripCommented: a file with comments reads back as the same
// directory, and writing it again gives the same bytes.
func TestRoundTripCommented(t *testing.T) {
	for _, d := range []directory.Data{full(), Sample(), {}} {
		var first, second bytes.Buffer
		if err := EncodeCommented(&first, d, trickyComments); err != nil {
			t.Fatal(err)
		}
		got, err := Decode(bytes.NewReader(first.Bytes()))
		if err != nil {
			t.Fatalf("decoding a commented file: %v\n%s", err, first.Bytes())
		}
		if !reflect.DeepEqual(got, d) {
			t.Errorf("round trip changed the directory\n got %+v\nwant %+v", got, d)
		}
		if err := EncodeCommented(&second, got, trickyComments); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Errorf("export, import, export differs:\n%s\n---\n%s", first.Bytes(), second.Bytes())
		}
		if len(d.Centres) > 0 && !strings.Contains(first.String(), "# about centre.phones: \"x\" = [1, 2]\n# [[centre]]\n#   # and more\nphones = ") {
			t.Errorf("comments are not where they belong:\n%s", first.Bytes())
		}
	}
}

func TestRoundTripFull(t *testing.T) {
	d := full()
	if _, err := directory.New(d); err != nil {
		t.Fatalf("the test directory itself is invalid: %v", err)
	}
	roundTrip(t, d)
}

func TestRoundTripSample(t *testing.T) { roundTrip(t, Sample()) }

func TestRoundTripEmpty(t *testing.T) { roundTrip(t, directory.Data{}) }

func TestEncodeGolden(t *testing.T) {
	got := roundTrip(t, Sample())
	path := filepath.Join("testdata", "sample.golden.toml")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Encode(Sample()) differs from %s (run go test -update if the change is right):\n%s", path, got)
	}
}

func TestEncodeReadable(t *testing.T) {
	var b bytes.Buffer
	if err := Encode(&b, full()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"# frontdoor directory",
		"\nsample = true\n",
		"\n[[centre]]\nid = \"c1\"\n",
		"\naddress = \"Via dell'Unità d'Italia 1\"\n", // accents stay readable
		"\nname = \"Rete \\\"uno\\\" \\\\ Cremona\"\n",
		"\nthu = [\"20:00-2:00\"]\n",
		"\nwed = []\n",
		"\nsun = [\"0:00-24:00\"]\n",
		"\nfrom = \"2026-12-24\"\n",
		"\ntowns = [\n  \"Pieve d'Olmi\",\n", // a long list, one item a line
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for i, l := range strings.Split(out, "\n") {
		if len(l) > maxLine {
			t.Errorf("line %d is %d bytes long: %s", i+1, len(l), l)
		}
	}
}

func TestEncodeInvalidUTF8(t *testing.T) {
	d := full()
	d.Centres[1].Name = "Centro \xff"
	var b bytes.Buffer
	if err := Encode(&b, d); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("err = %v", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestEncodeWriteError(t *testing.T) {
	if err := Encode(failingWriter{}, Sample()); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v", err)
	}
}
